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

__all__ = ["completed", "purchase_days", "purchases", "purchases_view_sql", "shop_purchases"]


#: What is left of a purchase after its refunds, below which it was refunded in full.
_NOTHING_LEFT = 0.005


def completed(orders: ir.Table) -> ir.Table:
    """The orders whose status makes them a purchase (before any refund is netted)."""
    return orders.filter(orders.status.fill_null(PURCHASE) == PURCHASE)


def purchases(orders: ir.Table, end: datetime | ir.Value | None = None) -> ir.Table:
    """The orders that are purchases (before ``end``), each with its amount net of refunds."""
    if end is not None:
        orders = orders.filter(orders.ordered_at < end)
    if "status" not in orders.columns:
        return orders
    if "amount" not in orders.columns or "customer_id" not in orders.columns:  # nothing to net
        return completed(orders)
    if "order_id" not in orders.columns:  # a frame built by hand: rows are orders
        return purchases(orders.mutate(order_id=ibis.row_number().cast("string"))).drop("order_id")
    done = completed(orders)
    back = orders.filter((orders.status == "refunded") & orders.customer_id.notnull() & (orders.amount < 0))
    refunds = back.select(r_id=back.order_id, r_customer=back.customer_id, r_at=back.ordered_at, r_amount=back.amount)
    # only the purchases of customers with a refund are netted; the rest pass as they are (netting
    # all 20M orders of a large shop did not fit in DuckDB's 1 GB)
    refunders = refunds.select(customer_id=refunds.r_customer).distinct()
    untouched = done.anti_join(refunders, "customer_id")
    done = done.semi_join(refunders, "customer_id")
    # each purchase with the running total of the customer's purchases up to it (a window over the
    # purchases, not over refund x purchase pairs: that window did not fit in 1 GB at 20M orders)
    upto = ibis.window(group_by="customer_id", order_by=["ordered_at", "order_id"], preceding=None, following=0)
    bought = done.select(p_id=done.order_id, p_customer=done.customer_id, p_at=done.ordered_at,
                         p_amount=done.amount, p_cum=done.amount.sum().over(upto))
    # each refund against the customer's purchases at or before it, latest first: a purchase gives
    # what the refund still needs after the later ones (up to the refund) gave theirs
    pairs = refunds.join(bought, [refunds.r_customer == bought.p_customer, bought.p_at <= refunds.r_at])
    upto_refund = pairs.group_by("r_id").aggregate(r_cum=pairs.p_cum.max())
    pairs = pairs.join(upto_refund, "r_id")
    taken_before = pairs.r_cum - pairs.p_cum
    share = ibis.greatest(ibis.least(-pairs.r_amount - taken_before, pairs.p_amount), 0)
    pairs = pairs.mutate(share=share)
    offsets = pairs.filter(pairs.share > 0).group_by("p_id").aggregate(refunded=-pairs.share.sum())
    joined = done.left_join(offsets, done.order_id == offsets.p_id)
    left = ibis.greatest(joined.amount + joined.refunded.fill_null(0), 0)  # two refunds never take more than all
    kept = joined.filter(joined.refunded.isnull() | (left >= _NOTHING_LEFT))
    netted = kept.mutate(amount=ibis.ifelse(kept.refunded.isnull(), kept.amount, left)).drop("p_id", "refunded")
    return untouched.union(netted.select(*untouched.columns), distinct=False)


#: What the shop-wide purchases relation keeps of each sale.
SALE_COLUMNS = ("order_id", "customer_id", "ordered_at", "amount", "currency", "channel")


def shop_purchases(orders: ir.Table, links: ir.Table) -> ir.Table:
    """Every sale of the shop: the purchases of known customers (ids resolved through ``links``:
    customer_id, resolved_id) net of their refunds, and the anonymous sales (completed, no
    customer). What shop-wide figures (revenue, orders, buyers) are counted from."""
    known = orders.join(links.select("customer_id", "resolved_id"), "customer_id")
    known = known.mutate(customer_id=known.resolved_id).drop("resolved_id")
    anonymous = completed(orders.filter(orders.customer_id.isnull()))
    return purchases(known).select(*SALE_COLUMNS).union(anonymous.select(*SALE_COLUMNS), distinct=False)


def purchases_view_sql() -> str:
    """``shop_purchases`` over the store's ``orders`` and ``customer_map`` as DuckDB SQL: the
    body of the store's ``purchases`` view (``store/_purchases_view.py`` holds it as generated
    text, so the store's readers, which load no Ibis, count sales by this one rule; a test
    fails when the two differ, and ``python -m regulars.features._purchases`` writes it)."""
    from regulars.schema import contract_for

    kinds = {"id": "string", "text": "string", "choice": "string", "timestamp": "timestamp", "number": "float64"}
    orders = ibis.table({c.name: kinds[c.kind] for c in contract_for("orders").columns}, name="orders")
    links = ibis.table({"customer_id": "string", "resolved_id": "string", "matched_on": "string"},
                       name="customer_map")
    import re

    sql = str(ibis.to_sql(shop_purchases(orders, links), dialect="duckdb"))
    # Ibis lists dropped columns in set order, which varies between processes: sort them
    return re.sub(r"EXCLUDE \(([^)]*)\)", lambda m: f"EXCLUDE ({', '.join(sorted(m.group(1).split(', ')))})", sql)


def purchase_days(orders: ir.Table, start: datetime | ir.Value | None = None,
                  end: datetime | ir.Value | None = None) -> ir.Table:
    """customer_id, day, spend: one row per customer and day with a purchase in [start, end)."""
    kept = purchases(orders, end)
    if start is not None:
        kept = kept.filter(kept.ordered_at >= start)
    return kept.group_by(kept.customer_id, day=kept.ordered_at.date()).aggregate(spend=kept.amount.sum())


if __name__ == "__main__":  # write the store's purchases view from the rule
    from pathlib import Path

    target = Path(__file__).resolve().parents[1] / "store" / "_purchases_view.py"
    target.write_text('"""Generated by `python -m regulars.features._purchases` from the one purchase rule\n'
                      '(``features.shop_purchases``); a test fails when it differs. Do not edit."""\n\n'
                      f"PURCHASES_VIEW = {purchases_view_sql()!r}\n", encoding="utf-8")
