"""Events act at once under `regulars serve`, and a server killed mid-burst loses and doubles
nothing: the client sends again what was not acknowledged, the restarted server reacts to the
batches the dead one had stored but not reacted to, and nobody gets a second cart reminder."""

from __future__ import annotations

import json
import signal
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone

import duckdb
import pytest

from regulars import app
from tests.api.test_serve import start

pytestmark = pytest.mark.subprocess


def _post(url: str, key: str, events: list[dict]) -> bool:
    request = urllib.request.Request(f"{url}/api/v1/events", data=json.dumps({"events": events}).encode(),
                                     headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status == 200
    except (OSError, urllib.error.URLError):
        return False


def test_a_burst_with_a_sigkill_in_it_is_stored_and_reacted_to_once(shop):
    path, keys = shop
    app.edit_playbooks(path, playbook="abandoned-cart", enabled=True, save=True)
    with duckdb.connect(str(path / "regulars.duckdb"), read_only=True) as con:
        customers = [r[0] for r in con.execute("SELECT customer_id FROM customers ORDER BY 1 LIMIT 200").fetchall()]
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    batches = [[{"customer_id": customers[(b * 20 + i) % 200], "id": f"burst-{b}-{i}", "occurred_at": now,
                 "event_type": "cart_abandon" if i % 4 == 0 else "page_view"} for i in range(20)]
               for b in range(12)]
    server, url = start(path)
    try:
        taken = [_post(url, keys["integrator"], batch) for batch in batches[:6]]
        server.send_signal(signal.SIGKILL)  # mid-burst: what it stored, it stored; the rest waits
        server.wait(timeout=30)
        server, url = start(path)
        # a client sends again everything it is not sure of: here, all of it
        assert all(_post(url, keys["integrator"], batch) for batch in batches)
        time.sleep(2)  # the last reaction
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
    assert all(taken)
    with duckdb.connect(str(path / "regulars.duckdb"), read_only=True) as con:
        stored = dict(con.execute("SELECT event_id, count(*) FROM events WHERE event_id LIKE 'burst-%' "
                                  "GROUP BY 1").fetchall())
        mark = con.execute("SELECT value FROM store_meta WHERE key = 'reacted_through_seq'").fetchone()[0]
        last = con.execute("SELECT max(seq) FROM batches").fetchone()[0]
        per_customer = con.execute(
            "SELECT customer_id, count(*) FROM (SELECT customer_id FROM outbox WHERE playbook = 'abandoned-cart' "
            "UNION ALL SELECT customer_id FROM messages WHERE playbook = 'abandoned-cart' AND variant = 'holdout') "
            "GROUP BY 1").fetchall()
        reactions = con.execute("SELECT count(*), sum(queued + held_out + waiting) FROM reactions").fetchone()
    assert len(stored) == 240 and set(stored.values()) == {1}
    assert int(mark) == last  # every batch reacted to
    assert per_customer and max(n for _, n in per_customer) == 1
    assert reactions[0] >= 2 and reactions[1] == len(per_customer)
