"""The canonical tables: one typed contract per table (see ARCHITECTURE.md, "Canonical data model").

A contract says which columns a table has, their kind, which are required, which values
are allowed, and the key that must be unique. Ingest validates against it; the store
creates its tables from it. Every table also has ``attributes`` (JSON of unknown source
columns, kept rather than dropped) and ``batch_id`` (the load that brought the row).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["CONTRACTS", "PURCHASE", "SENDING_CHANNELS", "Column", "EVENT_TYPES", "TableContract", "contract_for"]

#: The order status that makes an order a purchase; an order without a status has it. The rule
#: itself (net of refunds) is ``features.purchases``; the store's readers count sales from its
#: ``purchases`` view, generated from that rule.
PURCHASE = "completed"

Kind = Literal["id", "text", "timestamp", "number", "integer", "boolean", "choice"]

SQL_TYPES: dict[str, str] = {
    "id": "VARCHAR",
    "text": "VARCHAR",
    "timestamp": "TIMESTAMP",
    "number": "DOUBLE",
    "integer": "BIGINT",
    "boolean": "BOOLEAN",
    "choice": "VARCHAR",
}


@dataclass(frozen=True)
class Column:
    """One canonical column. ``synonyms`` map common source words onto ``choices``."""

    name: str
    kind: Kind
    required: bool = False
    choices: tuple[str, ...] = ()
    synonyms: tuple[tuple[str, str], ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    #: text kept in upper case (currency codes: "usd", "Usd" and "USD" are one ISO 4217 code)
    upper: bool = False
    #: a word outside ``choices`` is kept (as a snake_case word) and reported, not quarantined:
    #: a platform's own status ("OpenPending") is no reason to lose the row
    open_choices: bool = False

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.kind]


@dataclass(frozen=True)
class TableContract:
    name: str
    grain: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def time_column(self) -> str | None:
        """When a row happened (the first required timestamp), for facts tables; None otherwise."""
        return next((c.name for c in self.columns if c.kind == "timestamp" and c.required), None)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


#: The documented vocabulary of event types; other snake_case types are kept and reported.
EVENT_TYPES = (
    "page_view", "pricing_view", "demo_request", "contact_form", "form_submit", "download",
    "faq_view", "email_sent", "email_open", "email_click", "email_bounce", "email_unsubscribe", "email_complaint",
    "cart_add", "cart_abandon", "checkout_start", "checkout", "search", "product_view", "login",
    "social_engagement", "webinar_attend", "lead_created", "lead_converted", "sms_sent", "sms_click",
    "sms_unsubscribe",
    "comparison_view", "category_view", "cart_view",
)

#: The channels a message reaches a person by (and a customer's best channel is one of).
SENDING_CHANNELS = ("email", "sms")

_ORDER_STATUS = (
    ("paid", "completed"), ("complete", "completed"), ("fulfilled", "completed"),
    ("shipped", "completed"), ("delivered", "completed"), ("closed", "completed"),
    ("success", "completed"), ("succeeded", "completed"), ("partially_refunded", "completed"),
    ("partially refunded", "completed"), ("processing", "completed"),
    ("refund", "refunded"), ("returned", "refunded"),
    ("canceled", "cancelled"), ("cancel", "cancelled"), ("voided", "cancelled"),
    ("void", "cancelled"),
)
_TICKET_STATUS = (
    ("new", "open"), ("hold", "pending"), ("on-hold", "pending"), ("on hold", "pending"),
    ("resolved", "solved"), ("done", "solved"), ("waiting on customer", "pending"),
    ("waiting on third party", "pending"),
)
_VARIANT = (("control", "holdout"), ("test", "treatment"))
#: Common web-analytics names (Shopify's web pixels, Segment's spec, GA4) in regulars' words.
_EVENT_NAMES = (
    ("page_viewed", "page_view"), ("pageview", "page_view"), ("page", "page_view"), ("viewed_page", "page_view"),
    ("product_viewed", "product_view"), ("viewed_product", "product_view"), ("view_item", "product_view"),
    ("product_added_to_cart", "cart_add"), ("added_to_cart", "cart_add"), ("add_to_cart", "cart_add"),
    ("cart_abandoned", "cart_abandon"), ("checkout_started", "checkout_start"), ("begin_checkout", "checkout_start"),
    ("checkout_completed", "checkout"), ("order_completed", "checkout"), ("purchase", "checkout"),
    ("search_submitted", "search"), ("products_searched", "search"), ("email_opened", "email_open"),
    ("email_clicked", "email_click"), ("email_link_clicked", "email_click"), ("unsubscribed", "email_unsubscribe"),
    ("email_marked_as_spam", "email_complaint"), ("spam_report", "email_complaint"), ("email_spam", "email_complaint"),
    ("complained", "email_complaint"), ("email_complained", "email_complaint"),
    ("form_submitted", "form_submit"), ("signed_up", "lead_created"), ("file_downloaded", "download"),
)

CONTRACTS: dict[str, TableContract] = {
    t.name: t
    for t in (
        TableContract(
            "customers",
            "one row per customer id",
            (
                Column("customer_id", "id", required=True),
                Column("email", "text"),
                Column("phone", "text"),
                Column("name", "text"),
                Column("created_at", "timestamp"),
                Column("country", "text"),
                Column("region", "text"),
                Column("city", "text"),
                Column("lead_source", "text"),
                Column("company", "text"),
                Column("industry", "text"),
                Column("company_size", "text"),
                Column("job_title", "text"),
                Column("birthday", "timestamp"),
                Column("consent_email", "boolean"),
                Column("consent_sms", "boolean"),
            ),
            key=("customer_id",),
        ),
        TableContract(
            "orders",
            "one row per order id; refunds are their own rows with status refunded; an order without a "
            "customer id is an anonymous sale (revenue and baskets, not per-customer scores)",
            (
                Column("order_id", "id", required=True),
                Column("customer_id", "id"),
                Column("ordered_at", "timestamp", required=True),
                Column("amount", "number", required=True),
                Column("currency", "text", upper=True),
                Column("status", "choice", choices=("completed", "refunded", "cancelled"),
                       synonyms=_ORDER_STATUS, open_choices=True),
                Column("channel", "text"),
                Column("discount", "number", minimum=0),
                Column("delivered_at", "timestamp"),
            ),
            key=("order_id",),
        ),
        TableContract(
            "order_items",
            "one row per order line",
            (
                Column("order_id", "id", required=True),
                Column("product_id", "id", required=True),
                Column("quantity", "number", minimum=0),
                Column("unit_price", "number", minimum=0),
                Column("category", "text"),
            ),
        ),
        TableContract(
            "products",
            "one row per product id",
            (
                Column("product_id", "id", required=True),
                Column("name", "text"),
                Column("category", "text"),
                Column("price", "number", minimum=0),
            ),
            key=("product_id",),
        ),
        TableContract(
            "events",
            "one row per event (repeats are kept: two clicks are two events; an event id, when the "
            "sender gives one, makes a resend a no-op)",
            (
                Column("customer_id", "id", required=True),
                Column("occurred_at", "timestamp", required=True),
                Column("event_type", "choice", required=True, synonyms=_EVENT_NAMES),
                Column("channel", "text"),
                Column("campaign_id", "id"),
                Column("url", "text"),
                Column("title", "text"),
                Column("category", "text"),
                Column("product_id", "id"),
                Column("event_id", "id"),
                Column("visitor_id", "id"),
            ),
        ),
        TableContract(
            "tickets",
            "one row per ticket id",
            (
                Column("ticket_id", "id", required=True),
                Column("customer_id", "id", required=True),
                Column("opened_at", "timestamp", required=True),
                Column("resolved_at", "timestamp"),
                Column("first_response_at", "timestamp"),
                Column("channel", "text"),
                Column("category", "text"),
                Column("priority", "text"),
                Column("status", "choice", choices=("open", "pending", "solved", "closed"),
                       synonyms=_TICKET_STATUS, open_choices=True),
                Column("csat", "number", minimum=0, maximum=5),
                Column("text", "text"),
                Column("agent", "text"),
            ),
            key=("ticket_id",),
        ),
        TableContract(
            "ticket_changes",
            "one row per change of a ticket's status or priority, or a reply by the shop",
            (
                Column("ticket_id", "id", required=True),
                Column("changed_at", "timestamp", required=True),
                Column("field", "choice", required=True, choices=("status", "priority", "reply"),
                       synonyms=(("public_reply", "reply"), ("agent_reply", "reply")), open_choices=True),
                Column("value", "text"),
            ),
        ),
        TableContract(
            "feedback",
            "one row per response",
            (
                Column("customer_id", "id", required=True),
                Column("submitted_at", "timestamp", required=True),
                Column("kind", "choice", required=True,
                       choices=("nps", "csat", "ces", "review", "survey")),
                Column("score", "number", minimum=0, maximum=10),
                Column("text", "text"),
                Column("product_id", "id"),
            ),
        ),
        TableContract(
            "messages",
            "one row per message sent",
            (
                Column("message_id", "id", required=True),
                Column("customer_id", "id", required=True),
                Column("sent_at", "timestamp", required=True),
                Column("channel", "text"),
                Column("campaign_id", "id"),
                Column("playbook", "text"),
                Column("variant", "choice", choices=("treatment", "holdout"), synonyms=_VARIANT),
            ),
            key=("message_id",),
        ),
    )
}


def contract_for(table: str) -> TableContract:
    """The contract of a canonical table, or a ``SettingsError`` listing the valid names."""
    from regulars.errors import SettingsError

    try:
        return CONTRACTS[table]
    except KeyError:
        raise SettingsError(
            f"unknown table {table!r}; choose one of: {', '.join(CONTRACTS)}"
        ) from None
