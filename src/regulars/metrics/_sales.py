"""Sales measures over ``purchases`` (the one purchase rule, net of refunds, anonymous sales
included): revenue, orders and buyers per month, and what the last 90 days look like."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir

__all__ = ["ACTIVE_DAYS", "activity", "main_currency", "monthly"]

#: A customer is active when they bought within this many days.
ACTIVE_DAYS = 90


def _value(expr: ir.Scalar) -> Any:
    return expr.to_pyarrow().as_py()


def main_currency(purchases: ir.Table) -> str | None:
    """The currency most sales are in (the first by name on a tie), None when nothing sold."""
    found = (purchases.group_by("currency").aggregate(n=purchases.count())
             .order_by([ibis.desc("n"), "currency"]).limit(1).to_pyarrow().to_pylist())
    return found[0]["currency"] if found else None


def _months_before(moment: datetime, months: int) -> datetime:
    index = moment.year * 12 + moment.month - 1 - months
    return datetime(index // 12, index % 12 + 1, 1)


def monthly(purchases: ir.Table, currency: str | None, months: int) -> list[dict[str, Any]]:
    """Per month (the last ``months`` up to the latest sale, in ``currency``): revenue (net of
    refunds, in the month of the purchase refunded), orders, the anonymous part of revenue,
    buyers, and repeat buyers (who had bought before the month began)."""
    sold = purchases.filter(purchases.currency.isnull() if currency is None else purchases.currency == currency)
    sold = sold.mutate(month=sold.ordered_at.truncate("M"))
    last = _value(sold.month.max())
    if last is None:
        return []
    known = sold.filter(sold.customer_id.notnull())
    firsts = known.group_by("customer_id").aggregate(first=known.ordered_at.min())
    recent = sold.filter(sold.month > _months_before(last, months))
    rows = recent.left_join(firsts, "customer_id")
    out = rows.group_by("month").aggregate(
        revenue=rows.amount.sum().round(2), orders=rows.count(),
        anonymous_revenue=rows.amount.sum(where=rows.customer_id.isnull()).fill_null(0).round(2),
        buyers=rows.customer_id.nunique(), repeat_buyers=rows.customer_id.nunique(where=rows.first < rows.month))
    out = out.order_by("month").mutate(month=out.month.strftime("%Y-%m"))
    return out.select("month", "revenue", "orders", "anonymous_revenue", "buyers", "repeat_buyers").to_pyarrow().to_pylist()


def activity(purchases: ir.Table) -> dict[str, Any]:
    """Buyers active within ``ACTIVE_DAYS`` of the latest sale and in the period before, revenue
    in the last 30 days and the 30 before, the latest sale, and the share of buyers who bought
    more than once (repeat rate)."""
    latest = _value(purchases.ordered_at.max())
    if latest is None:
        return {"active": 0, "active_before": 0, "revenue_30d": 0, "revenue_30d_before": 0, "latest_order": None,
                "repeat_rate": None}
    at, who, paid = purchases.ordered_at, purchases.customer_id, purchases.amount

    def since(days: int, until: int = 0) -> ir.BooleanValue:
        return (at > latest - timedelta(days=days)) & (at <= latest - timedelta(days=until))

    out = purchases.aggregate(
        active=who.nunique(where=since(ACTIVE_DAYS)),
        active_before=who.nunique(where=since(2 * ACTIVE_DAYS, ACTIVE_DAYS)),
        revenue_30d=paid.sum(where=since(30)).fill_null(0).round(2),
        revenue_30d_before=paid.sum(where=since(60, 30)).fill_null(0).round(2),
    ).to_pyarrow().to_pylist()[0]
    known = purchases.filter(who.notnull())
    per_buyer = known.group_by("customer_id").aggregate(n=known.count())
    repeat = per_buyer.aggregate(repeat=per_buyer.count(where=per_buyer.n > 1), buyers=per_buyer.count())
    repeat = repeat.to_pyarrow().to_pylist()[0]
    return out | {"latest_order": str(latest),
                  "repeat_rate": repeat["repeat"] / repeat["buyers"] if repeat["buyers"] else None}
