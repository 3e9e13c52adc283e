"""Sales measures over ``purchases`` (the one purchase rule, net of refunds, anonymous sales
included): revenue, orders and buyers per month, and what the last 90 days look like."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import ibis
import ibis.expr.types as ir

from regulars.metrics._query import rows, value

__all__ = ["ACTIVE_DAYS", "activity", "main_currency", "monthly", "sale_amounts"]

#: A customer is active when they bought within this many days.
ACTIVE_DAYS = 90


def main_currency(purchases: ir.Table) -> str | None:
    """The currency most sales are in (the first by name on a tie), None when nothing sold."""
    found = rows(purchases.group_by("currency").aggregate(n=purchases.count())
                 .order_by([ibis.desc("n"), "currency"]).limit(1))
    return found[0]["currency"] if found else None


def sale_amounts(purchases: ir.Table, currency: str | None) -> tuple[float, float] | None:
    """The mean and standard deviation of a sale's amount in ``currency`` (None without sales)."""
    sold = purchases.filter(purchases.currency == currency)
    found = rows(sold.aggregate(mean=sold.amount.mean(), std=sold.amount.std()))
    return (float(found[0]["mean"]), float(found[0]["std"] or 0.0)) if found and found[0]["mean"] else None


def monthly(purchases: ir.Table, currency: str | None, months: int) -> list[dict[str, Any]]:
    """Per month (the last ``months`` up to the latest sale, in ``currency``): revenue (net of
    refunds, in the month of the purchase refunded), orders, the anonymous part of revenue,
    buyers, and repeat buyers (who had bought before the month began)."""
    sold = purchases.filter(purchases.currency.isnull() if currency is None else purchases.currency == currency)
    month = sold.ordered_at.truncate("M")
    sold = sold.mutate(month=month, last=month.max().over())
    known = sold.filter(sold.customer_id.notnull())
    firsts = known.group_by("customer_id").aggregate(first=known.ordered_at.min())
    recent = sold.filter(sold.month > sold.last - ibis.interval(months=int(months))).drop("last")
    each = recent.left_join(firsts, "customer_id")
    out = each.group_by("month").aggregate(
        revenue=each.amount.sum().round(2), orders=each.count(),
        anonymous_revenue=each.amount.sum(where=each.customer_id.isnull()).fill_null(0).round(2),
        buyers=each.customer_id.nunique(), repeat_buyers=each.customer_id.nunique(where=each.first < each.month))
    out = out.order_by("month").mutate(month=out.month.strftime("%Y-%m"))
    return rows(out.select("month", "revenue", "orders", "anonymous_revenue", "buyers", "repeat_buyers"))


def activity(purchases: ir.Table) -> dict[str, Any]:
    """Buyers active within ``ACTIVE_DAYS`` of the latest sale and in the period before, revenue
    in the last 30 days and the 30 before, the latest sale, and the share of buyers who bought
    more than once (repeat rate)."""
    latest = value(purchases.ordered_at.max())
    if latest is None:
        return {"active": 0, "active_before": 0, "revenue_30d": 0, "revenue_30d_before": 0, "latest_order": None,
                "repeat_rate": None}
    at, who, paid = purchases.ordered_at, purchases.customer_id, purchases.amount

    def since(days: int, until: int = 0) -> ir.BooleanValue:
        return (at > latest - timedelta(days=days)) & (at <= latest - timedelta(days=until))

    out = rows(purchases.aggregate(
        active=who.nunique(where=since(ACTIVE_DAYS)),
        active_before=who.nunique(where=since(2 * ACTIVE_DAYS, ACTIVE_DAYS)),
        revenue_30d=paid.sum(where=since(30)).fill_null(0).round(2),
        revenue_30d_before=paid.sum(where=since(60, 30)).fill_null(0).round(2),
    ))[0]
    known = purchases.filter(who.notnull())
    per_buyer = known.group_by("customer_id").aggregate(n=known.count())
    repeat = per_buyer.aggregate(repeat=per_buyer.count(where=per_buyer.n > 1), buyers=per_buyer.count())
    repeat = rows(repeat)[0]
    return out | {"latest_order": str(latest),
                  "repeat_rate": repeat["repeat"] / repeat["buyers"] if repeat["buyers"] else None}
