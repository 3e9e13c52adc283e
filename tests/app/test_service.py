"""Service operations through the application: tickets and their Zendesk history loaded as a shop
would load them, measured against its [service] settings; unanswered tickets become tasks."""

from __future__ import annotations

import pytest

from regulars import app
from regulars.errors import InsufficientDataError, SettingsError
from tests.conftest import SHARED_DATA, query

HISTORY = SHARED_DATA / "zendesk_dbt_seeds" / "seeds" / "ticket_field_history_data.csv.gz"
#: Ticket 11071 of the seeds, and two more: one answered in an hour, one still waiting for its
#: first reply.
TICKETS = """ticket_id,customer_id,opened_at,first_response_at,channel,category,priority,status,text,assignee
11071,earnest@example.com,2020-11-20 10:00:00,,web,incident,urgent,closed,Where is my order,Sam
2,ann@example.com,2020-11-14 09:00:00,2020-11-14 10:00:00,email,question,normal,open,Size exchange,Sam
3,bob@example.com,2020-11-13 12:00:00,,email,question,low,open,Still waiting for a refund,
"""


def settings(workspace, text: str) -> None:
    path = workspace / "regulars.toml"
    path.write_text(path.read_text().replace('hours = "mon-fri 09:00-17:00"', text))


def test_service_from_zendesk_history_with_calendar_slas(workspace, write):
    settings(workspace, 'hours = "always"')
    path = workspace / "regulars.toml"
    path.write_text(path.read_text().replace("requester_wait = {}", "requester_wait = { normal = 1920.0 }")
                    .replace("first_reply = { urgent = 60.0, high = 240.0, normal = 480.0, low = 960.0 }",
                             "first_reply = { normal = 960.0, low = 120.0 }"))
    tickets = write("tickets.csv", TICKETS.replace("2020-11-20 10:00:00", "2020-08-28 18:06:36"))
    app.ingest(workspace, [tickets], table="tickets")
    loaded = app.ingest(workspace, [HISTORY], preset_name="zendesk-ticket-history")
    assert loaded.loads[0].rows_accepted == 38
    found = app.service(workspace)
    assert found.as_of == "2020-11-15 11:01"  # the history's last change
    normal = {r["group"]: r for r in found.by_priority}["normal"]  # 11071 was normal when opened
    assert normal["tickets"] == 2 and normal["requester_wait_breached"] == 1
    assert normal["first_reply_breached"] == 1 and normal["first_reply_achieved"] == 1
    assert {r["group"]: r for r in found.by_priority}["low"]["first_reply_breached"] == 1
    assert found.overall["requester_wait_hours"] == pytest.approx(72_000 / 60)
    assert [u["ticket_id"] for u in found.unanswered] == ["3"]
    assert found.unanswered_count == 1 and found.unanswered[0]["waited_hours"] > 24
    assert not any("status history" in c for c in found.cannot)
    # the export's "assignee" is the ticket's agent
    assert [(r["group"], r["tickets"]) for r in found.by_agent] == [("Sam", 2), ("not given", 1)]


def test_unanswered_tickets_become_tasks_once(workspace, write):
    app.ingest(workspace, [write("tickets.csv", TICKETS)], table="tickets")
    app.run(workspace)
    # as of the data's latest time (ticket 11071 opened 20 Nov 10:00): ticket 3 has waited 6 days
    # and 11071 is closed
    tasks = query(workspace, "SELECT customer_id, channel, owner, status, subject FROM outbox")
    assert [t[:4] for t in tasks] == [("bob@example.com", "task", "support lead", "queued")]
    assert tasks[0][4].startswith("Reply to ticket 3: no first reply since 13 Nov 2020 12:00")
    app.run(workspace)  # a run again queues nothing twice
    assert query(workspace, "SELECT count(*) FROM outbox") == [(1,)]


def test_service_says_what_it_cannot_measure_and_refuses_bad_settings(workspace, write):
    with pytest.raises(InsufficientDataError, match="no support tickets"):
        app.service(workspace)
    tickets = write("tickets.csv", "ticket_id,customer_id,opened_at\nt1,c1,2024-01-01 10:00\n")
    app.ingest(workspace, [tickets], table="tickets")
    found = app.service(workspace)
    assert any(c.startswith("first reply times") for c in found.cannot)
    assert any(c.startswith("wait times") for c in found.cannot)
    assert found.unanswered_count == 0  # no reply times at all: every ticket would look unanswered
    with pytest.raises(SettingsError, match="--by"):
        app.service(workspace, by="year")
    settings(workspace, 'hours = "weekdays"')
    with pytest.raises(SettingsError, match=r"service.hours: 'weekdays'"):
        app.service(workspace)
    assert query(workspace, "SELECT count(*) FROM tickets") == [(1,)]
