"""Plain words for the behavioural features, so a reason reads "no order for 142 days (usually
every 30)" rather than "days_since_last_order 142". Columns without a phrase (a business's own
attributes) fall back to "name value, high/low" in the model."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["CONTEXT", "phrase"]


def _known(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _days(v: float) -> str:
    return "today" if v < 1 else "yesterday" if v < 2 else f"{v:.0f} days ago"


def _times(v: float, did: str, did_not: str, window: str) -> str:
    n = int(round(v))
    return f"{did_not} in {window}" if n == 0 else f"{did} {'once' if n == 1 else f'{n} times'} in {window}"


def _n(v: float, noun: str) -> str:
    """"1 order", "3 orders"."""
    return f"{v:.0f} {noun}" + ("" if round(v) == 1 else "s")


def _last_order(v: float, row: Mapping[str, Any]) -> str:
    usual = row.get("mean_days_between_orders")
    return f"no order for {v:.0f} days" + (f" (usually every {usual:.0f})" if _known(usual) else "")


PHRASES: dict[str, Callable[[float, Mapping[str, Any]], str]] = {
    "days_since_last_order": _last_order,
    "lateness": lambda v, row: f"{v:.1f}x their usual gap since the last order" if v >= 1.05
    else "ordered within their usual gap",
    "mean_days_between_orders": lambda v, row: f"usually orders every {v:.0f} days",
    "std_days_between_orders": lambda v, row: f"gaps between orders vary by about {v:.0f} days",
    "days_since_first_order": lambda v, row: f"first order {v:.0f} days ago",
    "days_since_signup": lambda v, row: f"signed up {_days(v)}",
    "days_since_last_event": lambda v, row: f"last active {_days(v)}",
    "orders_total": lambda v, row: f"{_n(v, 'order')} in all",
    "orders_30d": lambda v, row: f"{_n(v, 'order')} in the last 30 days",
    "orders_90d": lambda v, row: f"{_n(v, 'order')} in the last 90 days",
    "orders_prev_90d": lambda v, row: f"{_n(v, 'order')} in the 90 days before that",
    "order_trend_90d": lambda v, row: "ordering more than the 90 days before" if v > 0
    else "ordering less than the 90 days before" if v < 0 else "ordering as often as the 90 days before",
    "spend_total": lambda v, row: f"spent {v:,.0f} in all",
    "spend_90d": lambda v, row: f"spent {v:,.0f} in the last 90 days",
    "avg_order_value": lambda v, row: f"average order {v:,.0f}",
    "refunds_total": lambda v, row: "no refunds" if v == 0 else _n(v, "refund"),
    "refund_amount": lambda v, row: "no refunds" if v == 0 else f"refunds worth {v:,.0f}",
    "discount_share": lambda v, row: f"{v:.0%} of orders discounted",
    "distinct_products": lambda v, row: f"bought {v:.0f} different products",
    "distinct_categories": lambda v, row: f"bought from {v:.0f} categories",
    "items_per_order": lambda v, row: f"{v:.1f} items per order",
    "pricing_views_30d": lambda v, row: _times(v, "viewed pricing", "did not view pricing", "30 days"),
    "demo_requests_30d": lambda v, row: _times(v, "asked for a demo", "no demo request", "30 days"),
    "contact_forms_30d": lambda v, row: _times(v, "sent the contact form", "no contact form", "30 days"),
    "faq_views_30d": lambda v, row: _times(v, "read the FAQ", "did not read the FAQ", "30 days"),
    "cart_adds_30d": lambda v, row: _times(v, "added to cart", "nothing added to cart", "30 days"),
    "cart_abandons_30d": lambda v, row: _times(v, "abandoned a cart", "no abandoned cart", "30 days"),
    "downloads_30d": lambda v, row: _times(v, "downloaded", "no downloads", "30 days"),
    "events_30d": lambda v, row: f"{_n(v, 'web or email action')} in the last 30 days",
    "events_90d": lambda v, row: f"{_n(v, 'web or email action')} in the last 90 days",
    "web_visits_30d": lambda v, row: f"{_n(v, 'visit')} in the last 30 days",
    "web_visits_prev_30d": lambda v, row: f"{_n(v, 'visit')} in the 30 days before that",
    "email_opens_90d": lambda v, row: _times(v, "opened an email", "opened no email", "90 days"),
    "email_clicks_90d": lambda v, row: _times(v, "clicked an email", "clicked no email", "90 days"),
    "email_open_rate_90d": lambda v, row: f"opened {v:.0%} of emails in 90 days",
    "email_click_rate_90d": lambda v, row: f"clicked {v:.0%} of emails in 90 days",
    "email_unsubscribes": lambda v, row: "unsubscribed from email" if v > 0 else "still subscribed to email",
    "messages_90d": lambda v, row: f"sent {_n(v, 'email')} in 90 days",
    "tickets_total": lambda v, row: "no support tickets" if v == 0 else f"{_n(v, 'support ticket')} in all",
    "tickets_90d": lambda v, row: f"{_n(v, 'support ticket')} in the last 90 days",
    "tickets_open": lambda v, row: "no open support tickets" if v == 0 else f"{_n(v, 'support ticket')} still open",
    "hours_to_resolve": lambda v, row: f"tickets took {v:.0f} hours to resolve on average",
    "ticket_csat": lambda v, row: f"ticket satisfaction {v:.1f}",
    "latest_nps": lambda v, row: f"last NPS answer {v:.0f}",
    "latest_csat": lambda v, row: f"last satisfaction score {v:.1f}",
    "feedback_total": lambda v, row: _n(v, "survey answer"),
    "consent_email": lambda v, row: "agreed to receive email" if v else "has not agreed to receive email",
}

#: Other features a phrase reads beside its own value.
CONTEXT = {"days_since_last_order": ("mean_days_between_orders",)}

#: What a missing value means for a feature whose absence says something.
MISSING = {
    "days_since_last_order": "no orders yet", "days_since_first_order": "no orders yet",
    "avg_order_value": "no orders yet", "items_per_order": "no orders yet", "discount_share": "no orders yet",
    "mean_days_between_orders": "only one purchase day so far",
    "std_days_between_orders": "too few orders to know their rhythm", "lateness": "too few orders to know their rhythm",
    "days_since_last_event": "no web or email activity yet", "email_open_rate_90d": "no emails sent in 90 days",
    "email_click_rate_90d": "no emails sent in 90 days", "latest_nps": "never answered an NPS survey",
    "latest_csat": "never answered a satisfaction survey", "hours_to_resolve": "no resolved tickets",
    "ticket_csat": "no rated tickets", "days_since_signup": "signup date unknown",
}


def phrase(name: str, value: Any, row: Mapping[str, Any]) -> str | None:
    """Plain words for ``name`` = ``value`` (``row`` gives context), or None if there is no phrase."""
    if not _known(value):
        return MISSING.get(name)
    make = PHRASES.get(name)
    return make(float(value), row) if make else None
