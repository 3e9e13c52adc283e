"""The business at a glance through the application layer: targets and their progress worked
out by hand, and on the demo shop a planted spike in tickets raising an alert, an audit entry
and the support lead's task, once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from regulars import app
from regulars.errors import NotFoundError, SettingsError
from tests.conftest import query

ORDERS = """order_id,customer_id,ordered_at,amount
A1,c1,2024-01-10,100
A2,c2,2024-02-10,200
A3,c3,2024-03-10,300
A4,c4,2024-04-30,400
"""


def test_a_target_s_progress_is_the_trend_of_the_last_months(workspace, write):
    app.ingest(workspace, [write("o.csv", ORDERS)], table="orders")
    # revenue 100, 200, 300, 400 in January to April: a straight line reaches 700 in July
    on = app.set_target(workspace, "revenue", 700, by="2024-07-15").targets
    assert [(t["measure"], t["current"], t["current_period"], t["projected"], t["on_track"], t["met"])
            for t in on] == [("revenue", 400.0, "2024-04", 700.0, True, False)]
    behind = app.set_target(workspace, "revenue", 800, by="2024-07-01").targets  # replaces the one before
    assert [(t["value"], t["on_track"]) for t in behind] == [(800.0, False)]
    # fewer churned is better: a churn rate target is met from above
    churn = {t["measure"]: t for t in app.set_target(workspace, "churn_rate", 1.0, by="2024-07-01").targets}
    assert churn["churn_rate"]["lower_is_better"] and churn["churn_rate"]["met"]
    assert len(app.targets(workspace).targets) == 2
    assert [t["measure"] for t in app.set_target(workspace, "revenue", None).targets] == ["churn_rate"]
    assert query(workspace, "SELECT action, detail->>'measure' FROM audit_log WHERE action LIKE '%target' "
                            "ORDER BY logged_at") == [("set a target", "revenue"), ("set a target", "revenue"),
                                                      ("set a target", "churn_rate"), ("cleared a target", "revenue")]


def test_a_target_is_refused_with_what_to_do(workspace, write):
    app.ingest(workspace, [write("o.csv", ORDERS)], table="orders")
    with pytest.raises(NotFoundError, match="no measure 'sales'; the measures are revenue, orders"):
        app.set_target(workspace, "sales", 10, by="2024-07-01")
    with pytest.raises(SettingsError, match="from 0 to 1"):
        app.set_target(workspace, "repeat_purchase_rate", 35, by="2024-07-01")
    with pytest.raises(SettingsError, match="needs the date"):
        app.set_target(workspace, "orders", 10)
    with pytest.raises(NotFoundError, match="no target to clear"):
        app.set_target(workspace, "orders", None)
    assert app.targets(workspace).targets == []


def _switch_on(path, playbook: str) -> None:
    text = (path / "playbooks.yaml").read_text()
    head, _, rest = text.partition(f"  {playbook}:\n")
    (path / "playbooks.yaml").write_text(head + f"  {playbook}:\n" + rest.replace("enabled: false", "enabled: true", 1))


def test_a_spike_in_tickets_raises_an_alert_and_the_support_lead_s_task_once(demo_copy, write):
    assert app.alerts(demo_copy).alerts == []  # the demo's days are ordinary
    _switch_on(demo_copy, "ticket-spike")
    spike = "ticket_id,customer_id,opened_at,channel,category,status,text\n" + "".join(
        f"S{i},C{i + 1:05d},2024-12-16 {9 + i % 8:02d}:00:00,email,delivery,open,Where is my parcel?\n"
        for i in range(30))
    app.ingest(demo_copy, [write("spike.csv", spike)], table="tickets")
    ran = app.run(demo_copy)
    # thirty "where is my parcel?" tickets are also thirty unhappy texts: the crisis watch speaks too
    # (the tickets, what they are about and the channel they came through)
    assert sorted((a["measure"], a["about"] or "", str(a["since"]), a["direction"]) for a in ran.new_alerts) == [
        ("tickets", "", "2024-12-16", "up"), ("unhappy_texts", "about parcel", "2024-12-16", "up"),
        ("unhappy_texts", "through email", "2024-12-16", "up"), ("unhappy_texts", "tickets", "2024-12-16", "up")]
    said = [a for a in app.alerts(demo_copy).alerts if a["measure"] == "tickets"]
    assert said[0]["words"].startswith("Support tickets up: ") and " on 2024-12-16, where " in said[0]["words"]
    assert said[0]["observed"] >= 30 > said[0]["high"]
    tasks = query(demo_copy, "SELECT playbook, channel, owner, customer_id, status, why FROM outbox "
                             "WHERE playbook = 'ticket-spike'")
    assert tasks == [("ticket-spike", "task", "support lead", None, "queued", said[0]["words"])]
    assert query(demo_copy, "SELECT count(*) FROM audit_log WHERE action = 'alert'") == [(len(ran.new_alerts),)]
    assert said[0]["words"] in [a["words"] for a in app.business(demo_copy).alerts]
    # a run again finds the same alert: nothing new, no second task
    assert app.run(demo_copy).new_alerts == []
    assert query(demo_copy, "SELECT count(*) FROM outbox WHERE playbook = 'ticket-spike'") == [(1,)]
    delivered = app.deliver(demo_copy)
    tasks = [f for f in delivered.files if "tasks-" in f]
    assert delivered.outcomes.get("sent", 0) >= 1 and len(tasks) == 1
    listed = open(tasks[0], encoding="utf-8-sig").read()
    assert "support lead" in listed and said[0]["words"] in listed
    # the run's mean predicted value is the predicted CLV of the month its data ends in
    cutoff, average = query(demo_copy, "SELECT cutoff, CAST(json_extract(figures, '$.clv_average') AS DOUBLE) "
                                       "FROM runs ORDER BY created_at DESC LIMIT 1")[0]
    said = {row["period"]: row["predicted_clv"] for row in app.metrics(demo_copy, "predicted_clv", periods=48).series}
    assert said[(cutoff - timedelta(days=1)).replace(day=1)] == round(average, 2) > 0
    assert sum(v is not None for v in said.values()) == 1  # one cutoff, one month
