"""Benchmark inputs: the real UCI Online Retail file and a synthetic orders file we generate."""

from __future__ import annotations

from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent
WORK = ROOT / "_work"
SHARED = ROOT.parent.parent / "shared" / "data"
ONLINE_RETAIL = SHARED / "online_retail" / "online_retail.csv.gz"


def synthetic_orders(rows: int, customers: int) -> Path:
    """A deterministic orders CSV with ``rows`` orders over ``customers`` customers (made once)."""
    WORK.mkdir(exist_ok=True)
    path = WORK / f"orders_{rows}.csv"
    if path.exists():
        return path
    con = duckdb.connect()
    con.execute(
        f"""COPY (
            SELECT 'O' || lpad(CAST(i AS VARCHAR), 9, '0') AS order_id,
                   'C' || lpad(CAST(hash(i) % {customers} AS VARCHAR), 7, '0') AS customer_id,
                   strftime(TIMESTAMP '2022-01-01' + to_seconds(CAST(hash(i * 7) % 63072000 AS BIGINT)),
                            '%Y-%m-%d %H:%M:%S') AS ordered_at,
                   round(5 + (hash(i * 13) % 20000) / 100.0, 2) AS amount,
                   CASE WHEN hash(i * 17) % 50 = 0 THEN 'refunded' ELSE 'completed' END AS status,
                   'GBP' AS currency,
                   CASE hash(i * 19) % 3 WHEN 0 THEN 'web' WHEN 1 THEN 'shop' ELSE 'phone' END AS channel
            FROM range({rows}) t(i)
        ) TO '{path}' (HEADER, DELIMITER ',')"""
    )
    con.close()
    return path
