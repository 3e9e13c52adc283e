"""The ``purchases`` table: every sale by the one purchase rule (``features.shop_purchases``, as
the generated ``PURCHASES_VIEW``), kept as a table and worked out again by each load or undo
that changes orders or who is who. Shop-wide readers (KPIs, status, results, the planner) then
scan it instead of netting refunds on every request (0.9 s per home page at 400,000 orders)."""

from __future__ import annotations

from typing import Any

from regulars.store._purchases_view import PURCHASES_VIEW

__all__ = ["SALES_TABLES", "ensure_purchases", "refresh_purchases"]

#: Loads of these tables change the purchases (orders, or which customer an order belongs to).
SALES_TABLES = ("orders", "customers")


def refresh_purchases(con: Any) -> None:
    """Work the purchases out again (inside the caller's transaction)."""
    con.execute(f"CREATE OR REPLACE TABLE purchases AS {PURCHASES_VIEW}")


def ensure_purchases(con: Any) -> None:
    """Make the table when a store has none yet (or still has the view schema 8 first had)."""
    kind = con.execute("SELECT table_type FROM information_schema.tables WHERE table_name = 'purchases'").fetchone()
    if kind is not None and kind[0] == "BASE TABLE":
        return
    if kind is not None:
        con.execute("DROP VIEW purchases")
    refresh_purchases(con)
