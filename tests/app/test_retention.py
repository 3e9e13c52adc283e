"""Rows past the retention settings are removed by the run, counted, and logged as a count."""

from __future__ import annotations

from datetime import datetime, timezone

import duckdb

from regulars import app


def _count(path, sql):
    con = duckdb.connect(str(path / "regulars.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def test_the_run_removes_old_events_and_messages_and_says_how_many(demo_copy):
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    days = (now - datetime(2024, 7, 1)).days
    events_before = _count(demo_copy, f"SELECT count(*) FROM events WHERE occurred_at < now()::TIMESTAMP - INTERVAL {days} DAY")
    messages_before = _count(demo_copy, f"SELECT count(*) FROM messages WHERE sent_at < now()::TIMESTAMP - INTERVAL {days} DAY")
    total_events = _count(demo_copy, "SELECT count(*) FROM events")
    assert 0 < events_before < total_events and messages_before > 0
    settings = demo_copy / "regulars.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("keep_events_days = 0", f"keep_events_days = {days}")
                        .replace("keep_messages_days = 0", f"keep_messages_days = {days}"), encoding="utf-8")
    version = _count(demo_copy, "SELECT count(*) FROM audit_log WHERE action = 'retention'")
    result = app.run(demo_copy)
    assert result.expired == {"events": events_before, "messages": messages_before}
    assert _count(demo_copy, "SELECT count(*) FROM events") == total_events - events_before
    assert _count(demo_copy, "SELECT count(*) FROM audit_log WHERE action = 'retention'") == version + 1
    assert result.models["churn"].get("reused") is None  # the data changed: the models learned again
    assert app.run(demo_copy).expired == {}  # nothing more to remove the same day
