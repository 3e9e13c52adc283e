"""Every behavioural feature declared once: its kind, what a missing value becomes, and how it
reads in words ("no order for 142 days (usually every 30)" rather than "days_since_last_order 142").

A feature with ``fill=0`` is a count or sum: a customer absent from its group did it zero times
(the table exists, so zero is known). Other features stay missing when unknown, and their
``missing`` words say what that means ("no orders yet"). Columns without a spec (a business's
own attributes) fall back to "name value, high/low" in the model.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["FEATURES", "Feature", "label_of", "phrase"]

Kind = Literal["count", "amount", "days", "ratio", "score", "category", "flag"]
Say = Callable[[float, Mapping[str, Any]], str]


@dataclass(frozen=True)
class Feature:
    name: str
    kind: Kind
    say: Say | None = None
    fill: float | None = None
    missing: str | None = None
    context: tuple[str, ...] = ()  # other features its words read
    family: str = ""  # features that say one thing together: a reason names only the first of a family


def _known(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _days(v: float) -> str:
    return "today" if v < 1 else "yesterday" if v < 2 else f"{v:.0f} days ago"


def _times(did: str, did_not: str, window: str) -> Say:
    def say(v: float, row: Mapping[str, Any]) -> str:
        n = int(round(v))
        return f"{did_not} in {window}" if n == 0 else f"{did} {'once' if n == 1 else f'{n} times'} in {window}"
    return say


def _n(v: float, noun: str) -> str:
    """"1 order", "3 orders"."""
    return f"{v:.0f} {noun}" + ("" if round(v) == 1 else "s")


def _last_order(v: float, row: Mapping[str, Any]) -> str:
    usual = row.get("mean_days_between_orders")
    if not _known(usual) or usual <= 0:
        return f"no order for {v:.0f} days"
    if v >= 1.05 * usual:
        return f"no order for {v:.0f} days, {v / usual:.1f} times their usual {usual:.0f}"
    return f"no order for {v:.0f} days (usually every {usual:.0f})" if usual >= 1.5 else \
        f"no order for {v:.0f} days (usually every day)"


def _count(name: str, say: Say) -> Feature:
    return Feature(name, "count", say, fill=0)


NO_ORDERS = "no orders yet"
RHYTHM = "too few orders to know their rhythm"

_DECLARED = (
    # orders
    _count("orders_total", lambda v, row: f"{_n(v, 'order')} in all"),
    _count("orders_30d", lambda v, row: f"{_n(v, 'order')} in the last 30 days"),
    _count("orders_90d", lambda v, row: f"{_n(v, 'order')} in the last 90 days"),
    _count("orders_prev_90d", lambda v, row: f"{_n(v, 'order')} in the 90 days before the last 90"),
    _count("order_trend_90d", lambda v, row: "ordering more than the 90 days before" if v > 0
           else "ordering less than the 90 days before" if v < 0 else "ordering as often as the 90 days before"),
    Feature("spend_total", "amount", lambda v, row: f"spent {v:,.0f} in all", fill=0),
    Feature("spend_90d", "amount", lambda v, row: f"spent {v:,.0f} in the last 90 days", fill=0),
    Feature("spend_prev_90d", "amount", lambda v, row: f"spent {v:,.0f} in the 90 days before the last 90", fill=0),
    Feature("avg_order_value", "amount", lambda v, row: f"average order {v:,.0f}", missing=NO_ORDERS),
    _count("refunds_total", lambda v, row: "no refunds" if v == 0 else _n(v, "refund")),
    Feature("refund_amount", "amount", lambda v, row: "no refunds" if v == 0 else f"refunds worth {v:,.0f}", fill=0),
    Feature("discount_share", "ratio", lambda v, row: f"{v:.0%} of orders discounted", missing=NO_ORDERS),
    Feature("days_since_last_order", "days", _last_order, missing=NO_ORDERS, context=("mean_days_between_orders",),
            family="rhythm"),
    Feature("days_since_first_order", "days", lambda v, row: f"first order {_days(v)}", missing=NO_ORDERS),
    Feature("mean_days_between_orders", "days", lambda v, row: f"usually orders every {v:.0f} days",
            missing="only one purchase day so far", family="rhythm"),
    Feature("std_days_between_orders", "days", lambda v, row: f"gaps between orders vary by about {v:.0f} days",
            missing=RHYTHM, family="rhythm"),
    Feature("lateness", "ratio", lambda v, row: f"{v:.1f} times their usual gap since the last order" if v >= 1.05
            else "ordered within their usual gap", missing=RHYTHM, family="rhythm"),
    # basket
    Feature("items_per_order", "ratio", lambda v, row: f"{v:,.1f} items per order", missing=NO_ORDERS),
    Feature("distinct_products", "count", lambda v, row: f"bought {v:.0f} different products"),
    Feature("distinct_categories", "count", lambda v, row: f"bought from {v:.0f} categories"),
    # web and email
    _count("events_90d", lambda v, row: f"{_n(v, 'web or email action')} in the last 90 days"),
    _count("events_30d", lambda v, row: f"{_n(v, 'web or email action')} in the last 30 days"),
    _count("web_visits_30d", lambda v, row: f"{_n(v, 'visit')} in the last 30 days"),
    _count("web_visits_prev_30d", lambda v, row: f"{_n(v, 'visit')} in the 30 days before the last 30"),
    _count("pricing_views_30d", _times("viewed pricing", "did not view pricing", "30 days")),
    _count("demo_requests_30d", _times("asked for a demo", "no demo request", "30 days")),
    _count("contact_forms_30d", _times("sent the contact form", "no contact form", "30 days")),
    _count("faq_views_30d", _times("read the FAQ", "did not read the FAQ", "30 days")),
    _count("cart_adds_30d", _times("added to cart", "nothing added to cart", "30 days")),
    _count("cart_abandons_30d", _times("abandoned a cart", "no abandoned cart", "30 days")),
    _count("downloads_30d", _times("downloaded", "no downloads", "30 days")),
    _count("email_opens_90d", _times("opened an email", "opened no email", "90 days")),
    _count("email_clicks_90d", _times("clicked an email", "clicked no email", "90 days")),
    _count("email_unsubscribes", lambda v, row: "unsubscribed from email" if v > 0 else "still subscribed to email"),
    _count("messages_90d", lambda v, row: f"sent {_n(v, 'email')} in 90 days"),
    Feature("email_open_rate_90d", "ratio", lambda v, row: f"opened {v:.0%} of emails in 90 days",
            missing="no emails sent in 90 days"),
    Feature("email_click_rate_90d", "ratio", lambda v, row: f"clicked {v:.0%} of emails in 90 days",
            missing="no emails sent in 90 days"),
    Feature("days_since_last_event", "days", lambda v, row: f"last active {_days(v)}",
            missing="no web or email activity yet"),
    # support and feedback
    _count("tickets_total", lambda v, row: "no support tickets" if v == 0 else f"{_n(v, 'support ticket')} in all"),
    _count("tickets_90d", lambda v, row: f"{_n(v, 'support ticket')} in the last 90 days"),
    _count("tickets_open", lambda v, row: "no open support tickets" if v == 0 else f"{_n(v, 'support ticket')} still open"),
    Feature("hours_to_resolve", "ratio", lambda v, row: f"tickets took {v:.0f} hours to resolve on average",
            missing="no resolved tickets"),
    Feature("ticket_csat", "score", lambda v, row: f"ticket satisfaction {v:.1f}", missing="no rated tickets"),
    Feature("latest_nps", "score", lambda v, row: f"last NPS answer {v:.0f}", missing="never answered an NPS survey"),
    Feature("latest_csat", "score", lambda v, row: f"last satisfaction score {v:.1f}",
            missing="never answered a satisfaction survey"),
    _count("feedback_total", lambda v, row: _n(v, "survey answer")),
    _count("negative_texts_30d", lambda v, row: "nothing unhappy written in the last 30 days" if v == 0
           else f"{_n(v, 'unhappy message')} (tickets, reviews or answers) in the last 30 days"),
    Feature("sentiment_90d", "score", lambda v, row: f"what they wrote in the last 90 days reads "
            f"{'unhappy' if v < -0.05 else 'happy' if v > 0.05 else 'neutral'} ({v:+.2f} on -1 to 1)",
            missing="wrote nothing in the last 90 days"),
    # profile
    Feature("days_since_signup", "days", lambda v, row: f"signed up {_days(v)}", missing="signup date unknown"),
    Feature("consent_email", "flag", lambda v, row: "agreed to receive email" if v else "has not agreed to receive email"),
    Feature("country", "category"),
    Feature("region", "category"),
    Feature("lead_source", "category"),
    Feature("industry", "category"),
    Feature("company_size", "category"),
)

#: Every behavioural feature by name.
FEATURES: dict[str, Feature] = {f.name: f for f in _DECLARED}


def phrase(name: str, value: Any, row: Mapping[str, Any]) -> str | None:
    """Plain words for ``name`` = ``value`` (``row`` gives its context), or None if it has none."""
    spec = FEATURES.get(name)
    if spec is None:
        return None
    if not _known(value):
        return spec.missing
    return spec.say(float(value), row) if spec.say else None


_PERIODS = (("_prev_90d", " in the 90 days before the last 90"), ("_prev_30d", " in the 30 days before the last 30"),
            ("_90d", " in the last 90 days"), ("_30d", " in the last 30 days"))


#: Features whose names do not read as words once their underscores are spaces.
_LABELS = {
    "orders_total": "orders in all", "spend_total": "total spend", "avg_order_value": "average order value",
    "order_trend_90d": "ordering more or less than before", "refunds_total": "refunds",
    "refund_amount": "refund value", "discount_share": "share of orders discounted",
    "days_since_last_order": "time since the last order", "days_since_first_order": "time since the first order",
    "mean_days_between_orders": "usual gap between orders",
    "std_days_between_orders": "how much the gaps between orders vary",
    "lateness": "time since the last order against their usual gap", "distinct_products": "different products bought",
    "distinct_categories": "categories bought from", "events_90d": "web or email actions in the last 90 days",
    "events_30d": "web or email actions in the last 30 days", "messages_90d": "emails sent to them in the last 90 days",
    "email_open_rate_90d": "share of emails opened", "email_click_rate_90d": "share of emails clicked",
    "days_since_last_event": "time since their last web or email action", "tickets_total": "support tickets in all",
    "tickets_open": "open support tickets", "hours_to_resolve": "hours their tickets took to resolve",
    "ticket_csat": "ticket satisfaction", "latest_nps": "last NPS answer", "latest_csat": "last satisfaction score",
    "feedback_total": "survey answers", "days_since_signup": "time since signing up",
    "consent_email": "agreed to receive email", "negative_texts_30d": "unhappy messages in the last 30 days",
    "sentiment_90d": "how what they wrote lately reads",
}


def label_of(name: str) -> str:
    """A feature's (or a business's own column's) name in words: "orders_90d" reads "orders in
    the last 90 days", "Account_Status" "Account Status"."""
    if name in _LABELS:
        return _LABELS[name]
    for suffix, words in _PERIODS:
        if name.endswith(suffix):
            return name[: -len(suffix)].replace("_", " ") + words
    return str(name).replace("_", " ")
