"""Cohorts: customers grouped by the period of their first purchase (or by where they came
from), and what share of them bought again k periods later. Both retention kinds are given
and named: ``retention`` (N-period: bought in period k itself) and ``retention_on_or_after``
(unbounded: bought in period k or any later one), with revenue per cohort customer in period k."""

from __future__ import annotations

from datetime import date
from typing import Any

import ibis
import ibis.expr.types as ir

from regulars.metrics._kpis import GRAINS, period_label
from regulars.metrics._query import rows

__all__ = ["cohort_table"]


def _index(at: ir.DateValue, grain: str) -> ir.IntegerValue:
    """A period's number on a scale where consecutive periods differ by one."""
    if grain == "month":
        return at.year() * 12 + at.month()
    if grain == "quarter":
        return at.year() * 4 + at.quarter()
    days = (at.epoch_seconds() / 86400).round().cast("int64")
    return days // 7 if grain == "week" else days


def cohort_table(purchases: ir.Table, links: ir.Table, grain: str = "month", currency: str | None = None,
                 sources: ir.Table | None = None) -> list[dict[str, Any]]:
    """One entry per cohort (first-purchase period, or acquisition source when ``sources``, a
    table of customer_id and source, is given), oldest first: its customers, and per period
    since the first purchase (0, 1, ... up to the latest sale) the N-period and unbounded
    retention and the revenue per customer, each over the customers whose first purchase is
    that many periods old (``observed``: all of a period's cohort; fewer of a source's for
    later periods). Customers are resolved through ``links``."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {', '.join(GRAINS)}, got {grain!r}")
    sold = purchases.filter(purchases.customer_id.notnull())
    if currency is not None:
        sold = sold.filter(sold.currency == currency)
    joined = sold.join(links.select("customer_id", "resolved_id"), "customer_id")
    period = joined.ordered_at.truncate(GRAINS[grain]).cast("date")
    sold = joined.select(who=joined.resolved_id, period=period, n=_index(period, grain), amount=joined.amount)
    last_n = sold.n.max().over()
    firsts = sold.group_by("who").aggregate(first=sold.period.min(), first_n=sold.n.min())
    each = sold.mutate(end=last_n).join(firsts, "who")
    each = each.mutate(k=each.n - each.first_n, reach=each.end - each.first_n)
    if sources is not None:
        named = sources.select(who="customer_id", key=sources.source.fill_null("unknown"))
        each = each.left_join(named, "who").mutate(key=ibis.coalesce(ibis._.key, ibis.literal("unknown")))
    else:
        each = each.mutate(key=each.first.cast("string"))
    per_k = rows(each.group_by("key", "k").aggregate(customers=each.who.nunique(), revenue=each.amount.sum()))
    lasts = each.group_by("key", "who").aggregate(last_k=each.k.max(), reach=each.reach.max(), first=each.first.min())
    ends = rows(lasts.group_by("key", "last_k").aggregate(customers=lasts.count()))
    reaches = rows(lasts.group_by("key", "reach").aggregate(customers=lasts.count()))
    spans = rows(lasts.group_by("key").aggregate(customers=lasts.count(), reach=lasts.reach.max(),
                                                 first=lasts.first.min()))
    out = []
    for span in sorted(spans, key=lambda s: (s["first"], s["key"])):
        key, size, reach = span["key"], span["customers"], int(span["reach"])
        active = {r["k"]: r for r in per_k if r["key"] == key}
        ended = {r["last_k"]: r["customers"] for r in ends if r["key"] == key}
        seen_for = {r["reach"]: r["customers"] for r in reaches if r["key"] == key}
        # of a source's customers, only those whose first purchase is k periods old can show k
        eligible, left = [], size
        for k in range(reach + 1):
            eligible.append(left)
            left -= seen_for.get(k, 0)
        still, on_or_after = size, []
        for k in range(reach + 1):  # customers whose last purchase is at k or later
            on_or_after.append(round(still / eligible[k], 4))
            still -= ended.get(k, 0)
        out.append({
            "cohort": period_label(date.fromisoformat(key), grain) if sources is None else key,
            "customers": size, "observed": eligible,
            "retention": [round(active.get(k, {}).get("customers", 0) / eligible[k], 4) for k in range(reach + 1)],
            "retention_on_or_after": on_or_after,
            "revenue_per_customer": [round((active.get(k, {}).get("revenue") or 0.0) / eligible[k], 2)
                                     for k in range(reach + 1)],
        })
    return out
