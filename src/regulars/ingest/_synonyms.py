"""The names exports commonly give each canonical column, so a file maps itself without a
mapping file: ``Email`` on a tickets file is the customer, ``Order Date`` the order's time,
``Grand Total`` its amount. Names compare without case, spaces or punctuation. An exact
canonical name always wins over a synonym; earlier synonyms win over later ones."""

from __future__ import annotations

__all__ = ["EMAIL_NAMES", "SYNONYMS"]

#: Names of a column holding an email address: as a customer id, it is lowercased.
EMAIL_NAMES = ("email", "e-mail", "email address", "e-mail address", "customer email", "requester email",
               "contact email", "buyer email", "billing email", "email (billing)", "user email", "mail")
_CUSTOMER = ("customer id", "customer", "customer number", "client id", "client", "contact id", "user id",
             "member id", "buyer id", "account id")
_CREATED = ("created", "created at", "created time", "created date", "create date", "date created", "creation date")

SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "customers": {
        "customer_id": (*_CUSTOMER, "record id", "id", *EMAIL_NAMES),
        "email": EMAIL_NAMES,
        "phone": ("phone", "phone number", "telephone", "mobile", "mobile phone", "mobile number", "work phone"),
        "name": ("full name", "customer name", "contact name", "client name"),
        "created_at": (*_CREATED, "signup date", "sign up date", "joined", "registered", "first seen"),
        "country": ("country code", "country/region", "billing country"),
        "region": ("state", "province", "state/region", "county"),
        "city": ("town", "billing city"),
        "birthday": ("date of birth", "dob", "birth date", "birthdate"),
        "consent_email": ("accepts marketing", "accepts email marketing", "email consent", "marketing consent",
                          "email opt in", "opt in", "subscribed"),
        "consent_sms": ("accepts sms marketing", "sms consent", "sms opt in"),
        "lead_source": ("source", "original source", "lead source", "utm source"),
        "company": ("company name", "organisation", "organization", "account"),
        "job_title": ("title", "job", "position", "role"),
    },
    "orders": {
        "order_id": ("order", "order number", "order no", "order #", "invoice", "invoice id", "invoice no",
                     "invoice number", "receipt", "receipt number", "transaction id", "transaction", "charge id",
                     "payment id", "id"),
        "customer_id": (*_CUSTOMER, *EMAIL_NAMES),
        "ordered_at": ("order date", "date", "created", "created at", "created (utc)", "created date", "purchase date",
                       "invoice date", "transaction date", "paid at", "timestamp", "time", "datetime"),
        "amount": ("total", "grand total", "order total", "order total amount", "total amount", "total price",
                   "amount paid",
                   "revenue", "value", "sales", "net sales", "price"),
        "currency": ("currency code", "ccy"),
        "status": ("order status", "financial status", "payment status", "state"),
        "discount": ("discount amount", "discounts", "total discount", "total discounts"),
        "channel": ("sales channel", "source", "source name"),
        "delivered_at": ("delivered", "delivery date", "date delivered", "fulfilled at", "fulfilled date",
                         "fulfillment date"),
    },
    "order_items": {
        "product_id": ("sku", "lineitem sku", "item sku", "variant sku", "product", "item id",
                       "stock code", "product code", "lineitem name", "item name", "product name"),
        "quantity": ("qty", "lineitem quantity", "item quantity", "quantity (- refund)", "units", "quantity ordered",
                     "count"),
        "unit_price": ("price", "lineitem price", "item price", "item cost", "unit cost", "price each"),
    },
    "products": {
        "product_id": ("sku", "product", "item id", "stock code", "product code", "id"),
        "name": ("product name", "lineitem name", "item name", "title", "description"),
        "category": ("product type", "type", "department", "collection"),
    },
    "events": {
        "customer_id": (*_CUSTOMER, "visitor id", "client_id", "user_pseudo_id", "visitor", *EMAIL_NAMES),
        "occurred_at": ("timestamp", "event time", "event timestamp", "action timestamp", "time", "date", "datetime",
                        "created at", "event date"),
        "event_type": ("event", "event name", "action type", "action", "activity", "type"),
        "url": ("page", "page url", "page location", "action url", "link", "path"),
        "campaign_id": ("campaign", "campaign name", "utm campaign"),
        "product_id": ("sku", "product", "item id"),
    },
    "tickets": {
        "ticket_id": ("ticket", "id", "ticket number", "case id", "case number", "conversation id"),
        "customer_id": (*EMAIL_NAMES, "requester", *_CUSTOMER),
        "opened_at": (*_CREATED, "opened", "opened at", "date", "submitted at"),
        "resolved_at": ("resolved", "resolved time", "solved at", "solved", "closed time", "closed at", "closed"),
        "first_response_at": ("initial response time", "first response", "first reply at"),
        "channel": ("source", "via", "ticket channel"),
        "category": ("type", "ticket type", "topic", "reason"),
        "csat": ("satisfaction score", "satisfaction rating", "csat score", "rating"),
        "text": ("subject", "description", "message", "body", "summary"),
        "agent": ("assignee", "assignee name", "assigned to", "agent name", "responder", "owner"),
    },
    "feedback": {
        "customer_id": (*_CUSTOMER, *EMAIL_NAMES),
        "submitted_at": (*_CREATED, "date", "submitted", "response date", "timestamp"),
        "kind": ("type", "survey type", "survey"),
        "score": ("rating", "nps", "score (0-10)", "stars"),
        "text": ("comment", "comments", "feedback", "review", "answer"),
        "product_id": ("product", "sku", "item id", "product handle", "clothing id", "product code"),
    },
    "messages": {
        "message_id": ("id", "message", "send id"),
        "customer_id": (*_CUSTOMER, *EMAIL_NAMES),
        "sent_at": ("sent", "send time", "date", "timestamp"),
        "campaign_id": ("campaign", "campaign name"),
    },
}
