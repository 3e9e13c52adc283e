"""What a product is, defined once: an order line for postage, a fee, a discount, a manual
adjustment or a sample is a line, not something a customer would want recommended or restocked.

A line is not merchandise when its product's id or name holds one of the words of ``[recommend]
not_products`` (whole words, any case: "DOTCOM POSTAGE", "AMAZON FEE", "Manual"), or when the
lines of its product never carry a quantity while the shop's other lines do (a charge, not goods).
"""

from __future__ import annotations

import re

import ibis.expr.types as ir

from regulars.config import NOT_PRODUCTS

__all__ = ["NOT_PRODUCTS", "merchandise"]

def merchandise(order_items: ir.Table, products: ir.Table | None, words: tuple[str, ...] = NOT_PRODUCTS
                ) -> ir.Table:
    """The order lines whose product is merchandise (lines without a product are left out)."""
    lines = order_items.filter(order_items.product_id.notnull())
    named = lines.product_id.lower()
    if products is not None and "name" in products.columns:
        names = products.select(product_id=products.product_id, _name=products.name.lower())
        lines = lines.left_join(names, "product_id").drop("product_id_right")
        named = lines.product_id.lower() + " " + lines._name.fill_null("")
    if words:
        pattern = r"\b(" + "|".join(re.escape(w.lower()) for w in words) + r")\b"
        lines = lines.filter(~named.re_search(pattern))
    if "quantity" in order_items.columns:
        # a product none of whose lines has a quantity, in a shop whose lines have them: a charge
        counted = order_items.group_by("product_id").aggregate(_with_quantity=order_items.quantity.count())
        charges = counted.filter((counted._with_quantity == 0) & (order_items.quantity.count() > 0))
        lines = lines.anti_join(charges.select("product_id"), "product_id")
    return lines.drop(*[c for c in ("_name",) if c in lines.columns])
