"""Shared fixtures: workspaces, file writers and a store snapshot for "nothing changed" checks;
the markers a test gets from the fixtures it uses; Hypothesis profiles for the two speeds."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

# Under pytest-xdist the two workers share two cores: one compute thread each, or LightGBM's
# spinning OpenMP threads and Numba's pool fight over the cores (a run took three times as long).
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import duckdb  # noqa: E402
import pytest  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

from regulars import app
from regulars.schema import CONTRACTS

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

TABLES = (*CONTRACTS, "batches", "quarantine", "identity_links")

#: What a fixture makes a test: ``make check`` leaves out every test marked by one of these.
#: demo: builds or copies a scored demo shop; subprocess: starts processes; browser: drives
#: Chromium; slow: reads a public data set or fits models on one.
FIXTURE_MARKERS = {
    "demo_template": "demo", "demo_copy": "demo", "served_shop": "demo", "shop": "demo", "demo_shop": "demo", "truth_shop": "demo", "scored": "demo",
    "served": "subprocess", "browser": "browser",
    "online_retail": "slow", "cdnow_table": "slow", "cdnow_summary": "slow", "uci_lines": "slow",
    "hillstrom": "slow",
}

# Hypothesis: few examples in the quick loop, the tests' own counts in `make test`.
QUICK = os.environ.get("HYPOTHESIS_PROFILE") == "check"
hypothesis_settings.register_profile("check", max_examples=5)
hypothesis_settings.register_profile("test")
hypothesis_settings.load_profile("check" if QUICK else "test")


def examples(n: int) -> int:
    """A property test's number of examples: ``n`` in `make test`, a few in `make check`."""
    return min(n, 5) if QUICK else n


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for name in sorted({FIXTURE_MARKERS[f] for f in getattr(item, "fixturenames", ()) if f in FIXTURE_MARKERS}):
            item.add_marker(name)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    path = tmp_path / "shop"
    app.init(path)
    return path


@pytest.fixture
def write(tmp_path: Path):
    """write(name, text_or_bytes, encoding="utf-8") -> Path; ``.gz`` names are gzipped."""

    def _write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        data = content.encode(encoding) if isinstance(content, str) else content
        if name.endswith(".gz"):
            data = gzip.compress(data)
        path.write_bytes(data)
        return path

    return _write


def snapshot(workspace: Path) -> dict[str, tuple[int, str]]:
    """Row count and a content digest of every table, to show a store did not change."""
    con = duckdb.connect(str(workspace / "regulars.duckdb"), read_only=True)
    try:
        out = {}
        for table in TABLES:
            out[table] = con.execute(
                f"SELECT count(*), coalesce(md5(string_agg(CAST(t AS VARCHAR), '|' "
                f"ORDER BY CAST(t AS VARCHAR))), '') FROM {table} t"
            ).fetchone()
        return out
    finally:
        con.close()


def query(workspace: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(workspace / "regulars.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


ORDERS_CSV = """order_id,customer_id,ordered_at,amount,status
A1,c1,2024-01-05,10.50,completed
A2,c1,2024-02-05,20.00,paid
A3,c2,2024-03-01,15.00,
"""


@pytest.fixture
def loaded(workspace: Path, write) -> Path:
    """A workspace with one small orders batch already stored."""
    app.ingest(workspace, [write("seed_orders.csv", ORDERS_CSV)], table="orders")
    return workspace


ROLES = ("owner", "analyst", "integrator", "read-only", "site")


@pytest.fixture(scope="session")
def online_retail(tmp_path_factory) -> Path:
    """UCI Online Retail loaded with its preset, once per test run (per worker); tests that
    change it (a run) leave what the others read (sales) as it was."""
    path = tmp_path_factory.mktemp("uci") / "shop"
    app.init(path)
    app.ingest(path, [SHARED_DATA / "online_retail" / "online_retail.csv.gz"], preset_name="online-retail")
    return path


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """A scored demo shop of 400 customers, built once per test run (per worker): copy it
    (``demo_copy``) before changing it."""
    path = tmp_path_factory.mktemp("demo-template") / "shop"
    app.demo(path, customers=400, seed=5)
    return path


@pytest.fixture
def demo_copy(demo_template: Path, tmp_path: Path) -> Path:
    """A copy of the demo template this test may change."""
    import shutil

    copy = tmp_path / "demo"
    shutil.copytree(demo_template, copy)
    return copy


@pytest.fixture(scope="session")
def served_shop(tmp_path_factory):
    """A small demo shop, scored, with its playbooks' plan queued, and a key for each role."""
    from regulars import app

    path = tmp_path_factory.mktemp("served") / "shop"
    app.demo(path, customers=800, seed=5)
    app.run_playbooks(path, by="test")
    keys = {role: app.create_key(path, f"{role} key", role).key for role in ROLES}
    return path, keys


@pytest.fixture
def shop(served_shop, tmp_path):
    """A copy of the served shop each test may change, with its keys."""
    import shutil

    path, keys = served_shop
    copy = tmp_path / "shop"
    shutil.copytree(path, copy)
    return copy, keys
