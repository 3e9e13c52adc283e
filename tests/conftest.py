"""Shared fixtures: workspaces, file writers and a store snapshot for "nothing changed" checks."""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb
import pytest

from regulars import app
from regulars.schema import CONTRACTS

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

TABLES = (*CONTRACTS, "batches", "quarantine", "identity_links")


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


ROLES = ("owner", "analyst", "integrator", "read-only")


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
