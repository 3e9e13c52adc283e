"""The shop's KPIs per period, each defined once: a name, its formula in words, its unit and the
Ibis expression that computes it from ``purchases`` (the one purchase rule: completed orders net
of their refunds, anonymous sales included) with customer ids resolved. Every period from the
first sale to the last is listed, an empty one with its zeros; a rate on customers carries its
numerator and denominator, so its interval (Wilson's) and its change are worked out alike."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir

from regulars.metrics._query import rows
from regulars.metrics._voice import voice_by_period
from regulars.metrics._web import web_by_period

__all__ = ["GRAINS", "KPIS", "Kpi", "SLICES", "kpi_series", "of_kind", "of_members", "period_label",
           "slice_values", "wilson"]

#: What else a KPI may be sliced by besides a segment: the purchase's channel, or the customer's
#: acquisition source or country (as the shop records them; case does not matter).
SLICES = {"channel": "purchases", "source": "lead_source", "country": "country"}

#: Period lengths a measure may be given by, with the truncation unit of each.
GRAINS = {"day": "D", "week": "W", "month": "M", "quarter": "Q"}


@dataclass(frozen=True)
class Kpi:
    """A shop-level measure: ``formula`` says in words how it is worked out; ``unit`` is money,
    count, share (0-1), score (NPS) or number; a share has a numerator and a denominator."""

    name: str
    title: str
    formula: str
    unit: str


KPIS = {k.name: k for k in (
    Kpi("revenue", "Revenue", "sum of the amounts of purchases in the period (completed orders net of their "
        "refunds, anonymous sales included), in the shop's main currency", "money"),
    Kpi("orders", "Orders", "number of purchases in the period (anonymous sales included)", "count"),
    Kpi("average_order_value", "Average order value", "revenue / orders", "money"),
    Kpi("active_customers", "Active customers", "customers with at least one purchase in the period", "count"),
    Kpi("new_customers", "New customers", "customers whose first purchase ever is in the period (acquisition)",
        "count"),
    Kpi("returning_customers", "Returning customers", "active customers whose first purchase was before the "
        "period", "count"),
    Kpi("repeat_purchase_rate", "Repeat-purchase rate", "returning customers / active customers", "share"),
    Kpi("retention_rate", "Retention rate", "customers active in both the period and the one before / "
        "customers active in the one before", "share"),
    Kpi("churn_rate", "Churn rate", "1 - retention rate: customers active in the period before and not in this "
        "one / customers active in the one before", "share"),
    Kpi("purchase_frequency", "Purchase frequency", "purchases by known customers / active customers",
        "number"),
    Kpi("historical_clv", "Historical CLV to date", "revenue from known customers from the first sale to the end of the "
        "period / customers with a first purchase by then (the average customer's value so far)", "money"),
    Kpi("predicted_clv", "Predicted CLV ahead", "mean predicted value of the next months (the lifetime-value model's "
        "horizon) of the customers scored by the latest run whose data ends in the period (the day before its "
        "cutoff)", "money"),
    Kpi("web_visits", "Web visits", "visits: a visitor's web activity on one day (page, product, cart or "
        "checkout events), a visitor's records and devices counted as one person", "count"),
    Kpi("conversion_rate", "Conversion rate", "visits with a purchase that day (an order or a completed "
        "checkout) / visits", "share"),
    Kpi("cart_abandonment_rate", "Cart-abandonment rate", "visits with an item added to the cart that no "
        "purchase followed that day or the next / visits with an item added to the cart", "share"),
    Kpi("nps", "Net Promoter Score", "% of NPS answers 9-10 (promoters) minus % of 0-6 (detractors), "
        "from -100 to 100", "score"),
    Kpi("csat", "Customer satisfaction (CSAT)", "CSAT answers of 4 or 5 / CSAT answers on the 1-5 scale", "share"),
    Kpi("ces", "Customer effort (CES)", "mean of CES answers on the 1-7 scale", "number"),
    Kpi("tickets", "Support tickets", "support tickets opened in the period", "count"),
    Kpi("unhappy_texts", "Unhappy texts", "tickets, reviews and survey answers written in the period whose text "
        "reads negative (see the Voice page for the engine that reads them)", "count"),
)}


def _periods(first: date, last: date, grain: str, more: int = 0) -> list[date]:
    """Every period start from ``first`` (a period's start) to ``last``, and ``more`` after."""
    import pandas as pd

    freq = {"day": "D", "week": "W-MON", "month": "MS", "quarter": "QS"}[grain]
    found = pd.date_range(pd.Timestamp(first), pd.Timestamp(last), freq=freq)
    if more:
        found = found.append(pd.date_range(found[-1], periods=more + 1, freq=freq)[1:])
    return [d.date() for d in found]


def period_label(start: date, grain: str) -> str:
    """A period as an owner names it: 2024-11, 2024 Q4, the week of 2024-11-04, 2024-11-05."""
    if grain == "month":
        return f"{start:%Y-%m}"
    if grain == "quarter":
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    return f"week of {start:%Y-%m-%d}" if grain == "week" else f"{start:%Y-%m-%d}"


def of_members(members: ir.Table, run_id: str, segment: str, purchases: ir.Table,
               said: dict[str, ir.Table | None]) -> tuple[ir.Table, dict[str, ir.Table | None]]:
    """Purchases (and tickets and feedback) of the customers in ``segment`` at run ``run_id``
    (``segment_members``): a KPI sliced by segment. Anonymous sales belong to no segment."""
    inside = members.filter((members.run_id == run_id) & members.segments.contains(segment)).select("customer_id")
    return (purchases.semi_join(inside, "customer_id"),
            {k: (t.semi_join(inside, "customer_id") if t is not None else None) for k, t in said.items()})


def of_kind(slice_: str, value: str, purchases: ir.Table, customers: ir.Table,
            said: dict[str, ir.Table | None]) -> tuple[ir.Table, dict[str, ir.Table | None]]:
    """Purchases (and tickets and feedback) of one ``SLICES`` value: sales through a channel (the
    tickets and answers of everyone), or of the customers from an acquisition source or country."""
    wanted = value.strip().lower()
    if slice_ == "channel":
        return purchases.filter(purchases.channel.lower().strip() == wanted), said
    column = customers[SLICES[slice_]]
    inside = customers.filter(column.lower().strip() == wanted).select("customer_id")
    return (purchases.semi_join(inside, "customer_id"),
            {k: (t.semi_join(inside, "customer_id") if t is not None else None) for k, t in said.items()})


def slice_values(purchases: ir.Table, customers: ir.Table, top: int = 12) -> dict[str, list[str]]:
    """The ``top`` most common values of each ``SLICES`` dimension (as the shop writes them,
    lower-cased): what a page offers to slice the KPIs by."""
    out = {}
    for name, column in SLICES.items():
        table = purchases if column == "purchases" else customers
        value = (table.channel if column == "purchases" else table[column]).lower().strip()
        found = table.filter(value.notnull() & (value != "")).group_by(value=value).aggregate(n=ibis._.count())
        out[name] = [r["value"] for r in rows(found.order_by([ibis.desc("n"), "value"]).limit(top))]
    return out


def wilson(hits: int, n: int, z: float = 1.96) -> tuple[float | None, float | None]:
    """Wilson's 95% interval for a share of ``hits`` in ``n``."""
    if n == 0:
        return None, None
    p = hits / n
    middle = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, middle - half), min(1.0, middle + half)


