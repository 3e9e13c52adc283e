"""The crisis playbook on the demo shop: a planted burst of unhappy tickets raises the crisis
alert and queues the owner's notice, a pause and a reply task for each writer, every one waiting
for a person; approved and delivered, the pauses cancel the marketing waiting for the writers
(and nobody else's) and the next plan holds them back as after a complaint; a run again queues
nothing twice."""

from __future__ import annotations

from regulars import app
from regulars.playbooks import starter_yaml
from tests.conftest import query

MARKETING = """  win-back-test:
    trigger: {score: churn_probability, above: 0.3}
    holdout: 0.0
    action: {channel: email, template: nurture, priority: 80, cost: 0.05}
"""


def _playbooks(path, extra: str = "") -> None:
    text = starter_yaml(("crisis-response",))
    (path / "playbooks.yaml").write_text(text.replace("\nplaybooks:\n", "\nplaybooks:\n" + MARKETING + extra, 1))


def test_a_burst_of_unhappy_tickets_pauses_marketing_to_the_writers_once_approved(demo_copy, write):
    path = demo_copy
    _playbooks(path)
    app.run_playbooks(path)
    emailed = [r[0] for r in query(path, "SELECT DISTINCT customer_id FROM outbox WHERE channel = 'email' "
                                         "AND status = 'queued' ORDER BY 1")]
    others = [r[0] for r in query(path, "SELECT customer_id FROM customers ORDER BY 1")
              if r[0] not in emailed]
    writers = emailed[:12] + others[:18]
    assert len(emailed) > 20 and len(writers) == 30
    burst = "ticket_id,customer_id,opened_at,channel,category,status,text\n" + "".join(
        f"X{i},{c},2024-12-30 {9 + i % 8:02d}:00:00,email,delivery,open,"
        "Still waiting for my parcel - this is awful and nobody answers\n" for i, c in enumerate(writers))
    app.ingest(path, [write("burst.csv", burst)], table="tickets")
    ran = app.run(path)
    assert ("unhappy_texts", "up") in {(a["measure"], a["direction"]) for a in ran.new_alerts}
    crisis = query(path, "SELECT step, channel, customer_id, status, owner, body FROM outbox "
                         "WHERE playbook = 'crisis-response' ORDER BY step, customer_id")
    assert {r[3] for r in crisis} == {"needs approval"}  # every step waits for a person
    owner = [r for r in crisis if r[0] == 0]
    paused = {r[2] for r in crisis if r[0] == 1 and r[1] == "pause"}
    replies = [r for r in crisis if r[0] == 2]
    assert len(owner) == 1 and owner[0][4] == "owner" and owner[0][2] is None
    assert set(writers) <= paused and {r[2] for r in replies} == paused
    name = query(path, f"SELECT name FROM customers WHERE customer_id = '{writers[0]}'")[0][0]
    mine = next(r for r in replies if r[2] == writers[0])
    assert mine[1] == "task" and mine[4] == "support" and mine[5].startswith(f"Reply to {name} (")
    assert app.run(path).new_alerts == [] or query(  # a run again queues nothing twice
        path, "SELECT count(*) FROM outbox WHERE playbook = 'crisis-response'") == [(len(crisis),)]
    assert query(path, "SELECT count(*) FROM outbox WHERE playbook = 'crisis-response'") == [(len(crisis),)]

    complained = _held_for_complaint(path)  # before the pauses: the demo's own complaints
    app.decide_playbook(path, "crisis-response", "approve", expected=len(crisis), by="owner")
    delivered = app.deliver(path)
    assert delivered.outcomes["paused"] == len(paused)
    stopped = query(path, "SELECT customer_id, last_error FROM outbox WHERE channel = 'email' "
                          "AND status = 'cancelled' ORDER BY 1")
    assert [c for c, _ in stopped] == sorted(c for c in emailed if c in paused)
    assert {why for _, why in stopped} == {"paused by crisis-response"}
    assert query(path, "SELECT count(*) FROM outbox WHERE channel = 'email' AND status = 'sent'") == [
        (len([c for c in emailed if c not in paused]),)]
    assert query(path, "SELECT count(*) FROM messages WHERE channel = 'pause'") == [(0,)]
    # the next plan holds the writers back as after a complaint, and nobody else for the pauses
    plan = _plan(path)
    ours = plan.loc[[w for w in writers if w in plan.index]]
    assert (ours["status"] == "held back").all()  # for the pause, or for a reason that comes first (consent)
    newly = _held_for_complaint(path) - complained
    assert newly <= paused and len(newly & set(writers)) >= 10


def _plan(path):
    """The plan of a second marketing playbook, by customer."""
    _playbooks(path, MARKETING.replace("win-back-test", "second-test"))
    plan = app.plan_playbooks(path).actions
    return plan[plan["playbook"] == "second-test"].set_index("customer_id")


def _held_for_complaint(path) -> set[str]:
    plan = _plan(path)
    return set(plan.index[plan["guard"].fillna("").str.contains("complaint")])
