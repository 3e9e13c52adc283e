"""Interest segments: a customer who bought in a category, or viewed its products, within the
window before the cutoff is "interested in <category>"; a customer may have several."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from regulars._time import cutoff_start

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pandas as pd

__all__ = ["interests"]


def interests(tables: dict[str, ir.Table], cutoff: date, window_days: int, customers: pd.Index) -> pd.DataFrame:
    """row (of ``customers``), category, bought (orders in it), viewed (views of it): one row per
    customer and category with activity in [cutoff - window_days, cutoff), in no particular order. Empty when the shop
    records no categories."""
    import ibis
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    from regulars.features import as_known, purchases_of

    end = ibis.literal(cutoff_start(cutoff))
    start = ibis.literal(cutoff_start(cutoff - timedelta(days=window_days)))
    parts = []
    products = tables.get("products")
    if "orders" in tables and "order_items" in tables:
        orders = purchases_of(tables, end)
        orders = orders.filter(orders.ordered_at >= start)
        # the window's lines first (a fraction of all), then the product list's category where
        # the line has none
        lines = tables["order_items"].select("order_id", "product_id", "category") \
            .join(orders.select("order_id", "customer_id"), "order_id")
        if products is not None:
            lines = lines.left_join(products.select("product_id", product_category="category"), "product_id")
            lines = lines.mutate(category=lines.category.fill_null(lines.product_category))
        parts.append(lines.select("customer_id", "category", bought=ibis.literal(1), viewed=ibis.literal(0)))
    if "events" in tables and products is not None:
        ev = as_known(tables["events"], end)
        ev = ev.filter(ev.product_id.notnull() & (ev.occurred_at >= start) & (ev.occurred_at < end))
        seen = ev.join(products.select("product_id", "category"), "product_id")
        parts.append(seen.select("customer_id", "category", bought=ibis.literal(0), viewed=ibis.literal(1)))
    if not parts:
        return pd.DataFrame({"row": np.zeros(0, dtype=np.int64), "category": [], "bought": [], "viewed": []})
    rows = ibis.union(*parts) if len(parts) > 1 else parts[0]
    rows = rows.filter(rows.category.notnull() & (rows.category.strip() != ""))
    out = rows.group_by("customer_id", "category").aggregate(bought=rows.bought.sum(), viewed=rows.viewed.sum())
    who = ibis.memtable(pa.table({"customer_id": pa.array(customers.to_numpy(), pa.string()),
                                  "row": pa.array(np.arange(len(customers)))}))
    # grouped before the customers' rows are joined: a third of the rows to join
    return out.join(who, "customer_id").select("row", "category", "bought", "viewed").to_pyarrow().to_pandas()