def kpi_series(purchases: ir.Table, grain: str = "month", currency: str | None = None,
               feedback: ir.Table | None = None, tickets: ir.Table | None = None, events: ir.Table | None = None,
               texts: ir.Table | None = None, predicted_clv: dict[date, float] | None = None) -> list[dict[str, Any]]:
    """Every KPI per period (``grain``) from the first sale to the last: one dict per period
    with each KPI's value, and for shares their numerator, denominator and interval. A
    purchase's customer is the person (``purchases`` is kept with ids resolved), so two records
    of one person count once. Sales in another currency than ``currency`` are left out of money and counts. With
    ``feedback`` and ``tickets``, also NPS, CSAT, CES and tickets (``_voice``); with ``texts``
    (the texts read for sentiment), the unhappy ones; with ``events`` (ids
    of people, ``as_people``), web visits, conversion and cart abandonment (``_web``); with
    ``predicted_clv`` (a run's cutoff -> its mean predicted value), the latest run whose data
    (up to the day before its cutoff) ends in the period."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {', '.join(GRAINS)}, got {grain!r}")
    sold = purchases if currency is None else purchases.filter(purchases.currency == currency)
    sold = sold.select(who=sold.customer_id, at=sold.ordered_at, amount=sold.amount)
    sold = sold.mutate(period=sold.at.truncate(GRAINS[grain]).cast("date"))
    known = sold.filter(sold.who.notnull())
    per = rows(sold.group_by("period").aggregate(revenue=sold.amount.sum(), orders=sold.count(),
                                                 known_orders=sold.count(where=sold.who.notnull()),
                                                 known_revenue=sold.amount.sum(where=sold.who.notnull()),
                                                 last_sale=sold.at.max().cast("date"))
               .order_by("period"))
    if not per:
        return []
    # each customer's periods with a purchase, their first, and the one before (one pass, no join):
    # new in a period = it is their first; stayed = they also bought in the period just before
    active = known.select("who", "period").distinct()
    whose = ibis.window(group_by="who", order_by="period")
    active = active.mutate(first=active.period.min().over(ibis.window(group_by="who")),
                           before=active.period.lag().over(whose))
    step = {"day": ibis.interval(days=1), "week": ibis.interval(days=7), "month": ibis.interval(months=1),
            "quarter": ibis.interval(months=3)}[grain]
    counts = {r["period"]: r for r in rows(active.group_by("period").aggregate(
        active=active.count(), new=active.count(where=active.first == active.period),
        stayed=active.count(where=active.before == (active.period - step).cast("date"))))}
    spine = _periods(per[0]["period"], per[-1]["period"], grain)
    stayed = {p: int(r["stayed"]) for p, r in counts.items()}
    sales = {r["period"]: r for r in per}
    voice = voice_by_period(feedback, tickets, GRAINS[grain], texts)
    web = web_by_period(events, purchases, GRAINS[grain]) if events is not None else {}
    through = per[-1]["last_sale"]
    ends = dict(zip(spine, [*spine[1:], _periods(spine[-1], spine[-1], grain, 1)[-1]], strict=True))
    out, previous_active, so_far, customers = [], None, 0.0, 0
    for period in spine:
        s, c = sales.get(period, {}), counts.get(period, {})
        revenue, orders = float(s.get("revenue") or 0.0), int(s.get("orders") or 0)
        act, new = int(c.get("active") or 0), int(c.get("new") or 0)
        so_far, customers = so_far + float(s.get("known_revenue") or 0.0), customers + new
        row: dict[str, Any] = {
            "period": period, "label": period_label(period, grain),
            # the last period may be under way: its sales so far, said with the day they run to
            "through": through if ends[period] > through + timedelta(days=1) else None,
            "revenue": round(revenue, 2), "orders": orders,
            "average_order_value": round(revenue / orders, 2) if orders else None,
            "active_customers": act, "new_customers": new, "returning_customers": act - new,
            "purchase_frequency": round(int(s.get("known_orders") or 0) / act, 4) if act else None,
            "historical_clv": round(so_far / customers, 2) if customers else None,
        }
        if predicted_clv is not None:
            said_then = [v for at, v in sorted(predicted_clv.items()) if period < at <= ends[period]]
            row["predicted_clv"] = round(said_then[-1], 2) if said_then else None
        if events is not None:
            w = web.get(period, {})
            row["web_visits"] = int(w.get("visits") or 0)
            _share(row, "conversion_rate", int(w.get("bought") or 0), row["web_visits"])
            _share(row, "cart_abandonment_rate", int(w.get("abandoned") or 0), int(w.get("carts") or 0))
        _share(row, "repeat_purchase_rate", act - new, act)
        said = voice.get(period, {})
        if feedback is not None:
            row |= {k: said.get(k) for k in ("nps", "nps_of", "ces", "ces_of")}
            _share(row, "csat", *said.get("csat_counts", (0, 0)))
        if tickets is not None:
            row["tickets"] = int(said.get("tickets", 0))
        if texts is not None:
            row["unhappy_texts"] = int(said.get("unhappy_texts", 0))
        if previous_active is None:  # the first period has none before it
            row["retention_rate"] = row["churn_rate"] = None
        else:
            held = int(stayed.get(period, 0))
            _share(row, "retention_rate", held, previous_active)
            _share(row, "churn_rate", previous_active - held, previous_active)
        out.append(row)
        previous_active = act
    return out


def _share(row: dict[str, Any], name: str, hits: int, n: int) -> None:
    """A share with its numerator, denominator and Wilson interval (None when nobody to count)."""
    low, high = wilson(hits, n)
    row[name] = round(hits / n, 4) if n else None
    row[f"{name}_of"] = {"hits": hits, "n": n, "low": low, "high": high}
