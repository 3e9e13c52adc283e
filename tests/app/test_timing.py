"""Best time applied and measured: a playbook split between timings queues half of its
messages for each customer's best hour and half for when planned, the outbox keeps which, and
the results compare the two once their windows close."""

from __future__ import annotations

from datetime import datetime, timedelta

from regulars import app
from tests.conftest import query

PLAYBOOKS = """guards:
  unknown_consent: "yes"
  email_hours: 1
playbooks:
  nudge:
    trigger: {score: p_alive, above: 0.0}
    timing: split
    holdout: 0.2
    action: {channel: email, template: t, cost: 0.1}
templates:
  t: {subject: "Hello", body: "Hello {{ name }}"}
"""


def test_a_split_playbook_is_queued_half_each_way_and_measured(bakery_run):
    (bakery_run / "playbooks.yaml").write_text(PLAYBOOKS)
    app.record(bakery_run, "customers", [{"customer_id": f"c{n}", "email": f"c{n}@example.com"} for n in range(50)],
               mode="upsert")
    cutoff = query(bakery_run, "SELECT max(cutoff) FROM runs")[0][0]
    at = datetime.fromisoformat(str(cutoff)[:10]) + timedelta(days=1, hours=10)
    app.run_playbooks(bakery_run, at=at)
    timing = dict(query(bakery_run, "SELECT timing, count(*) FROM outbox GROUP BY 1"))
    assert set(timing) == {"best", "fixed"} and min(timing.values()) >= 10
    fixed = query(bakery_run, "SELECT DISTINCT deliver_at FROM outbox WHERE timing = 'fixed'")
    assert fixed == [(at,)]  # 10:00 UTC is outside the quiet hours: when planned
    app.deliver(bakery_run)
    # half of the fixed-time customers order in the window, none of the others; then a later order closes it
    orders = [{"order_id": f"after-{c}", "customer_id": c, "amount": 5,
               "ordered_at": (at + timedelta(days=2)).isoformat()}
              for n, (c,) in enumerate(query(bakery_run, "SELECT customer_id FROM outbox WHERE timing = 'fixed' "
                                                         "ORDER BY 1")) if n % 2 == 0]
    orders.append({"order_id": "late", "customer_id": "c1", "amount": 5,
                   "ordered_at": (at + timedelta(days=40)).isoformat()})
    app.record(bakery_run, "orders", orders)
    (nudge,) = app.playbook_results(bakery_run).playbooks
    assert (nudge["timing"]["best"], nudge["timing"]["fixed"]) == (timing["best"], timing["fixed"])
    assert nudge["timing"]["effect"]["treated"] == 0 and nudge["timing"]["effect"]["holdout"] > 0.4
    assert "the planned time converted more" in nudge["timing"]["sentence"]
