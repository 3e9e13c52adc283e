"""What a user waits for at the command line, timed as fresh processes (start-up included).

- start-up: ``regulars --help``, ``--version`` and ``status`` (median of several runs; goal < 0.3 s);
- ingest: ``regulars ingest`` of UCI Online Retail as a user runs it, beside a fresh Python process
  that loads the same file into DuckDB with a bare ``read_csv`` (goal: within 3x), measured in
  the same run, interleaved, best of each.

    .venv/bin/python bench/cli.py [--runs 7] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import ONLINE_RETAIL  # noqa: E402

BIN = Path(sys.executable).parent
REGULARS = str(BIN / "regulars")

BARE = """
import sys, duckdb
path, db = sys.argv[1], sys.argv[2]
con = duckdb.connect(db)
con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{path}', all_varchar = true)")
print(con.execute("SELECT count(*) FROM t").fetchone()[0])
"""


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(args)}\n{done.stdout}\n{done.stderr}")
    return seconds


def startup(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        shop = Path(tmp) / "shop"
        timed([REGULARS, "init", str(shop)])
        timed([REGULARS, "ingest", str(shop), str(Path(__file__).resolve().parents[1] / "tests" / "fixtures" /
                                                  "shopify_orders.csv"), "--preset", "shopify-orders"])
        for name, args in (("--help", ["--help"]), ("--version", ["--version"]), ("status", ["status", str(shop)])):
            times = [timed([REGULARS, *args]) for _ in range(runs)]
            print(f"regulars {name:10s} median {statistics.median(times):.3f} s  (min {min(times):.3f}, "
                  f"max {max(times):.3f}, {runs} runs; goal < 0.3 s)", flush=True)


def ingest(repeat: int) -> None:
    bare, ours = [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            bare.append(timed([sys.executable, "-c", BARE, str(ONLINE_RETAIL), str(Path(tmp) / "bare.duckdb")]))
            shop = Path(tmp) / "shop"
            timed([REGULARS, "init", str(shop)])
            ours.append(timed([REGULARS, "ingest", str(shop), str(ONLINE_RETAIL), "--preset", "online-retail"]))
    print(f"ingest UCI Online Retail as a user runs it: regulars {min(ours):.2f} s (runs {', '.join(f'{t:.2f}' for t in ours)}) "
          f"vs bare DuckDB read_csv {min(bare):.2f} s (runs {', '.join(f'{t:.2f}' for t in bare)}) = "
          f"{min(ours) / min(bare):.2f}x (goal within 3x)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per start-up command")
    parser.add_argument("--repeat", type=int, default=3, help="ingest pairs; the best of each side is kept")
    args = parser.parse_args()
    startup(args.runs)
    ingest(args.repeat)


if __name__ == "__main__":
    main()
