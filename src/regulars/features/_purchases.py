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

__all__ = ["completed", "known_orders", "purchase_days", "purchases", "purchases_of", "refund_shares", "shop_purchases",
           "stored_sales_sql"]


#: What is left of a purchase after its refunds, below which it was refunded in full.
_NOTHING_LEFT = 0.005


def completed(orders: ir.Table) -> ir.Table:
    """The orders whose status makes them a purchase (before any refund is netted)."""
    return orders.filter(orders.status.fill_null(PURCHASE) == PURCHASE)


def refund_shares(orders: ir.Table) -> ir.Table:
    """p_id, r_at, share: what each refund takes from each purchase (order id ``p_id``), and when.

    A refund takes from the same customer's purchases at or before it, the latest first: a
    purchase gives what the refund still needs after the later ones (up to the refund) gave
    theirs. What a refund takes depends only on it and the purchases before it, so the shares
    are worked out once over all orders (the store keeps them per load) and a feature as of a
    cutoff keeps the shares of refunds before it."""
    done = completed(orders)
    back = orders.filter((orders.status == "refunded") & orders.customer_id.notnull() & (orders.amount < 0))
    refunds = back.select(r_id=back.order_id, r_customer=back.customer_id, r_at=back.ordered_at, r_amount=back.amount)
    bought = done.select(p_id=done.order_id, p_customer=done.customer_id, p_at=done.ordered_at, p_amount=done.amount)
    # the purchases some refund reaches: per customer, every purchase up to their last refund (a
    # window over these alone, not all purchases or refund x purchase pairs, fits in 1 GB at 20M orders)
    reached = refunds.join(bought, [refunds.r_customer == bought.p_customer, bought.p_at <= refunds.r_at])
    reached = reached.select("p_id", "p_customer", "p_at", "p_amount").distinct()
    upto = ibis.window(group_by="p_customer", order_by=["p_at", "p_id"], preceding=None, following=0)
    reached = reached.mutate(p_cum=reached.p_amount.sum().over(upto))
    pairs = refunds.join(reached, [refunds.r_customer == reached.p_customer, reached.p_at <= refunds.r_at])
    upto_refund = pairs.group_by("r_id").aggregate(r_cum=pairs.p_cum.max())
    pairs = pairs.join(upto_refund, "r_id")
    taken_after = pairs.r_cum - pairs.p_cum  # what the purchases after this one, up to the refund, gave
    pairs = pairs.mutate(share=ibis.greatest(ibis.least(-pairs.r_amount - taken_after, pairs.p_amount), 0))
    return pairs.filter(pairs.share > 0).select("p_id", "r_at", "share")


def purchases(orders: ir.Table, end: datetime | ir.Value | None = None, shares: ir.Table | None = None) -> ir.Table:
    """The orders that are purchases (before ``end``), each with its amount net of the refunds
    before ``end``. ``shares`` are ``refund_shares`` of these orders when already worked out
    (the store keeps them); without them they are worked out here."""
    if end is not None:
        orders = orders.filter(orders.ordered_at < end)
    if "status" not in orders.columns:
        return orders
    if "amount" not in orders.columns or "customer_id" not in orders.columns:  # nothing to net
        return completed(orders)
    if "order_id" not in orders.columns:  # a frame built by hand: rows are orders
        return purchases(orders.mutate(order_id=ibis.row_number().cast("string"))).drop("order_id")
    if shares is None:
        shares = refund_shares(orders)
    elif end is not None:
        shares = shares.filter(shares.r_at < end)
    done = completed(orders)
    offsets = shares.group_by("p_id").aggregate(refunded=-shares.share.sum())
    joined = done.left_join(offsets, done.order_id == offsets.p_id)
    left = ibis.greatest(joined.amount + joined.refunded.fill_null(0), 0)  # two refunds never take more than all
    kept = joined.filter(joined.refunded.isnull() | (left >= _NOTHING_LEFT))
    return kept.mutate(amount=ibis.ifelse(kept.refunded.isnull(), kept.amount, left)).drop("p_id", "refunded")


