"""Ingest benchmark: regulars' full load vs a bare DuckDB read_csv + INSERT of the same file.

Each measurement runs in its own process, so its peak memory (max RSS) is its own. Ratios
are computed from times measured in this same run, on this machine. Usage:

    make bench                      # UCI Online Retail + synthetic 10M-row orders
    .venv/bin/python bench/run.py --rows 1000000   # a smaller synthetic file
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import ONLINE_RETAIL, synthetic_orders  # noqa: E402

BARE = """
import sys, time, duckdb
path, db = sys.argv[1], sys.argv[2]
start = time.perf_counter()
con = duckdb.connect(db)
con.execute("SET enable_progress_bar = false")
con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{path}') LIMIT 0")
con.execute(f"INSERT INTO t SELECT * FROM read_csv('{path}')")
rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
con.close()
print(time.perf_counter() - start, rows)
"""

REGULARS = """
import sys, time
from regulars import app
path, workspace, table, preset = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] or None
app.init(workspace)
start = time.perf_counter()
(r,) = app.ingest(workspace, [path], table=table or None, preset_name=preset).loads
assert r.rows_read == r.rows_accepted + r.rows_anonymous + r.rows_quarantined
print(time.perf_counter() - start, r.rows_read)
"""


def measure(code: str, *args: str) -> tuple[float, int, float]:
    """Run ``code`` in a fresh interpreter; returns (seconds it reports, rows, peak RSS in MB)."""
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    out = proc.stdout.read()
    if status != 0:
        raise SystemExit(f"benchmark step failed: {args}\n{out}")
    seconds, rows = out.split()[-2:]
    return float(seconds), int(rows), usage.ru_maxrss / 1024


def bench_file(label: str, path: Path, table: str, preset: str, repeat: int) -> dict:
    best_bare = best_ours = None
    for _i in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            bare = measure(BARE, str(path), str(Path(tmp) / "bare.duckdb"))
            ours = measure(REGULARS, str(path), str(Path(tmp) / "ws"), table, preset)
        best_bare = bare if best_bare is None or bare[0] < best_bare[0] else best_bare
        best_ours = ours if best_ours is None or ours[0] < best_ours[0] else best_ours
    result = {
        "data": label, "rows": best_ours[1],
        "bare_duckdb_s": round(best_bare[0], 2), "regulars_s": round(best_ours[0], 2),
        "ratio": round(best_ours[0] / best_bare[0], 2),
        "bare_peak_mb": round(best_bare[2]), "regulars_peak_mb": round(best_ours[2]),
    }
    print(f"{label:32s} rows {result['rows']:>11,}  bare {result['bare_duckdb_s']:7.2f}s  "
          f"regulars {result['regulars_s']:7.2f}s  ratio {result['ratio']:5.2f}x  "
          f"peak {result['regulars_peak_mb']:,} MB (bare {result['bare_peak_mb']:,} MB)", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="synthetic orders rows")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the best is kept")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    print("ingest: full load (validation, quarantine, identity, batch bookkeeping) / bare DuckDB load")
    started = time.perf_counter()
    orders = synthetic_orders(args.rows, args.customers)
    print(f"(synthetic file ready in {time.perf_counter() - started:.1f}s: {orders})")
    results = [
        bench_file("UCI Online Retail (preset)", ONLINE_RETAIL, "", "online-retail", args.repeat),
        bench_file(f"synthetic orders ({args.rows:,})", orders, "orders", "", args.repeat),
    ]
    print("target: ratio <= 3x, peak memory < 2,048 MB")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
