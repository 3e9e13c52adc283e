"""What is in a store, and what looks wrong with it: the data behind ``regulars status``."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from regulars.config import Settings
from regulars.schema import CONTRACTS, EVENT_TYPES
from regulars.store._store import Store

__all__ = ["status"]

DATE_COLUMNS = {"customers": "created_at"} | {
    name: c.time_column for name, c in CONTRACTS.items() if c.time_column}


def _tables(store: Store) -> dict[str, dict[str, Any]]:
    out = {}
    for name in CONTRACTS:
        date = DATE_COLUMNS.get(name)
        if date:
            rows, first, last = store.con.execute(
                f"SELECT count(*), min({date}), max({date}) FROM {name}"
            ).fetchone()
            out[name] = {"rows": rows, "from": str(first) if first else None,
                         "to": str(last) if last else None}
        else:
            out[name] = {"rows": store.count(name), "from": None, "to": None}
    return out


def _warnings(store: Store, settings: Settings, batches: list[dict[str, Any]]) -> list[str]:
    # (no bound parameters in this module: DuckDB imports pandas to inspect them, and status must be quick)
    con, out = store.con, []
    share = settings.quality.missing_customer_warn_share
    lacking = dict(con.execute("SELECT batch_id, count(*) FROM quarantine "
                               "WHERE reason_codes LIKE '%missing:customer_id%' GROUP BY 1").fetchall())
    for b in batches:
        missing = lacking.get(b["batch_id"], 0)
        if b["rows_read"] and missing / b["rows_read"] > share:
            out.append(
                f"{b['source_name']}: {missing / b['rows_read']:.1%} of rows ({missing:,}) lack a "
                "customer id; they are kept in quarantine, not loaded"
            )
        anonymous = b.get("rows_anonymous") or 0
        if b["rows_read"] and anonymous / b["rows_read"] > share:
            out.append(
                f"{b['source_name']}: {anonymous / b['rows_read']:.1%} of rows ({anonymous:,}) lack a customer id; "
                "they are stored as anonymous sales: counted in revenue and baskets, not in per-customer scores"
            )
    limit = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(days=settings.quality.future_tolerance_days)
    for table, column in DATE_COLUMNS.items():
        future = con.execute(f"SELECT count(*) FROM {table} WHERE {column} > TIMESTAMP '{limit:%Y-%m-%d %H:%M:%S}'"
                             ).fetchone()[0]
        if future:
            out.append(f"{table}: {future:,} rows have {column} in the future")
    dups = con.execute(
        "SELECT count(*) FROM quarantine WHERE reason_codes LIKE '%duplicate_key%' "
        "OR reason_codes LIKE '%conflicts_with_store%'"
    ).fetchone()[0]
    if dups:
        out.append(f"{dups:,} rows repeat an id already used (duplicate ids); see `regulars quarantine`")
    stubs = con.execute("SELECT count(*) FROM customers WHERE is_stub").fetchone()[0]
    if stubs:
        out.append(f"{stubs:,} customers are known only from orders or activity (no customer profile loaded)")
    vocab = ", ".join(f"'{t}'" for t in EVENT_TYPES)
    odd = con.execute(
        f"SELECT count(DISTINCT event_type) FROM events WHERE event_type NOT IN ({vocab})"
    ).fetchone()[0]
    if odd:
        out.append(f"events: {odd} event types are outside the documented vocabulary")
    currencies = store.currencies()
    if len(currencies) > 1:
        out.append(f"orders are in {len(currencies)} currencies ({', '.join(f'{c} {n:,}' for c, n in currencies.items())}); "
                   "amounts are never converted, so nothing adds them up (lifetime value is skipped)")
    orphans = con.execute(
        "SELECT count(*) FROM order_items i WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.order_id = i.order_id)"
    ).fetchone()[0]
    if orphans:
        out.append(f"order_items: {orphans:,} lines belong to orders that are not loaded")
    return out


def _sales(store: Store) -> list[dict[str, Any]]:
    """Purchases per currency, all of them and the last 30 days to the latest order, with the
    part sold to no known customer (anonymous sales count here, never in per-customer scores)."""
    return store.rows(
        """WITH sold AS (SELECT *, max(ordered_at) OVER () - INTERVAL 30 DAY AS recent FROM purchases)
            SELECT coalesce(currency, '') AS currency, count(*) AS orders, coalesce(sum(amount), 0) AS revenue,
                   count(*) FILTER (WHERE customer_id IS NULL) AS anonymous_orders,
                   coalesce(sum(amount) FILTER (WHERE customer_id IS NULL), 0) AS anonymous_revenue,
                   count(*) FILTER (WHERE ordered_at > recent) AS orders_30d,
                   coalesce(sum(amount) FILTER (WHERE ordered_at > recent), 0) AS revenue_30d
            FROM sold GROUP BY 1 ORDER BY 2 DESC, 1""")


def status(store: Store, settings: Settings) -> dict[str, Any]:
    """A summary of the store: tables, customers, batches, quarantine and warnings."""
    con = store.con
    batches = store.rows(
        "SELECT batch_id, table_name, source_name, mapping, rows_read, rows_accepted, "
        "coalesce(rows_anonymous, 0) AS rows_anonymous, rows_quarantined, rows_unchanged, customers_created, CAST(loaded_at AS VARCHAR) AS loaded_at "
        "FROM batches ORDER BY seq"
    )
    reasons = dict(con.execute(
        """SELECT split_part(code, ':', 1) || coalesce(':' || NULLIF(split_part(code, ':', 2), ''), '') AS code,
                  count(*) FROM (SELECT unnest(string_split(reason_codes, '; ')) AS code FROM quarantine)
           GROUP BY 1 ORDER BY 2 DESC"""
    ).fetchall())
    total, stubs, resolved = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE is_stub), "
        "(SELECT count(DISTINCT resolved_id) FROM customer_map) FROM customers"
    ).fetchone()
    # customers whose records came from two sources (a preset, a mapping file, or a file's name)
    pairs = con.execute(
        """WITH rec AS (
               SELECT DISTINCT m.resolved_id, CASE WHEN b.mapping = 'auto' OR b.mapping IS NULL
                   THEN coalesce(b.table_name || ' file ' || b.source_name, 'unknown')
                   ELSE replace(b.mapping, 'preset ', '') END AS source
               FROM customer_map m JOIN customers c USING (customer_id) LEFT JOIN batches b USING (batch_id))
           SELECT a.source, b.source, count(*) FROM rec a JOIN rec b
             ON a.resolved_id = b.resolved_id AND a.source < b.source GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2"""
    ).fetchall()
    return {
        "tables": _tables(store),
        "customers": {"records": total, "minimal": stubs, "resolved": resolved,
                      "merged": total - resolved},
        "merged_between": [{"sources": [a, b], "customers": n} for a, b, n in pairs],
        "batches": batches,
        "currencies": store.currencies(),
        "sales": _sales(store),
        "quarantine": {"rows": con.execute("SELECT count(*) FROM quarantine").fetchone()[0],
                       "by_reason": reasons},
        "warnings": _warnings(store, settings, batches),
    }
