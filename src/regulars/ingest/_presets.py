"""Built-in mappings for common exports, written in the same form as a mapping file.

Vendor layouts follow the columns of each tool's documented CSV export; where a vendor has
used several names for one column over the years, all are listed and the first present wins.
"""

from __future__ import annotations

from typing import Any

from regulars.errors import SettingsError
from regulars.ingest._mapping import Mapping, parse_mapping

__all__ = ["PRESETS", "fitting_presets", "preset"]

#: WooCommerce's order statuses: paid ones are sales; unpaid, failed or held ones are not.
WOO_STATUS = {"wc-completed": "completed", "processing": "completed", "wc-processing": "completed",
              "wc-refunded": "refunded", "wc-cancelled": "cancelled", "failed": "cancelled", "wc-failed": "cancelled",
              "pending": "cancelled", "wc-pending": "cancelled", "on-hold": "cancelled", "wc-on-hold": "cancelled",
              "pending payment": "cancelled"}

#: GA4's recommended event names in regulars' vocabulary (others are kept as they are).
GA4_EVENTS = {"view_item": "product_view", "select_item": "product_view", "add_to_cart": "cart_add",
              "begin_checkout": "checkout_start", "view_search_results": "search", "generate_lead": "lead_created",
              "sign_up": "lead_created", "file_download": "download", "form_submit": "form_submit"}

