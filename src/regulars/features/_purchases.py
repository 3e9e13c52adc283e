"""What a purchase is, defined once for every feature, label, summary and backtest.

A purchase is a completed order (an order without a status is completed: ``schema.PURCHASE``);
refunds and cancellations are neither counted nor subtracted. Orders on the same day are one
purchase day (Fader, Hardie & Lee 2005; lifetimes), with their amounts added up.
"""

from __future__ import annotations

from datetime import datetime

import ibis.expr.types as ir

from regulars.schema import PURCHASE

__all__ = ["purchase_days", "purchases"]


def purchases(orders: ir.Table) -> ir.Table:
    """The orders that are purchases."""
    if "status" not in orders.columns:
        return orders
    return orders.filter(orders.status.fill_null(PURCHASE) == PURCHASE)


def purchase_days(orders: ir.Table, start: datetime | ir.Value | None = None,
                  end: datetime | ir.Value | None = None) -> ir.Table:
    """customer_id, day, spend: one row per customer and day with a purchase in [start, end)."""
    kept = purchases(orders)
    if start is not None:
        kept = kept.filter(kept.ordered_at >= start)
    if end is not None:
        kept = kept.filter(kept.ordered_at < end)
    return kept.group_by(kept.customer_id, day=kept.ordered_at.date()).aggregate(spend=kept.amount.sum())
