"""Erased people stay erased: a re-import of an export that still holds them drops their rows
(an order stays, as a sale without them), by a keyed one-way hash of their ids and emails, so
the store never keeps the values themselves."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from regulars.ingest._convert import lit, quote
from regulars.ingest._identity import email_norm_sql
from regulars.ingest._read import drop_temp

__all__ = ["Suppression", "erasure_hash_sql", "suppress_rows"]


def erasure_hash_sql(expr: str, kind: str, secret: str, strip_plus: bool = False) -> str:
    """SQL of the hash an erasure keeps of one value: ``kind`` ``id`` (a customer id, trimmed)
    or ``email`` (normalised as identity matching does); NULL for no value."""
    value = f"nullif(trim(CAST({expr} AS VARCHAR)), '')" if kind == "id" else email_norm_sql(expr, strip_plus)
    return f"('{kind}:' || sha256({lit(secret)} || {value}))"


@dataclass(frozen=True)
class Suppression:
    """The hashes of erased people's ids and emails, and the secret they were made with."""

    secret: str
    hashes: tuple[str, ...]
    strip_plus: bool = False


def suppress_rows(con: duckdb.DuckDBPyConnection, typed: str, table: str, s: Suppression | None) -> int:
    """Drop the rows of ``typed`` (a staged table) that name an erased person, or for orders
    keep them without the person; returns how many rows named one."""
    if s is None or not s.hashes:
        return 0
    columns = {r[0] for r in con.execute(f"DESCRIBE {typed}").fetchall()}
    tests = [f"{erasure_hash_sql(quote(c), 'id', s.secret)}" for c in ("customer_id",) if c in columns]
    tests += [erasure_hash_sql(quote(c), "email", s.secret, s.strip_plus) for c in ("email", "customer__email")
              if c in columns]
    if not tests:
        return 0
    con.execute("CREATE OR REPLACE TEMP TABLE _erased AS SELECT unnest(?::VARCHAR[]) AS h", [list(s.hashes)])
    named = " OR ".join(f"coalesce({t} IN (SELECT h FROM _erased), false)" for t in tests)
    n = con.execute(f"SELECT count(*) FILTER (WHERE {named}) FROM {typed}").fetchone()[0]
    if n:  # ``typed`` may be a view numbering a scan's rows: the kept rows are made a table in its place
        if table == "orders":  # the sale stays, without the person
            blank = [c for c in columns if c == "customer_id" or c.startswith("customer__")] + ["attributes"]
            kept = ("SELECT * REPLACE (" + ", ".join(f"CASE WHEN {named} THEN NULL ELSE {quote(c)} END AS {quote(c)}"
                                                     for c in blank if c in columns) + f") FROM {typed}")
        else:
            kept = f"SELECT * FROM {typed} WHERE NOT ({named})"
        con.execute(f"CREATE TEMP TABLE _suppressed AS {kept}")
        drop_temp(con, (typed,))
        con.execute(f"ALTER TABLE _suppressed RENAME TO {typed}")
    con.execute("DROP TABLE _erased")
    return int(n)
