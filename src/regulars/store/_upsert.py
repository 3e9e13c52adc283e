"""Upserts: a re-exported row replaces the stored one, and the earlier version is kept."""

from __future__ import annotations

from datetime import datetime

import duckdb

from regulars._sql import quote
from regulars.schema import CONTRACTS

__all__ = ["update_rows"]


def update_rows(con: duckdb.DuckDBPyConnection, table: str, view: str, columns: list[str], batch_id: str,
                at: datetime) -> int:
    """Replace stored rows by their new versions in ``view`` (the columns the file gives; the
    others and any attributes the file lacks are kept), the earlier versions kept in
    ``row_history``. An order's stored lines go too: the file's lines replace them."""
    key = quote(CONTRACTS[table].key[0])
    con.execute(
        f"INSERT INTO row_history SELECT ?, t.{key}, ?, t.batch_id, ?, CAST(to_json(t) AS JSON) "
        f"FROM {table} t WHERE t.{key} IN (SELECT {key} FROM {view})", [table, at, batch_id])
    sets = "".join(f"{quote(c)} = u.{quote(c)}, " for c in columns if quote(c) != key)
    n = con.execute(
        f"UPDATE {table} SET {sets}attributes = CASE WHEN u.attributes IS NULL THEN {table}.attributes "
        f"WHEN {table}.attributes IS NULL THEN u.attributes "
        f"ELSE json_merge_patch({table}.attributes, u.attributes) END, batch_id = ? "
        f"FROM {view} u WHERE {table}.{key} = u.{key}", [batch_id]).fetchone()[0]
    if table == "orders":
        con.execute(f"DELETE FROM order_items WHERE order_id IN (SELECT order_id FROM {view})")
    return n
