"""The funnel from a visit to a repeat purchase: how many customers reach each stage within a
conversion window of their first visit, where they drop out, and how long each step takes.

Stages are reached in order. ``ordered`` (the default) lets anything happen in between;
``strict`` ends a customer's way through the funnel at the first funnel event after a stage
that is neither that stage again nor the next one. Each customer counts once, from their
first visit in the span looked at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import ibis.expr.types as ir

from regulars.metrics._query import rows

__all__ = ["STAGES", "funnel", "funnel_steps"]

#: What reaches each stage: event types, or ``order`` (a purchase; the repeat purchase is an
#: order after the one that reached the purchase stage).
STAGES = (
    ("visit", ("page_view", "pricing_view", "faq_view", "comparison_view", "category_view", "search", "login")),
    ("product view", ("product_view",)),
    ("cart", ("cart_add",)),
    ("checkout", ("checkout_start",)),
    ("purchase", ("order",)),
    ("repeat purchase", ("order",)),
)


@dataclass(frozen=True)
class _Step:
    at: datetime
    stage: int


def _reached(steps: list[_Step], stages: int, window: timedelta, strict: bool, again: dict[int, int]
             ) -> list[datetime]:
    """When one customer reached each stage (as far as they got), from their first visit;
    ``again``: a stage reached by a later event of an earlier stage's kind (a repeat purchase)."""
    steps = sorted(steps, key=lambda s: (s.at, s.stage))
    start = next((n for n, s in enumerate(steps) if s.stage == 0), None)
    if start is None:
        return []
    times, at = [steps[start].at], 0
    for step in steps[start + 1:]:
        if step.at >= times[0] + window or at == stages - 1:
            break
        wanted = again.get(at + 1, at + 1)  # a stage reached by another of the stage before's kind
        if step.stage == wanted and (wanted != at or step.at > times[-1]):
            times.append(step.at)
            at += 1
        elif strict and step.stage != at:
            break
    return times


def funnel_steps(timelines: dict[str, list[_Step]], names: list[str], window: timedelta, strict: bool,
                 again: dict[int, int] | None = None) -> list[dict[str, Any]]:
    """Per stage: customers who reached it, the share of those who entered and of the stage
    before, how many dropped out after the stage before, and the median hours it took."""
    import statistics

    reached = [_reached(steps, len(names), window, strict, again or {}) for steps in timelines.values()]
    reached = [r for r in reached if r]
    out = []
    for n, name in enumerate(names):
        got = [r for r in reached if len(r) > n]
        before = len([r for r in reached if len(r) > n - 1]) if n else len(got)
        took = [(r[n] - r[n - 1]).total_seconds() / 3600 for r in got] if n else []
        out.append({"stage": name, "customers": len(got),
                    "of_entered": round(len(got) / len(reached), 4) if reached else None,
                    "of_previous": round(len(got) / before, 4) if before else None,
                    "dropped": before - len(got),
                    "median_hours": round(statistics.median(took), 1) if took else None})
    return out


def funnel(events: ir.Table, purchases: ir.Table, links: ir.Table, since: datetime, until: datetime,
           window_days: float = 14, strict: bool = False) -> list[dict[str, Any]]:
    """The funnel of every customer whose first visit in [``since``, ``until``) starts it, with
    what they did up to ``window_days`` after (customer ids resolved through ``links``); a stage
    whose events the shop does not record at all is left out."""
    window = timedelta(days=window_days)
    span = events.filter((events.occurred_at >= since) & (events.occurred_at < until + window))
    recorded = {r["event_type"] for r in rows(span.select("event_type").distinct())} | {"order"}
    # a stage the shop records nothing of (no checkout events) is left out, not shown as a wall
    stages = [(name, types) for n, (name, types) in enumerate(STAGES) if n == 0 or recorded & set(types)]
    kinds: dict[str, int] = {}
    for n, (_, types) in enumerate(stages):
        for kind in types:
            kinds.setdefault(kind, n)
    again = {n: kinds[types[0]] for n, (_, types) in enumerate(stages) if kinds[types[0]] != n}
    names = [name for name, _ in stages]
    ids = links.select("customer_id", "resolved_id")
    e = span.filter(span.event_type.isin([k for k in kinds if k != "order"]))
    e = e.join(ids, "customer_id")
    p = purchases.filter(purchases.customer_id.notnull() & (purchases.ordered_at >= since)
                         & (purchases.ordered_at < until + window)).join(ids, "customer_id")
    timelines: dict[str, list[_Step]] = {}
    for r in rows(e.select(who=e.resolved_id, at=e.occurred_at, kind=e.event_type)):
        timelines.setdefault(r["who"], []).append(_Step(r["at"], kinds[r["kind"]]))
    for r in rows(p.select(who=p.resolved_id, at=p.ordered_at)):
        if r["who"] in timelines:  # one who never visited in the span is not in the funnel
            timelines[r["who"]].append(_Step(r["at"], kinds["order"]))
    starts = {w: min((s.at for s in steps if s.stage == 0), default=None) for w, steps in timelines.items()}
    timelines = {w: steps for w, steps in timelines.items() if starts[w] is not None and starts[w] < until}
    return funnel_steps(timelines, names, window, strict, again)
