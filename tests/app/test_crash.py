"""A load killed half-way leaves the store as it was; the next run loads the file exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from regulars import app
from tests.conftest import query, snapshot

pytestmark = pytest.mark.subprocess

SCRIPT = (
    "import sys; from regulars import app; "
    "app.ingest(sys.argv[1], [sys.argv[2]], table='orders')"
)


def _run(workspace, path, fault):
    env = {**os.environ, "REGULARS_FAULT": fault}
    return subprocess.run([sys.executable, "-c", SCRIPT, str(workspace), str(path)], env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("fault", ["mid_write", "before_commit"])
def test_killed_load_changes_nothing_and_reruns_once(loaded, write, fault):
    rows = "\n".join(f"K{i},c{i % 50},2024-01-{1 + i % 28:02d},{i % 90 + 1}" for i in range(5000))
    path = write("big_orders.csv", "order_id,customer_id,ordered_at,amount\n" + rows + "\nK1,c1,2024-01-01,1\n")
    before = snapshot(loaded)
    killed = _run(loaded, path, fault)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert snapshot(loaded) == before
    (result,) = app.ingest(loaded, [path], table="orders").loads
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (5001, 5000, 1)
    (again,) = app.ingest(loaded, [path], table="orders").loads
    assert again.already_loaded
    assert query(loaded, "SELECT count(*) FROM orders WHERE order_id LIKE 'K%'") == [(5000,)]
    assert query(loaded, "SELECT count(*) FROM batches") == [(2,)]