PRESETS: dict[str, dict[str, Any]] = {
    "online-retail": {
        "description": "UCI Online Retail invoice lines; invoices starting with C are refunds",
        "table": "orders",
        "shape": "order_lines",
        "columns": {
            "order_id": "InvoiceNo",
            "customer_id": "CustomerID",
            "ordered_at": "InvoiceDate",
            "status": {"from": "InvoiceNo", "prefixes": {"C": "refunded"}, "otherwise": "completed"},
            "currency": {"constant": "GBP"},
            "item.product_id": "StockCode",
            "item.quantity": "Quantity",
            "item.unit_price": "UnitPrice",
            "product.name": "Description",
            "customer.country": "Country",
        },
    },
    "cdnow": {
        "description": "CDNOW master (or sample) transactions: customer, YYYYMMDD date, CDs, dollars",
        "table": "orders",
        "delimiter": None,
        "columns": {
            "order_id": {"generate": "row"},
            "customer_id": ["customer_id", "master_customer_id"],
            "ordered_at": {"from": "date", "format": "%Y%m%d"},
            "amount": "dollar_value",
            "currency": {"constant": "USD"},
        },
    },
    "shopify-orders": {
        "description": "Shopify Orders export: one row per line item, order fields on the first",
        "table": "orders",
        "shape": "order_lines",
        "columns": {
            "order_id": "Name",
            # no email: the phone identifies the customer; neither: an anonymous sale
            "customer_id": {"from": ["Email", "Customer Email"], "fallback": ["Phone", "Billing Phone",
                                                                               "Shipping Phone"],
                            "transform": "email"},
            "ordered_at": ["Created at", "Paid at"],
            "amount": {"from": "Total", "minus": "Refunded Amount"},
            "currency": "Currency",
            "status": {"from": "Financial Status",
                       "values": {"pending": "completed", "authorized": "completed",
                                  "partially_paid": "completed"}},
            "discount": "Discount Amount",
            "channel": "Source",
            "delivered_at": "Fulfilled at",
            # many shops leave SKUs blank: the line item's name (which carries the variant) names it
            "item.product_id": {"from": "Lineitem sku", "fallback": ["Lineitem name"]},
            "item.quantity": "Lineitem quantity",
            "item.unit_price": "Lineitem price",
            "product.name": "Lineitem name",
            "customer.email": ["Email", "Customer Email"],
            "customer.name": "Billing Name",
            "customer.phone": {"from": "Phone", "fallback": ["Billing Phone", "Shipping Phone"]},
            "customer.country": "Billing Country",
            "customer.region": "Billing Province",
            "customer.city": "Billing City",
            "customer.consent_email": "Accepts Marketing",
        },
    },
    "shopify-customers": {
        "description": "Shopify customers export (Customer ID, Accepts Email/SMS Marketing, Total Spent, Tags)",
        "table": "customers",
        "columns": {
            # Shopify writes ids, zips and phones with a leading apostrophe for spreadsheets
            "customer_id": {"from": "Customer ID", "fallback": ["Email"], "transform": "unquote"},
            "email": "Email",
            "name": {"concat": ["First Name", "Last Name"]},
            "phone": {"from": "Phone", "fallback": ["Default Address Phone"], "transform": "unquote"},
            "company": ["Default Address Company", "Company"],
            "city": ["Default Address City", "City"],
            "region": ["Default Address Province Code", "Province Code", "Province"],
            "country": ["Default Address Country Code", "Country Code", "Country"],
            "consent_email": ["Accepts Email Marketing", "Accepts Marketing"],
            "consent_sms": "Accepts SMS Marketing",
        },
    },
    "mailchimp-audience": {
        "description": "Mailchimp audience export: the subscribed, unsubscribed or cleaned file (consent from which)",
        "table": "customers",
        "columns": {
            "customer_id": {"from": ["Email Address", "Email"], "transform": "email"},
            "email": ["Email Address", "Email"],
            "name": {"concat": ["First Name", "Last Name"]},
            "phone": "Phone Number",
            "birthday": {"from": "Birthday", "format": ["%m/%d", "%Y-%m-%d", "%m/%d/%Y"]},
            "created_at": {"from": "OPTIN_TIME", "fallback": ["CONFIRM_TIME", "LAST_CHANGED"]},
            "country": "CC",
            "region": "REGION",
            # Which file it is decides consent, from its header (Mailchimp's documented layouts), never
            # from optional values (a real unsubscribed file often has a blank UNSUB_REASON): the
            # cleaned file has CLEAN_TIME, the unsubscribed UNSUB_TIME, both a no; the subscribed file
            # has neither but CONFIRM_TIME / OPTIN_TIME: a yes. Anything else stays unknown (no consent).
            "consent_email": {"by_header": {"CLEAN_TIME": "false", "CLEAN_CAMPAIGN_TITLE": "false",
                                            "UNSUB_TIME": "false", "UNSUB_CAMPAIGN_TITLE": "false",
                                            "UNSUB_REASON": "false", "CONFIRM_TIME": "true", "OPTIN_TIME": "true"}},
        },
    },
    "klaviyo-profiles": {
        "description": "Klaviyo profiles export (Email, Klaviyo ID, ..., Source, Consent, Profile Created On)",
        "table": "customers",
        "external_id": "Klaviyo ID",
        "columns": {
            "customer_id": {"from": "Email", "fallback": ["Phone Number", "Klaviyo ID"], "transform": "email"},
            "email": "Email",
            "name": {"concat": ["First Name", "Last Name"]},
            "phone": "Phone Number",
            "company": "Organization",
            "job_title": "Title",
            "city": "City",
            "region": "State / Region",
            "country": "Country",
            "lead_source": {"from": "Initial Source", "fallback": ["Source"]},
            "created_at": {"from": "Profile Created On", "fallback": ["Date Added", "First Active"]},
        },
    },
    "mailchimp-activity": {
        "description": "Mailchimp campaign activity export: one row per open, click, bounce or unsubscribe",
        "table": "events",
        "columns": {
            "customer_id": {"from": ["Email Address", "Email"], "transform": "email"},
            "occurred_at": ["Timestamp", "Activity Timestamp", "Date"],
            "event_type": {
                "from": ["Action", "Activity"],
                "values": {"open": "email_open", "opened": "email_open", "click": "email_click",
                           "clicked": "email_click", "bounce": "email_bounce",
                           "bounced": "email_bounce", "unsub": "email_unsubscribe",
                           "unsubscribe": "email_unsubscribe", "unsubscribed": "email_unsubscribe",
                           "sent": "email_sent", "abuse": "email_complaint",
                           "spam": "email_complaint"},
            },
            "channel": {"constant": "email"},
            "campaign_id": ["Campaign ID", "Campaign Title", "Campaign"],
            "url": "URL",
            "customer.email": ["Email Address", "Email"],
        },
    },
    "ga4-events": {
        "description": "Google Analytics 4 events as BigQuery exports them to CSV (nested fields as JSON text)",
        "table": "events",
        "columns": {
            # the shop's own user id where it sets one, else GA4's pseudonymous browser id
            "customer_id": {"from": "user_id", "fallback": ["user_pseudo_id"]},
            # the browser's id on every row: where user_id appears, its earlier browsing becomes theirs
            "visitor_id": "user_pseudo_id",
            "occurred_at": {"from": "event_timestamp", "format": "epoch_us"},
            "event_type": {"from": "event_name", "values": GA4_EVENTS},
            "url": {"from": "event_params", "transform": "param:page_location"},
            "title": {"from": "event_params", "transform": "param:page_title"},
            "channel": {"from": "platform", "transform": "lower"},
        },
    },
    "matomo-visits": {
        "description": "Matomo visit log export (Live.getLastVisitsDetails as CSV): each visit's actions in "
                       "numbered column groups, one event each",
        "table": "events",
        "packed_groups": "actionDetails",
        "columns": {
            # the shop's own user id where the site sets one, else Matomo's visitor id
            "customer_id": {"from": "userId", "fallback": ["visitorId"]},
            "visitor_id": "visitorId",
            "occurred_at": {"from": "Action timestamp", "format": "epoch_s"},
            "event_type": {"from": "Action type", "values": {"action": "page_view", "search": "search",
                                                              "download": "download", "goal": "form_submit",
                                                              "ecommerceorder": "purchase", "outlink": "link_click"}},
            "url": "Action url",
            "title": "Action pageTitle",
            "channel": {"constant": "web"},
            "campaign_id": "campaignName",
        },
    },
    "hubspot-contacts": {
        "description": "HubSpot contacts export",
        "table": "customers",
        "columns": {
            "customer_id": ["Record ID", "Contact ID"],
            "email": "Email",
            "phone": ["Phone Number", "Mobile Phone Number"],
            "name": {"concat": ["First Name", "Last Name"]},
            "created_at": ["Create Date", "Created Date"],
            "country": ["Country/Region", "Country"],
            "region": ["State/Region", "State"],
            "city": "City",
            "lead_source": ["Original Source", "Original Traffic Source"],
            "company": ["Company Name", "Associated Company"],
            "industry": "Industry",
            "company_size": "Number of Employees",
            "job_title": "Job Title",
            "consent_email": {"from": ["Marketing contact status", "Unsubscribed from all email"],
                              "values": {"marketing contact": "true",
                                         "non-marketing contact": "false"}},
        },
    },
    "zendesk-tickets": {
        "description": "Zendesk Support tickets export",
        "table": "tickets",
        "columns": {
            "ticket_id": ["Id", "Ticket ID", "ID"],
            "customer_id": {"from": ["Requester email", "Requester Email", "Requester"],
                            "transform": "email"},
            "opened_at": ["Created at", "Ticket created - Timestamp"],
            "resolved_at": ["Solved at", "Ticket solved - Timestamp"],
            "channel": ["Via", "Ticket channel"],
            "category": ["Ticket type", "Type", "Ticket form"],
            "priority": "Priority",
            "status": {"from": ["Status", "Ticket status"], "values": {"deleted": "closed"}},
            "csat": {"from": ["Satisfaction Score", "Satisfaction", "Ticket satisfaction rating"],
                     "values": {"good": "5", "bad": "1", "offered": "", "unoffered": ""}},
            "text": ["Subject", "Description"],
            "agent": ["Assignee", "Assignee name"],
            "customer.email": ["Requester email", "Requester Email"],
            "customer.name": ["Requester name", "Requester"],
        },
    },
    "zendesk-ticket-history": {
        "description": "Zendesk ticket field history (each change of a ticket's status, priority and other "
                       "fields, as Fivetran's ticket_field_history holds it)",
        "table": "ticket_changes",
        "columns": {
            "ticket_id": ["ticket_id", "Ticket ID"],
            "changed_at": ["updated", "Updated", "created_at"],
            "field": ["field_name", "Field"],
            "value": ["value", "Value"],
        },
    },
    "woocommerce-orders": {
        "description": "WooCommerce orders from the Advanced Order Export plugin's default layout: a row per item",
        "table": "orders",
        "shape": "order_lines",
        "columns": {
            "order_id": "Order Number",
            "customer_id": {"from": "Email (Billing)", "fallback": ["Phone (Billing)"], "transform": "email"},
            "ordered_at": ["Order Date", "Order Date and Time"],
            "amount": "Order Total Amount",
            "status": {"from": "Order Status", "values": WOO_STATUS},
            "discount": "Cart Discount Amount",
            "item.product_id": {"from": "SKU", "fallback": ["Item Name"]},
            "item.quantity": ["Quantity (- Refund)", "Quantity"],
            "item.unit_price": "Item Cost",
            "product.name": "Item Name",
            "customer.email": "Email (Billing)",
            "customer.name": {"concat": ["First Name (Billing)", "Last Name (Billing)"]},
            "customer.phone": "Phone (Billing)",
            "customer.country": "Country Code (Billing)",
            "customer.region": "State Code (Billing)",
            "customer.city": "City (Billing)",
        },
    },
    "woocommerce-orders-packed": {
        "description": "WooCommerce orders from WebToffee's export: a row per order, items in line_item_1, 2, ...",
        "table": "orders",
        "shape": "order_lines",
        "packed_items": "line_item_",
        "external_id": "customer_id",  # WordPress's user id
        "columns": {
            "order_id": ["order_id", "order_number"],
            "customer_id": {"from": "customer_email", "fallback": ["billing_email", "billing_phone"],
                            "transform": "email"},
            "ordered_at": ["order_date", "paid_date"],
            "amount": "order_total",
            "currency": "order_currency",
            "status": {"from": "status", "values": WOO_STATUS},
            "discount": "discount_total",
            "item.product_id": {"from": "Item SKU", "fallback": ["Item Product ID", "Item Name"]},
            "item.quantity": "Item Quantity",
            "item.unit_price": "Item Price",
            "product.name": "Item Name",
            "customer.email": "billing_email",
            "customer.name": {"concat": ["billing_first_name", "billing_last_name"]},
            "customer.phone": "billing_phone",
            "customer.country": "billing_country",
            "customer.region": "billing_state",
            "customer.city": "billing_city",
        },
    },
    "stripe-payments": {
        "description": "Stripe payments export (unified payments): one row per charge, times in UTC",
        "table": "orders",
        "external_id": "Customer ID",
        "columns": {
            "order_id": "id",
            # the customer's email, else Stripe's customer id; neither: an anonymous sale
            "customer_id": {"from": "Customer Email", "fallback": ["Customer ID"], "transform": "email"},
            "ordered_at": ["Created (UTC)", "Created date (UTC)", "Created"],
            # net of what was refunded: a charge refunded in full is worth nothing and is no purchase
            "amount": {"from": "Amount", "minus": "Amount Refunded"},
            "currency": "Currency",
            "status": {"from": ["Status", "Status (Payment)"],
                       "values": {"paid": "completed", "succeeded": "completed", "partially refunded": "completed",
                                  "refunded": "refunded", "failed": "cancelled", "canceled": "cancelled",
                                  "incomplete": "cancelled", "uncaptured": "cancelled"}},
            "channel": {"constant": "stripe"},
            "customer.email": "Customer Email",
            "customer.name": {"from": "Customer Description", "fallback": ["Card Name"]},
            "customer.country": "Card Address Country",
        },
    },
    "freshdesk-tickets": {
        "description": "Freshdesk tickets export (with the contact fields: Full name, Contact ID, Email, phones)",
        "table": "tickets",
        "external_id": "Contact ID",
        "columns": {
            "ticket_id": "Ticket ID",
            # the contact's email; without the contact fields, Freshdesk's contact id
            "customer_id": {"from": "Email", "fallback": ["Contact ID"], "transform": "email"},
            "opened_at": "Created time",
            "resolved_at": {"from": "Resolved time", "fallback": ["Closed time"]},
            "first_response_at": "Initial response time",
            "channel": "Source",
            "category": "Type",
            "priority": "Priority",
            "status": "Status",
            "csat": {"from": "Survey results",
                     "values": {"extremely happy": "5", "very happy": "5", "happy": "4", "neutral": "3",
                                "unhappy": "2", "very unhappy": "1", "extremely unhappy": "1"}},
            "text": "Subject",
            "agent": "Agent",
            "customer.name": "Full name",
            "customer.email": "Email",
            "customer.phone": {"from": "Mobile phone", "fallback": ["Work phone"]},
        },
    },
}


