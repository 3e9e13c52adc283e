"""What followed each playbook's reach: orders, visits and unsubscribes within the attribution
window after a customer's first message or holdout record, per playbook, customer and variant."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from regulars.metrics._query import fetch, value

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["OUTCOME_INPUTS", "playbook_outcomes"]

#: The stored tables ``playbook_outcomes`` reads.
OUTCOME_INPUTS = ("messages", "customer_map", "outbox", "purchases", "events", "orders")

#: When nothing has happened yet, no window has closed.
_NEVER = datetime(1900, 1, 1)


def _latest(tables: dict[str, ir.Table]) -> Any:
    times = [tables["orders"].ordered_at.max(), tables["events"].occurred_at.max()]
    found = [value(t) for t in times]
    return max((t for t in found if t is not None), default=None)


def playbook_outcomes(tables: dict[str, ir.Table], days: int) -> tuple[pd.DataFrame, Any]:
    """One row per (playbook, customer, variant) from ``tables`` (``OUTCOME_INPUTS``): first_at
    (the first message or holdout record; for the outbox's actions, the time they were planned,
    which treated and held-out customers share), then within ``days`` after it: converted
    (ordered), revenue, retained (ordered or visited), unsubscribed; messages (treatment
    messages), timing (best or fixed, of the outbox's messages), cost (of the outbox's sent
    actions; NaN for messages recorded elsewhere), and closed: whether the window has ended by
    the last recorded order or event.
    Also returns that last time."""
    until = _latest(tables)
    window = ibis.interval(days=int(days))
    links, outbox, events = tables["customer_map"], tables["outbox"], tables["events"]
    sent = tables["messages"]
    sent = sent.filter(sent.playbook.notnull() & sent.variant.isin(("treatment", "holdout")))
    sent = sent.join(links, "customer_id").left_join(outbox.select("action_id", "planned_at", "timing"),
                                                    sent.message_id == outbox.action_id)
    reach = sent.group_by("playbook", "variant", customer_id=sent.resolved_id).aggregate(
        first_at=sent.planned_at.coalesce(sent.sent_at).min(), messages=sent.count(where=sent.variant == "treatment"),
        timing=sent.timing.max())
    keys = ("playbook", "customer_id", "variant")

    def within(at: ir.TimestampValue) -> ir.BooleanValue:
        return (at >= reach.first_at) & (at < reach.first_at + window)

    sales = tables["purchases"].select(buyer="customer_id", ordered_at="ordered_at", amount="amount")
    bought = reach.join(sales, (reach.customer_id == sales.buyer) & within(sales.ordered_at))
    bought = bought.group_by(*keys).aggregate(orders=bought.count(), revenue=bought.amount.sum())
    people = links.select(record="customer_id", person="resolved_id")
    seen = events.join(people, events.customer_id == people.record)
    seen = seen.select(person="person", event_type="event_type", occurred_at="occurred_at")
    acted = reach.join(seen, (reach.customer_id == seen.person) & within(seen.occurred_at))
    kind = acted.event_type
    acted = acted.group_by(*keys).aggregate(visits=acted.count(where=~(kind.like("email%") | kind.like("sms%"))),
                                            unsubscribes=acted.count(where=kind.like("%unsubscribe")))
    paid = outbox.filter(outbox.status == "sent")
    spent = paid.group_by("playbook", "customer_id").aggregate(cost=paid.cost.sum())
    rows = reach.left_join(bought, list(keys)).left_join(acted, list(keys))
    rows = rows.left_join(spent, ["playbook", "customer_id"])
    orders = rows.orders.fill_null(0)
    out = rows.select(
        "playbook", "customer_id", "variant", "first_at", "messages", "timing",
        converted=(orders > 0).cast("int32"), revenue=rows.revenue.fill_null(0),
        retained=((orders > 0) | (rows.visits.fill_null(0) > 0)).cast("int32"),
        unsubscribed=(rows.unsubscribes.fill_null(0) > 0).cast("int32"),
        cost=ibis.ifelse(rows.variant == "treatment", rows.cost, ibis.null()),
        closed=rows.first_at + window <= ibis.literal(until or _NEVER, type="timestamp"),
    ).order_by(["playbook", "variant", "customer_id"])
    return fetch(out).to_pandas(), until
