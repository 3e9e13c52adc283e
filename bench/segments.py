"""Segments, recommendations and timing at scale, against a bare DuckDB aggregate over the same rows.

Synthetic shop per size: N customers, 20 orders each on average (skewed: a few buy often), 1.5
lines per order over 10,000 products in 50 categories (customers lean to a favourite category),
20 events each (opens, clicks, visits; product views name a product). Each size is built once
under bench/_work. Timed, as a run does it: the segments, recommend and timing scorers as of one
cutoff, given the customer features and the earlier scorers' frames (features are shared by every
scorer of a run and timed by bench/features.py; lifetime value is simulated, engagement is the real
scorer, both untimed). The bare aggregate reads the same rows once: orders per customer, lines per
customer and product, events per customer and hour. Prints each size's times, the ratio and peak
memory; the scale curve is the rows of the table.

    .venv/bin/python bench/segments.py                       # 10k, 100k, 1M customers
    .venv/bin/python bench/segments.py --sizes 100000
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import duckdb  # noqa: E402
from _data import WORK  # noqa: E402

PRODUCTS = 10_000
CATEGORIES = 50
CUTOFF = date(2025, 1, 1)
TYPES = ["page_view", "product_view", "email_open", "email_click", "cart_add", "faq_view", "pricing_view"]


def make_shop(customers: int) -> Path:
    """A DuckDB file with orders, order_items, products and events for ``customers`` customers."""
    WORK.mkdir(exist_ok=True)
    path = WORK / f"segments_{customers}.duckdb"
    if path.exists():
        return path
    orders, events = customers * 20, customers * 20
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    con.execute("SET enable_progress_bar = false")
    per_category = PRODUCTS // CATEGORIES
    con.execute(f"""CREATE TABLE products AS SELECT 'P' || i AS product_id, 'Product ' || i AS name,
        'category ' || (i // {per_category}) AS category FROM range({PRODUCTS}) t(i)""")
    # skewed customers: u^1.5 puts more orders on low ids; two years of orders before the cutoff
    con.execute(f"""CREATE TABLE orders AS SELECT 'O' || i AS order_id,
        'C' || CAST(floor({customers} * pow((hash(i) % 1000003) / 1000003.0, 1.5)) AS BIGINT) AS customer_id,
        TIMESTAMP '2023-01-01' + to_seconds(CAST(hash(i * 3) % 63072000 AS BIGINT)) AS ordered_at,
        round(5 + (hash(i * 5) % 20000) / 100.0, 2) AS amount,
        CASE WHEN hash(i * 7) % 40 = 0 THEN 'refunded' ELSE 'completed' END AS status,
        CASE hash(i * 11) % 3 WHEN 0 THEN 'web' WHEN 1 THEN 'shop' ELSE 'phone' END AS channel
        FROM range({orders}) t(i)""")
    # 1 or 2 lines; 70% from the customer's favourite category (popular products first), else any
    con.execute(f"""CREATE TABLE order_items AS
        WITH lines AS (SELECT o.order_id, o.customer_id, l.n, hash(o.order_id || '#' || l.n) AS h
                       FROM orders o, range(2) l(n) WHERE l.n = 0 OR hash(o.order_id) % 2 = 0)
        SELECT order_id, 'P' || CASE WHEN h % 10 < 7
                THEN (hash(customer_id) % {CATEGORIES}) * {per_category}
                     + CAST(floor({per_category} * pow((h // 10 % 100003) / 100003.0, 2)) AS BIGINT)
                ELSE CAST(floor({PRODUCTS} * pow((h // 10 % 100003) / 100003.0, 3)) AS BIGINT) END AS product_id,
               1 + h % 3 AS quantity
        FROM lines""")
    types = "[" + ", ".join(f"'{t}'" for t in TYPES) + "]"
    con.execute(f"""CREATE TABLE events AS
        WITH e AS (SELECT i, 'C' || CAST(floor({customers} * pow((hash(i * 13) % 1000003) / 1000003.0, 1.5))
                          AS BIGINT) AS customer_id,
                   {types}[1 + CAST(hash(i * 19) % {len(TYPES)} AS INT)] AS event_type FROM range({events}) t(i))
        SELECT customer_id, event_type,
               TIMESTAMP '2023-01-01' + to_seconds(CAST(hash(i * 17) % 63072000 AS BIGINT)) AS occurred_at,
               CASE WHEN event_type LIKE 'email%' THEN 'email' ELSE 'web' END AS channel,
               CASE WHEN event_type = 'product_view' THEN 'P' || (hash(customer_id) % {CATEGORIES}) * {per_category}
                    + hash(i * 23) % {per_category} END AS product_id
        FROM e""")
    from regulars.schema import contract_for

    for table in ("products", "orders", "order_items", "events"):  # the store's other columns, empty
        have = {row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()}
        for column in contract_for(table).columns:
            if column.name not in have:
                con.execute(f"ALTER TABLE {table} ADD COLUMN {column.name} {column.sql_type}")
    con.close()
    tmp.rename(path)
    return path


def context(path: Path):
    """A run's context as of CUTOFF with the features built and the earlier scorers' frames."""
    import ibis
    import numpy as np

    from regulars.config import Settings
    from regulars.scores import EngagementScorer, RunContext

    con = duckdb.connect(str(path), read_only=True)
    con.execute("SET enable_progress_bar = false")
    backend = ibis.duckdb.from_connection(con)
    tables = {name: backend.table(name) for name in ("orders", "order_items", "products", "events")}
    ctx = RunContext(tables=tables, cutoff=CUTOFF, settings=Settings())
    features = ctx.frames.at(CUTOFF)
    days = features["days_since_last_order"].to_numpy(dtype=float)
    p_alive = np.where(np.isnan(days), 1.0, np.exp(-np.nan_to_num(days) / 200))
    ctx.scored["clv"] = features.index.to_frame(index=False).assign(
        p_alive=p_alive, clv=features["spend_total"].fillna(0).to_numpy() * p_alive)
    ctx.scored["engagement"] = EngagementScorer().score(ctx).frame
    return con, ctx


def bare(con: duckdb.DuckDBPyConnection) -> None:
    """The same rows read once and grouped the least a result needs, returned like ours."""
    end = f"TIMESTAMP '{CUTOFF}'"
    con.execute(f"""SELECT customer_id, count(*), sum(amount), max(ordered_at) FROM orders
        WHERE ordered_at < {end} GROUP BY 1""").to_arrow_table()
    con.execute(f"""SELECT o.customer_id, i.product_id, count(*), min(o.ordered_at) FROM order_items i
        JOIN orders o USING (order_id) WHERE o.ordered_at < {end} GROUP BY 1, 2""").to_arrow_table()
    con.execute(f"""SELECT customer_id, hour(occurred_at), count(*) FROM events
        WHERE occurred_at < {end} GROUP BY 1, 2""").to_arrow_table()


def measure(customers: int) -> dict:
    from regulars.scores import RecommendScorer, TimingScorer
    from regulars.segments import SegmentScorer

    started = time.perf_counter()
    path = make_shop(customers)
    con, ctx = context(path)
    print(f"  {customers:,} customers: data and features ready in {time.perf_counter() - started:.0f}s", flush=True)
    out = {"customers": customers}
    t0 = time.perf_counter()
    bare(con)
    out["bare"] = time.perf_counter() - t0
    total = 0.0
    for scorer in (TimingScorer(), SegmentScorer(), RecommendScorer()):  # the run's order
        t0 = time.perf_counter()
        scored = scorer.score(ctx)
        out[scorer.name] = time.perf_counter() - t0
        total += out[scorer.name]
        ctx.scored[scorer.name] = scored.frame
        print(f"    {scorer.name}: {out[scorer.name]:.1f}s", flush=True)
    out["ours"] = total
    out["peak_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    con.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    args = parser.parse_args()
    rows = []
    for customers in args.sizes:  # each size in a fresh process would be cleaner; peak memory is cumulative
        rows.append(measure(customers))
    print(f"{'customers':>10} {'orders':>11} {'bare s':>7} {'timing':>7} {'segments':>9} {'recommend':>10} "
          f"{'ours s':>7} {'ratio':>6} {'peak GB':>8}")
    for r in rows:
        print(f"{r['customers']:>10,} {r['customers'] * 20:>11,} {r['bare']:>7.1f} {r['timing']:>7.1f} "
              f"{r['segments']:>9.1f} {r['recommend']:>10.1f} {r['ours']:>7.1f} {r['ours'] / r['bare']:>5.1f}x "
              f"{r['peak_gb']:>8.1f}")
    print("target: segments, recommendations and timing within 3x the bare aggregate at 1M customers")


if __name__ == "__main__":
    main()
