"""The sales tables, by the one purchase rule (``features.stored_sales_sql``, generated into
``STORED_SALES``), worked out again by each load or undo that changes orders or who is who:

- ``refund_shares``: what each refund takes from each purchase, and when. Features as of a
  cutoff net purchases with the shares of refunds before it, instead of working them out on
  every query (18 s per query at 20M orders; 4 s with the shares kept).
- ``purchases``: every sale, net of its refunds. Shop-wide readers (KPIs, status, results, the
  planner) scan it instead of netting refunds on every request (0.9 s per home page at
  400,000 orders)."""

from __future__ import annotations

from typing import Any

from regulars.store._sales_sql import STORED_SALES

__all__ = ["SALES_TABLES", "ensure_purchases", "refresh_purchases"]

#: Loads of these tables change the purchases (orders, or which customer an order belongs to).
SALES_TABLES = ("orders", "customers")


def refresh_purchases(con: Any) -> None:
    """Work the sales tables out again (inside the caller's transaction)."""
    for table, sql in STORED_SALES.items():
        con.execute(f"CREATE OR REPLACE TABLE {table} AS {sql}")


def ensure_purchases(con: Any) -> None:
    """Make the tables when a store lacks one (or still has the view schema 8 first had)."""
    kinds = dict(con.execute("SELECT table_name, table_type FROM information_schema.tables "
                             "WHERE table_name IN ('purchases', 'refund_shares')").fetchall())
    if all(kinds.get(table) == "BASE TABLE" for table in STORED_SALES):
        return
    if kinds.get("purchases") == "VIEW":
        con.execute("DROP VIEW purchases")
    refresh_purchases(con)
