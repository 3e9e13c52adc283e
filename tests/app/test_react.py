"""Events act at once: what arrives after the first reaction is evaluated against the event and
ticket playbooks of its customers, through the daily plan's guards, and queued once; periodic
triggers stay with the daily plan."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from regulars import app
from regulars.store import open_workspace
from tests.app.test_playbooks import _switch_on
from tests.conftest import query


def _moment(workspace) -> datetime:
    cutoff = query(workspace, "SELECT max(cutoff) FROM runs")[0][0]
    return datetime.fromisoformat(str(cutoff)[:10]) + timedelta(days=20, hours=10)


def _cart(customer: str, at: datetime, hours: int = 1, n: int = 0) -> dict[str, str]:
    return {"customer_id": customer, "event_type": "cart_abandon", "event_id": f"cart-{customer}-{n}",
            "occurred_at": (at - timedelta(hours=hours)).isoformat()}


def test_an_event_queues_its_action_at_once_through_the_guards_and_only_once(bakery_run):
    _switch_on(bakery_run, ("abandoned-cart", "churn-win-back", "proactive-help"))
    at = _moment(bakery_run)
    first = app.react(bakery_run, at=at)
    assert first.started and first.queued == 0  # history before reacting began is the daily plan's
    assert app.react(bakery_run, at=at).batches == 0  # nothing new
    app.record(bakery_run, "events", [_cart("c1", at), _cart("c2", at, hours=3), _cart("c3", at, hours=30)])
    app.record(bakery_run, "orders", [{"order_id": "after-cart", "customer_id": "c2", "amount": 5,
                                       "ordered_at": (at - timedelta(hours=2)).isoformat()}])
    done = app.react(bakery_run, at=at)
    assert (done.batches, done.customers) == (2, 3)
    queued = query(bakery_run, "SELECT playbook, customer_id FROM outbox")  # no daily plan was queued
    held = query(bakery_run, "SELECT customer_id FROM messages WHERE playbook = 'abandoned-cart' "
                             "AND variant = 'holdout'")
    # c2 ordered after leaving the cart, c3 left it over a day ago; the win-back waits for the daily plan
    assert {c for _, c in queued} | {c for c, in held} == {"c1"}
    assert done.queued + done.held_out == 1 and {p for p, _ in queued} <= {"abandoned-cart"}
    assert query(bakery_run, "SELECT batches, customers, queued + held_out FROM reactions") == [(2, 3, 1)]

    app.record(bakery_run, "events", [_cart("c1", at)])  # the same event sent again: stored once, no new batch
    app.record(bakery_run, "events", [_cart("c1", at, hours=0, n=1)])  # a second cart: the cool-down holds it
    again = app.react(bakery_run, at=at + timedelta(minutes=5))
    assert again.batches == 1 and again.queued + again.held_out == 0
    assert query(bakery_run, "SELECT count(*) FROM events WHERE event_id LIKE 'cart-c1-%'") == [(2,)]
    plan = app.plan_playbooks(bakery_run, at=at + timedelta(minutes=10)).actions
    cart = plan[plan["playbook"] == "abandoned-cart"]
    assert list(cart["status"]) == ["held back"], cart.to_dict("records")  # the daily plan agrees


def test_a_customer_new_since_the_run_and_one_without_consent(bakery_run):
    path = _switch_on(bakery_run, ("abandoned-cart",))
    path.write_text(path.read_text().replace('unknown_consent: "yes"', 'unknown_consent: "no"'))
    at = _moment(bakery_run)
    app.react(bakery_run, at=at)
    app.record(bakery_run, "customers", [{"customer_id": "n1", "email": "n1@example.com", "consent_email": True},
                                         {"customer_id": "n2", "email": "n2@example.com", "consent_email": False}])
    app.record(bakery_run, "events", [_cart("n1", at), _cart("n2", at), _cart("c1", at)])
    done = app.react(bakery_run, at=at)
    assert done.customers == 3
    acted = {c for c, in query(bakery_run, "SELECT customer_id FROM outbox WHERE playbook = 'abandoned-cart' "
                                           "UNION SELECT customer_id FROM messages WHERE variant = 'holdout'")}
    assert acted == {"n1"}  # unknown to the run but agreed; n2 said no; c1's consent is unknown


def test_the_reactor_thread_reacts_and_says_what_it_queued(bakery_run):
    _switch_on(bakery_run, ("abandoned-cart",))
    said: list[str] = []

    def read(sql: str) -> list[tuple]:
        with open_workspace(bakery_run).store(read_only=True) as store:
            return store.con.execute(sql).fetchall()

    with app.serving(bakery_run, "http://127.0.0.1:1"):  # as `regulars serve` runs it
        stop = app.start_reactor(bakery_run, said.append, every=0.05)
        try:
            assert read("SELECT count(*) FROM store_meta WHERE key = 'reacted_through_seq'") == [(1,)]
            deadline = time.monotonic() + 30
            now = datetime.now(timezone.utc).replace(tzinfo=None)
            app.record(bakery_run, "events", [_cart(f"c{n}", now, hours=0) for n in range(1, 21)])
            while not read("SELECT count(*) FROM reactions")[0][0]:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        finally:
            stop.set()
    assert query(bakery_run, "SELECT batches, customers FROM reactions") == [(1, 20)]
    assert len(said) == 1 and all(s.startswith("reacted to 1 batch(es) of 20 customer(s)") for s in said)
