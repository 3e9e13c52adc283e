"""Messages in the Segment spec's shape (``track``, ``identify``, ``page``; one or a ``batch``)
as rows of the canonical tables: what a shop's site or a customer-data tool sends the API.

A track's ``messageId`` becomes the event's id, so a resent message is recognised; its
``properties`` are kept as the row's attributes; the spec's event names are put in regulars'
words (others are kept as they are). An identify's traits fill the customer's profile. A
message with both ``userId`` and ``anonymousId`` links the browser to the customer: what it did
before, anonymously, is theirs from then on."""

from __future__ import annotations

import json
from typing import Any

from regulars.errors import SettingsError

__all__ = ["SEGMENT_EVENTS", "as_text", "message_rows"]

#: The Segment spec's e-commerce, email and B2B event names in regulars' vocabulary.
SEGMENT_EVENTS = {
    "Page Viewed": "page_view", "Products Searched": "search", "Product Viewed": "product_view",
    "Product Clicked": "product_view", "Product Added": "cart_add", "Cart Viewed": "page_view",
    "Checkout Started": "checkout_start", "Email Delivered": "email_sent", "Email Opened": "email_open",
    "Email Link Clicked": "email_click", "Email Bounced": "email_bounce", "Unsubscribed": "email_unsubscribe",
    "Email Marked as Spam": "email_complaint",
    "Signed In": "login", "Signed Up": "lead_created", "Form Submitted": "form_submit",
    "Demo Requested": "demo_request", "Lead Created": "lead_created", "Lead Converted": "lead_converted",
}

#: Identify traits that are profile fields (the spec's names, then regulars' own).
TRAITS = {"email": "email", "phone": "phone", "name": "name", "createdAt": "created_at", "company": "company",
          "title": "job_title", "industry": "industry", "birthday": "birthday", "country": "country",
          "city": "city", "state": "region"}

_PROPERTIES = {"url": "url", "title": "title", "product_id": "product_id", "campaign_id": "campaign_id",
               "channel": "channel"}


def as_text(value: Any) -> str | None:
    """A value as the text a file would hold (nested values as JSON)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def message_rows(messages: list[dict[str, Any]]
                 ) -> tuple[list[dict[str, str | None]], list[dict[str, str | None]], list[tuple[str, str, str | None]]]:
    """(event rows, customer rows, visitor links: anonymous id, user id, when) from Segment-style
    messages; a message that cannot be one (no type, no user) is an error naming its position,
    so nothing of the request is stored."""
    events, customers, links = [], [], []
    for i, m in enumerate(messages):
        where = f"messages[{i}]"
        if not isinstance(m, dict):
            raise SettingsError(f"{where}: each message is an object with a type (track, identify or page)")
        kind = m.get("type", "track")
        who = m.get("userId") or m.get("anonymousId")
        if not isinstance(who, (str, int)) or isinstance(who, bool) or not str(who).strip():
            raise SettingsError(f"{where}: give userId (or anonymousId) for the customer")
        props = m.get("properties") if isinstance(m.get("properties"), dict) else {}
        visitor = m.get("anonymousId") if m.get("userId") else None
        visitor = str(visitor).strip() if isinstance(visitor, (str, int)) and not isinstance(visitor, bool) else None
        if kind in ("track", "page"):
            name = m.get("event") if kind == "track" else "Page Viewed"
            if not isinstance(name, str) or not name.strip():
                raise SettingsError(f"{where}: a track message names its event (\"event\": \"Product Viewed\")")
            row = {"customer_id": str(who), "occurred_at": as_text(m.get("timestamp") or m.get("sentAt")),
                   "event_type": SEGMENT_EVENTS.get(name, name), "event_id": as_text(m.get("messageId"))}
            if visitor:
                row["visitor_id"] = visitor
            row |= {target: as_text(props.get(key)) for key, target in _PROPERTIES.items() if key in props}
            if kind == "page" and "url" not in row:
                row["url"] = as_text(props.get("path") or m.get("name"))
            row |= {f"properties.{k}": as_text(v) for k, v in props.items() if k not in _PROPERTIES}
            events.append(row)
        elif kind == "identify":
            traits = m.get("traits") if isinstance(m.get("traits"), dict) else {}
            row = {"customer_id": str(who)} | {TRAITS[k]: as_text(v) for k, v in traits.items() if k in TRAITS}
            row |= {f"traits.{k}": as_text(v) for k, v in traits.items() if k not in TRAITS}
            customers.append(row)
            if visitor:
                links.append((visitor, str(who), as_text(m.get("timestamp") or m.get("sentAt"))))
        else:
            raise SettingsError(f"{where}: type {kind!r} is not taken; send track, page or identify")
    return events, customers, links
