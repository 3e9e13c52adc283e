"""A whole ``regulars run`` at scale, as a user runs it: 1M customers, 20M orders and 50M events
loaded through ``regulars ingest`` (built once under bench/_work), then ``regulars run`` as a fresh
process, with the time of each stage and the peak memory. Goal: under 2 minutes and 8 GB.

    .venv/bin/python bench/run_1m.py [--customers 1000000 --orders 20000000 --events 50000000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import duckdb  # noqa: E402
from _data import WORK  # noqa: E402
from features import make_store  # noqa: E402

REGULARS = str(Path(sys.executable).parent / "regulars")

STAGES = """
import sys, time
from regulars import app
start = last = time.perf_counter()
def step(what):
    global last
    now = time.perf_counter()
    print(f"  {now - start:6.1f}s  (+{now - last:5.1f}s)  {what}", flush=True)
    last = now
result = app.run(sys.argv[1], step=step)
step("done: " + ", ".join(f"{k} skipped ({v[:60]})" for k, v in result.skipped.items()) if result.skipped else "done")
"""


def timed(args: list[str], quiet: bool = True) -> tuple[float, float]:
    """Seconds and peak memory (GB) of a fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL if quiet else None)
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"failed: {' '.join(args)}")
    return time.perf_counter() - start, usage.ru_maxrss / 1024 / 1024


def workspace(customers: int, orders: int, events: int) -> Path:
    """The workspace with the data loaded through ``regulars ingest`` (made once, its store kept
    as loaded beside it: each measured run starts from that, not from the runs before it)."""
    path = WORK / f"run_{customers}_{orders}_{events}"
    if (path / ".loaded").exists() and _loaded(path).exists():
        return path
    shutil.rmtree(path, ignore_errors=True)
    source = make_store(customers, orders, events)
    con = duckdb.connect(str(source), read_only=True)
    files = {}
    for table in ("orders", "events"):
        files[table] = WORK / f"{source.stem}_{table}.parquet"
        if not files[table].exists():
            con.execute(f"COPY {table} TO '{files[table]}' (FORMAT parquet)")
    con.close()
    timed([REGULARS, "init", str(path)])
    for table, file in files.items():
        seconds, peak = timed([REGULARS, "ingest", str(path), str(file), "--table", table])
        print(f"ingest {table}: {seconds:.0f}s, peak {peak:.1f} GB", flush=True)
    shutil.copyfile(path / "regulars.duckdb", _loaded(path))
    (path / ".loaded").touch()
    return path


def _loaded(path: Path) -> Path:
    return path.parent / f"{path.name}.loaded.duckdb"


def fresh(path: Path) -> None:
    """The store as loaded, no run in it yet, and no models: a cold run of a new shop."""
    shutil.copyfile(_loaded(path), path / "regulars.duckdb")
    shutil.rmtree(path / "models", ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=20_000_000)
    parser.add_argument("--events", type=int, default=50_000_000)
    args = parser.parse_args()
    started = time.perf_counter()
    path = workspace(args.customers, args.orders, args.events)
    print(f"workspace {path.name} ready in {time.perf_counter() - started:.0f}s", flush=True)
    fresh(path)
    print("stages of a cold run (time since start, time of the stage):", flush=True)
    timed([sys.executable, "-c", STAGES, str(path)], quiet=False)
    fresh(path)
    seconds, peak = timed([REGULARS, "run", str(path)])
    print(f"regulars run (cold, fresh process): {seconds:.0f}s, peak memory {peak:.1f} GB (goal under 120 s, 8 GB)")
    seconds, peak = timed([REGULARS, "run", str(path)])
    print(f"regulars run again (models kept, nothing new): {seconds:.0f}s, peak memory {peak:.1f} GB")


if __name__ == "__main__":
    main()
