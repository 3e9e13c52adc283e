"""Message engagement on a hand-made shop: a campaign and a playbook's email and SMS, each
response credited to the latest message on its channel before it, within the days counted."""

from __future__ import annotations

import pytest

from regulars import app
from regulars.errors import InsufficientDataError

MESSAGES = """message_id,customer_id,sent_at,channel,campaign_id,playbook,variant
m1,c1,2024-03-01 09:00,email,spring,,
m2,c2,2024-03-01 09:00,email,spring,,
m3,c3,2024-03-01 09:00,email,spring,,
m4,c1,2024-03-04 09:00,email,,win-back,treatment
m5,c2,2024-03-04 09:00,email,,win-back,holdout
m6,c3,2024-03-04 09:00,SMS,,win-back,treatment
"""
EVENTS = """customer_id,occurred_at,event_type
c1,2024-03-01 10:00,email_open
c1,2024-03-05 10:00,email_open
c1,2024-03-05 10:01,email_click
c2,2024-03-01 09:01,email_bounce
c3,2024-03-02 12:00,email_open
c3,2024-03-03 12:00,spam_report
c3,2024-03-04 10:00,sms_click
c3,2024-03-20 10:00,email_unsubscribe
c2,2024-03-12 10:00,email_open
"""


def test_each_response_counts_once_for_the_latest_message_before_it(workspace, write):
    with pytest.raises(InsufficientDataError, match="no email or SMS messages"):
        app.messages(workspace)
    app.ingest(workspace, [write("messages.csv", MESSAGES)], table="messages")
    app.ingest(workspace, [write("events.csv", EVENTS)], table="events")
    rows = {(r["name"], r["channel"]): r for r in app.messages(workspace).rows}
    assert list(rows) == [("win-back", "email"), ("win-back", "sms"), ("spring", "email")]  # playbooks first
    spring = rows["spring", "email"]
    # c2's bounced; c1 opened the 1st (the open on the 5th is the playbook's); c3 opened and marked it spam;
    # c3's unsubscribe 19 days on and c2's open 11 days on are too late
    assert (spring["sent"], spring["bounced"], spring["delivered"]) == (3, 1, 2)
    assert (spring["opened_rate"], spring["clicked_rate"], spring["complained_rate"]) == (1, 0, 0.5)
    assert spring["unsubscribed_rate"] == 0 and spring["complained_rate_of"]["n"] == 2
    email = rows["win-back", "email"]  # the holdout's record is no message
    assert (email["sent"], email["opened"], email["clicked"]) == (1, 1, 1)
    sms = rows["win-back", "sms"]  # an SMS is never opened: no rate for it
    assert (sms["sent"], sms["clicked_rate"]) == (1, 1) and "opened_rate" not in sms
    assert {r["name"] for r in app.messages(workspace, days=30).rows} == {"spring", "win-back"}
    assert app.messages(workspace, days=30).rows[2]["unsubscribed"] == 1  # with 30 days, c3's unsubscribe counts