def purchases_of(tables: dict[str, ir.Table], end: datetime | ir.Value | None = None) -> ir.Table:
    """``purchases`` of the shop's ``orders`` (before ``end``), netted with the refund shares
    the store keeps beside them (``tables["refund_shares"]``) when it does."""
    return purchases(tables["orders"], end, tables.get("refund_shares"))


#: What the shop-wide purchases relation keeps of each sale.
SALE_COLUMNS = ("order_id", "customer_id", "ordered_at", "amount", "currency", "channel")


def known_orders(orders: ir.Table, links: ir.Table) -> ir.Table:
    """The orders that name a customer, with ids resolved through ``links`` (customer_id, resolved_id)."""
    known = orders.join(links.select("customer_id", "resolved_id"), "customer_id")
    return known.mutate(customer_id=known.resolved_id).drop("resolved_id")


def shop_purchases(orders: ir.Table, links: ir.Table, shares: ir.Table | None = None) -> ir.Table:
    """Every sale of the shop: the purchases of known customers (ids resolved through ``links``)
    net of their refunds, and the anonymous sales (completed, no customer). What shop-wide
    figures (revenue, orders, buyers) are counted from."""
    anonymous = completed(orders.filter(orders.customer_id.isnull()))
    known = purchases(known_orders(orders, links), shares=shares)
    return known.select(*SALE_COLUMNS).union(anonymous.select(*SALE_COLUMNS), distinct=False)


def stored_sales_sql() -> dict[str, str]:
    """What the store keeps of the purchase rule, as DuckDB SQL over its tables, in the order
    they are made: ``refund_shares`` (over ``orders`` and ``customer_map``) and ``purchases``
    (``shop_purchases``, using those shares). ``store/_sales_sql.py`` holds them as generated
    text, so the store, which loads no Ibis, keeps sales by this one rule; a test fails when
    the two differ, and ``python -m regulars.features._purchases`` writes it."""
    import re

    from regulars.schema import contract_for

    kinds = {"id": "string", "text": "string", "choice": "string", "timestamp": "timestamp", "number": "float64"}
    orders = ibis.table({c.name: kinds[c.kind] for c in contract_for("orders").columns}, name="orders")
    links = ibis.table({"customer_id": "string", "resolved_id": "string", "matched_on": "string"},
                       name="customer_map")
    shares = ibis.table({"p_id": "string", "r_at": "timestamp", "share": "float64"}, name="refund_shares")
    made = {"refund_shares": refund_shares(known_orders(orders, links)), "purchases": shop_purchases(orders, links, shares)}
    # Ibis lists dropped columns in set order, which varies between processes: sort them
    return {name: re.sub(r"EXCLUDE \(([^)]*)\)", lambda m: f"EXCLUDE ({', '.join(sorted(m.group(1).split(', ')))})",
                         str(ibis.to_sql(expr, dialect="duckdb"))) for name, expr in made.items()}


def purchase_days(orders: ir.Table, start: datetime | ir.Value | None = None,
                  end: datetime | ir.Value | None = None, shares: ir.Table | None = None) -> ir.Table:
    """customer_id, day, spend: one row per customer and day with a purchase in [start, end)."""
    kept = purchases(orders, end, shares)
    if start is not None:
        kept = kept.filter(kept.ordered_at >= start)
    return kept.group_by(kept.customer_id, day=kept.ordered_at.date()).aggregate(spend=kept.amount.sum())


if __name__ == "__main__":  # write the store's sales SQL from the rule
    from pathlib import Path

    target = Path(__file__).resolve().parents[1] / "store" / "_sales_sql.py"
    target.write_text('"""Generated by `python -m regulars.features._purchases` from the one purchase rule\n'
                      '(``features.stored_sales_sql``); a test fails when it differs. Do not edit."""\n\n'
                      f"STORED_SALES = {stored_sales_sql()!r}\n", encoding="utf-8")
