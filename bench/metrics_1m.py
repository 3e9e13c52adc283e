"""The shop's KPIs at scale: 1M customers and 20M purchases over 24 months, written straight into
a workspace's store (loading is measured by bench/run_1m.py). Prints, in one run:

- every KPI by month (``app.metrics``'s work: customers resolved to people, first purchases,
  retention against the month before, AOV, frequency) against a bare DuckDB aggregate of the
  same rows (revenue, orders and buyers per month, no resolution): the ratio (goal: within 3x);
- ``regulars metrics DIR --by month --periods 24 --json`` as a fresh process, start-up included;
- the Business page (``GET /business``, signed in) once the run's figures are kept: best of 5
  (goal: under 300 ms).

    .venv/bin/python bench/metrics_1m.py [--customers 1000000 --orders 20000000]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
import warnings
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import duckdb  # noqa: E402
from _data import WORK  # noqa: E402

REGULARS = str(Path(sys.executable).parent / "regulars")
BARE = """SELECT date_trunc('month', ordered_at) AS month, sum(amount) AS revenue, count(*) AS orders,
                 count(DISTINCT customer_id) AS buyers FROM purchases GROUP BY 1 ORDER BY 1"""


def workspace(customers: int, orders: int) -> Path:
    """A workspace whose store holds the customers and their purchases (made once)."""
    from regulars import app
    from regulars.store import keep_business, open_workspace

    path = WORK / f"metrics_{customers}_{orders}"
    if (path / ".made").exists():
        return path
    app.init(path)
    con = duckdb.connect(str(path / "regulars.duckdb"))
    con.execute(f"INSERT INTO customers (customer_id) SELECT 'C' || i FROM range({customers}) t(i)")
    con.execute(f"""INSERT INTO purchases (order_id, customer_id, ordered_at, amount, currency, channel)
        SELECT 'O' || i, CASE WHEN hash(i * 29) % 20 = 0 THEN NULL ELSE 'C' || (hash(i) % {customers}) END,
               TIMESTAMP '2023-01-01' + to_seconds(CAST(hash(i * 3) % 63072000 AS BIGINT)),
               round(5 + (hash(i * 5) % 20000) / 100.0, 2), 'GBP', 'web'
        FROM range({orders}) t(i)""")
    con.execute("INSERT INTO runs (run_id, created_at, cutoff, models, customers) VALUES "
                "('r0001', now(), DATE '2025-01-01', '{}', ?)", [customers])
    con.close()
    from regulars.app._business import _figures

    started = time.perf_counter()
    with open_workspace(path).store() as store:
        figures, _ = _figures(store, 90)
        keep_business(store, "r0001", figures)
    print(f"the run's business figures (KPIs, cohorts, journeys, forecasts, alerts): {time.perf_counter() - started:.1f}s")
    (path / ".made").touch()
    return path


def best_of(run, times: int = 3) -> float:
    best = float("inf")
    for _ in range(times):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def page_time(path: Path) -> float:
    """The Business page's best time of 5, signed in with an owner's key."""
    from fastapi.testclient import TestClient

    from regulars import app
    from regulars.web import create_site

    key = app.create_key(path, f"bench {datetime.now():%H%M%S}", "owner").key
    client = TestClient(create_site(path))
    token = re.search(r'name="token" value="([^"]+)"', client.get("/login").text)
    client.post("/login", data={"key": key, **({"token": token.group(1)} if token else {})})
    assert "The business at a glance" in client.get("/business").text
    return best_of(lambda: client.get("/business"), 5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=20_000_000)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    path = workspace(args.customers, args.orders)
    from regulars.app._metrics import kpi_rows
    from regulars.store import open_workspace

    con = duckdb.connect(str(path / "regulars.duckdb"), read_only=True)
    bare = best_of(lambda: con.execute(BARE).fetchall())
    con.close()
    with open_workspace(path).store(read_only=True) as store:
        ours = best_of(lambda: kpi_rows(store, "month"))
        months = len(kpi_rows(store, "month")[1])
    print(f"{args.customers:,} customers, {args.orders:,} purchases, {months} months")
    print(f"bare DuckDB aggregate (revenue, orders, buyers by month): {bare:.2f}s")
    print(f"every KPI by month (app.metrics's work):                 {ours:.2f}s   ratio {ours / bare:.1f}x "
          f"(goal: within 3x)")
    started = time.perf_counter()
    subprocess.run([REGULARS, "metrics", str(path), "--by", "month", "--periods", "24", "--json"], check=True,
                   stdout=subprocess.DEVNULL)
    print(f"regulars metrics DIR --periods 24 --json, a fresh process:  {time.perf_counter() - started:.2f}s")
    print(f"the Business page, best of 5:                             {page_time(path) * 1000:.0f} ms "
          f"(goal: under 300 ms)")


if __name__ == "__main__":
    main()
