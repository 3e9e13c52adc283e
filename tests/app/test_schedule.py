"""Scheduled work with a fake clock: each job at its time and once per slot; a run killed half
way leaves the previous run in place and is due again."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime
from types import SimpleNamespace

from regulars import app
from regulars.app._schedule import due_jobs, slots
from tests.conftest import query

SERVE = SimpleNamespace(daily_run_at="06:30", deliver_every_minutes=15, report_day="mon", report_at="08:00")


def test_slots_are_the_latest_times_each_job_fell_due():
    sunday_night = datetime(2026, 11, 29, 23, 50)
    assert slots(SERVE, sunday_night) == {"daily-run": datetime(2026, 11, 29, 6, 30),
                                          "deliver": datetime(2026, 11, 29, 23, 45),
                                          "weekly-report": datetime(2026, 11, 23, 8, 0)}
    monday = datetime(2026, 11, 30, 8, 0)
    assert slots(SERVE, monday)["weekly-report"] == monday
    early = datetime(2026, 11, 30, 6, 29)
    assert slots(SERVE, early)["daily-run"] == datetime(2026, 11, 29, 6, 30)  # today's is not due yet
    assert slots(SimpleNamespace(daily_run_at="", deliver_every_minutes=0, report_day="", report_at="08:00"),
                 early) == {}


def test_a_job_is_due_once_per_slot():
    now = datetime(2026, 11, 30, 6, 31)
    assert set(due_jobs(SERVE, {}, now)) == {"daily-run", "deliver", "weekly-report"}
    done = {"daily-run": datetime(2026, 11, 30, 6, 30), "deliver": datetime(2026, 11, 30, 6, 30),
            "weekly-report": datetime(2026, 11, 23, 8, 0)}
    assert due_jobs(SERVE, done, now) == {}
    assert due_jobs(SERVE, done, datetime(2026, 11, 30, 6, 45)) == {"deliver": datetime(2026, 11, 30, 6, 45)}
    assert due_jobs(SERVE, done, datetime(2026, 11, 30, 8, 0)) == {
        "deliver": datetime(2026, 11, 30, 8, 0), "weekly-report": datetime(2026, 11, 30, 8, 0)}


def _schedule(path, **settings):
    text = (path / "regulars.toml").read_text()
    for key, value in settings.items():
        text = re.sub(rf"(?m)^{key} = .*$", f"{key} = {value!r}".replace("'", '"'), text, count=1)
    (path / "regulars.toml").write_text(text)


def test_the_daily_run_and_the_report_run_at_their_times(shop):
    path, _ = shop
    _schedule(path, daily_run_at="06:30", report_day="mon", report_at="08:00")
    runs = query(path, "SELECT count(*) FROM runs")[0][0]
    before = app.run_due(path, datetime(2026, 11, 30, 6, 0))  # Monday 06:00: last week's report is due
    assert [j["job"] for j in before.jobs] == ["daily-run", "weekly-report"]  # yesterday's run not done yet
    assert query(path, "SELECT count(*) FROM runs")[0][0] == runs + 1
    assert (path / "reports" / "report-2026-11-23.html").exists()
    assert app.run_due(path, datetime(2026, 11, 30, 6, 29)).jobs == []  # nothing new before 06:30
    at_time = app.run_due(path, datetime(2026, 11, 30, 6, 30))
    assert [(j["job"], j["outcome"]) for j in at_time.jobs] == [("daily-run", "done")]
    assert "actions queued" in at_time.jobs[0]["detail"]
    assert app.run_due(path, datetime(2026, 11, 30, 7, 59)).jobs == []
    assert [j["job"] for j in app.run_due(path, datetime(2026, 11, 30, 8, 0)).jobs] == ["weekly-report"]
    assert query(path, "SELECT job, outcome FROM schedule_log ORDER BY started_at, job") == [
        ("daily-run", "done"), ("weekly-report", "done"), ("daily-run", "done"), ("weekly-report", "done")]


KILLED = """
import sys
from datetime import datetime
from regulars import app
app.run_due(sys.argv[1], datetime(2026, 11, 30, 6, 30))
"""


def test_a_run_killed_half_way_leaves_the_previous_run_and_is_due_again(shop):
    path, _ = shop
    _schedule(path, daily_run_at="06:30")
    latest = query(path, "SELECT run_id FROM runs ORDER BY created_at DESC LIMIT 1")
    env = {**os.environ, "REGULARS_FAULT": "run-storing"}
    killed = subprocess.run([sys.executable, "-c", KILLED, str(path)], env=env, capture_output=True, timeout=300)
    assert killed.returncode == -9
    assert query(path, "SELECT run_id FROM runs ORDER BY created_at DESC LIMIT 1") == latest
    assert query(path, "SELECT job, outcome FROM schedule_log") == [("daily-run", "started")]
    again = app.run_due(path, datetime(2026, 11, 30, 6, 31))
    assert [(j["job"], j["outcome"]) for j in again.jobs] == [("daily-run", "done")]
    assert query(path, "SELECT run_id FROM runs ORDER BY created_at DESC LIMIT 1") != latest


def test_a_failing_job_is_logged_with_its_reason_and_the_others_run(shop):
    path, _ = shop
    _schedule(path, deliver_every_minutes=10, report_day="mon", report_to="owner@example.com")
    done = app.run_due(path, datetime(2026, 11, 30, 9, 5))
    outcomes = {j["job"]: (j["outcome"], j["detail"]) for j in done.jobs}
    assert outcomes["weekly-report"][0] == "failed" and "smtp_host" in outcomes["weekly-report"][1]
    assert outcomes["deliver"][0] == "done"
    assert app.run_due(path, datetime(2026, 11, 30, 9, 6)).jobs == []  # not retried within the same slot
