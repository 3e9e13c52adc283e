"""Labels from time: what happened in the horizon after a cutoff, per customer.

Labels look only at [cutoff, cutoff + horizon); the features they are paired with look only
before the cutoff, so a model never learns from its own future.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import ibis
import ibis.expr.types as ir

from regulars._time import cutoff_start
from regulars.errors import InsufficientDataError
from regulars.features._population import as_known, seen_before
from regulars.features._purchases import purchases_of
from regulars.schema import CONTRACTS

__all__ = ["LABELS", "time_labels"]

LABELS = ("churn", "purchase", "conversion", "support")


def _window(cutoff: date | datetime, horizon_days: int):
    start = cutoff_start(cutoff)
    return ibis.literal(start), ibis.literal(start + timedelta(days=horizon_days))


def time_labels(tables: dict[str, ir.Table], label: str, cutoff: date | datetime, horizon_days: int) -> ir.Table:
    """customer_id, label (0/1) for the customers the label is defined for.

    - churn: customers with a completed order before the cutoff; 1 if none in the horizon.
    - purchase: the same customers; 1 if they order in the horizon.
    - conversion: leads (known before the cutoff, from a profile or activity, with no completed
      order before it); 1 if they place a first order or are marked ``lead_converted`` in it.
    - support: every customer known before the cutoff; 1 if they open a ticket in it.
    """
    if label not in LABELS:
        raise ValueError(f"label must be one of {LABELS}, got {label!r}")
    start, end = _window(cutoff, horizon_days)
    if label in ("churn", "purchase"):
        # the population as of the cutoff (refunds after it unknown), the outcome net of the window's refunds
        before = purchases_of(tables, start).select("customer_id").distinct()
        done = purchases_of(tables, end)
        after = done.filter(done.ordered_at >= start).select("customer_id").distinct()
        joined = before.left_join(after.mutate(bought=ibis.literal(1)), "customer_id")
        bought = joined.bought.fill_null(0)
        value = (1 - bought) if label == "churn" else bought
        return joined.select(customer_id=joined.customer_id, label=value.cast("int64"))
    if label == "conversion":
        return _conversion(tables, start, end)
    tickets = tables.get("tickets")
    if tickets is None:
        raise InsufficientDataError("support labels need tickets; none are loaded")
    base = _known_before(tables, start)
    opened = tickets.filter((tickets.opened_at >= start) & (tickets.opened_at < end)).select("customer_id").distinct()
    joined = base.left_join(opened.mutate(hit=ibis.literal(1)), "customer_id")
    return joined.select(customer_id=joined.customer_id, label=joined.hit.fill_null(0).cast("int64"))


def _known_before(tables: dict[str, ir.Table], start: ir.TimestampScalar) -> ir.Table:
    """Every customer seen before ``start`` (distinct resolved ids). The store's customers carry
    when they were first seen (every dated row naming them counts), so that table alone answers;
    without it (frames built by hand) the dated tables are scanned."""
    if (customers := tables.get("customers")) is not None:
        known = seen_before(customers, start)
        return known.select(customer_id=known.resolved_id).distinct()
    seen = [t.filter(t[CONTRACTS[name].time_column] < start).select("customer_id")
            for name in ("orders", "events", "tickets") if (t := tables.get(name)) is not None]
    return ibis.union(*seen).distinct()  # (a union of one table is that table, duplicates and all)


def _conversion(tables: dict[str, ir.Table], start, end) -> ir.Table:
    orders, events = tables.get("orders"), tables.get("events")
    if orders is None:
        raise InsufficientDataError("conversion labels need orders (a lead converts by buying); none are loaded")
    buyers = purchases_of(tables, start).select("customer_id").distinct()
    leads = _known_before(tables, start).anti_join(buyers, "customer_id")
    done = purchases_of(tables, end)
    won = [done.filter(done.ordered_at >= start).select("customer_id")]
    if events is not None:
        events = as_known(events, end)
        marked = events.filter((events.event_type == "lead_converted") & (events.occurred_at >= start)
                               & (events.occurred_at < end))
        won.append(marked.select("customer_id"))
    hits = ibis.union(*won).distinct().mutate(hit=ibis.literal(1))
    joined = leads.left_join(hits, "customer_id")
    return joined.select(customer_id=joined.customer_id, label=joined.hit.fill_null(0).cast("int64"))