def preset(name: str, table: str | None = None) -> Mapping:
    """The mapping of a built-in preset; an unknown name lists the known ones."""
    if name not in PRESETS:
        raise SettingsError(f"unknown preset {name!r}; presets are: {', '.join(sorted(PRESETS))}")
    raw = {k: v for k, v in PRESETS[name].items() if v is not None}
    return parse_mapping(raw, f"preset {name}", table)


def fitting_presets(columns: list[str]) -> list[str]:
    """The presets a file's header looks like, the closest first (to suggest one for a file that
    does not fit what was asked). A preset fits only when its own named columns are there: every
    column it needs, by the names it gives (not a fallback, not a column that happens to share a
    canonical name), and at least half of all the columns it names."""
    from regulars.ingest._mapping import normal_name

    header = {normal_name(c) for c in columns}
    fits = []
    for name in PRESETS:
        mapping = preset(name)
        named = [f for f in mapping.fields if f.sources]
        present = [f for f in named if any(normal_name(s) in header for s in f.sources)]
        needed = [f for f in named if f.target in mapping.required_targets() or f.target == "customer_id"]
        if needed and len(present) * 2 >= len(named) and all(f in present for f in needed):
            fits.append((len(present) / len(named), name))
    return [name for _, name in sorted(fits, key=lambda f: -f[0])]
