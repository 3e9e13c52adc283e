"""What a purchase is, defined once for every feature, label, summary and backtest.

A purchase is a completed order (an order without a status is completed: ``schema.PURCHASE``),
net of its refunds. A refund (a row with status refunded, stored with a negative amount: UCI's
``C`` invoices, a refund line) offsets the same customer's purchases at or before it, the latest
first (a refund larger than the last purchase reaches back to the ones before); a purchase
refunded in full is no purchase at all. A cancelled order is
not a purchase and offsets nothing. Only refunds before ``end`` count, so a feature as of a cutoff
never learns of a refund after it. Orders on the same day are one purchase day (Fader, Hardie &
Lee 2005; lifetimes), with their amounts added up.
"""

from __future__ import annotations

from datetime import datetime

import ibis
import ibis.expr.types as ir

from regulars.schema import PURCHASE

__all__ = ["purchase_days", "purchases"]


#: What is left of a purchase after its refunds, below which it was refunded in full.
_NOTHING_LEFT = 0.005


def purchases(orders: ir.Table, end: datetime | ir.Value | None = None) -> ir.Table:
    """The orders that are purchases (before ``end``), each with its amount net of refunds."""
    if end is not None:
        orders = orders.filter(orders.ordered_at < end)
    if "status" not in orders.columns:
        return orders
    if "amount" not in orders.columns or "customer_id" not in orders.columns:  # nothing to net
        return orders.filter(orders.status.fill_null(PURCHASE) == PURCHASE)
    if "order_id" not in orders.columns:  # a frame built by hand: rows are orders
        return purchases(orders.mutate(order_id=ibis.row_number().cast("string"))).drop("order_id")
    done = orders.filter(orders.status.fill_null(PURCHASE) == PURCHASE)
    back = orders.filter((orders.status == "refunded") & orders.customer_id.notnull() & (orders.amount < 0))
    refunds = back.select(r_id=back.order_id, r_customer=back.customer_id, r_at=back.ordered_at, r_amount=back.amount)
    bought = done.filter(done.customer_id.notnull()).select(p_id=done.order_id, p_customer=done.customer_id,
                                                            p_at=done.ordered_at, p_amount=done.amount)
    # each refund against the customer's purchases at or before it, latest first: it takes what
    # the later ones leave (an inequality join and a running sum; no as-of join: PySpark lacks it)
    pairs = refunds.join(bought, [refunds.r_customer == bought.p_customer, bought.p_at <= refunds.r_at])
    latest_first = ibis.window(group_by="r_id", order_by=[ibis.desc("p_at"), ibis.desc("p_id")],
                               preceding=None, following=0)
    taken_before = pairs.p_amount.sum().over(latest_first) - pairs.p_amount
    share = ibis.greatest(ibis.least(-pairs.r_amount - taken_before, pairs.p_amount), 0)
    pairs = pairs.mutate(share=share)
    offsets = pairs.filter(pairs.share > 0).group_by("p_id").aggregate(refunded=-pairs.share.sum())
    joined = done.left_join(offsets, done.order_id == offsets.p_id)
    left = ibis.greatest(joined.amount + joined.refunded.fill_null(0), 0)  # two refunds never take more than all
    kept = joined.filter(joined.refunded.isnull() | (left >= _NOTHING_LEFT))
    return kept.mutate(amount=ibis.ifelse(kept.refunded.isnull(), kept.amount, left)).drop("p_id", "refunded")


def purchase_days(orders: ir.Table, start: datetime | ir.Value | None = None,
                  end: datetime | ir.Value | None = None) -> ir.Table:
    """customer_id, day, spend: one row per customer and day with a purchase in [start, end)."""
    kept = purchases(orders, end)
    if start is not None:
        kept = kept.filter(kept.ordered_at >= start)
    return kept.group_by(kept.customer_id, day=kept.ordered_at.date()).aggregate(spend=kept.amount.sum())
