"""Each guard on its own: what it holds back, what it lets through, and its boundaries."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from regulars.playbooks import (
    GLOBAL_CONTROL,
    consented,
    deferred_from_quiet_hours,
    in_holdout,
    recent_sends,
    shop_cap,
    suppressed,
    zone_for,
)

NOW = datetime(2025, 3, 10, 12, 0)


def test_holdout_is_deterministic_per_playbook_and_near_its_share():
    ids = [f"C{i}" for i in range(20_000)]
    first = in_holdout(ids, "win-back", 0.1)
    assert (first == in_holdout(list(reversed(ids)), "win-back", 0.1)[::-1]).all()  # order does not matter
    assert 0.09 < first.mean() < 0.11
    other = in_holdout(ids, "welcome", 0.1)
    assert 0.005 < (first & other).mean() < 0.015  # independent draws per playbook
    assert not in_holdout(ids, "win-back", 0.0).any()
    assert (in_holdout(ids, "win-back", 0.2) >= first).all()  # a larger share keeps the held-out ones out
    assert 0.04 < in_holdout(ids, GLOBAL_CONTROL, 0.05).mean() < 0.06
    with pytest.raises(ValueError, match="holdout share"):
        in_holdout(ids, "win-back", 1.0)


def test_consent_per_channel_and_an_unanswered_topic():
    consent = [True, False, None]
    assert consented("email", consent).tolist() == [True, False, False]
    assert consented("email", consent, unknown_is_yes=True).tolist() == [True, False, True]
    assert consented("task", consent).all()  # a task for a person messages nobody


def test_recent_sends_over_a_window():
    sent = pd.DataFrame({"customer_id": ["a", "b", "b", "c", "d"], "channel": ["email", "email", "email", "sms", "email"],
                         "variant": ["treatment", "treatment", "treatment", "treatment", "holdout"],
                         "sent_at": [NOW - timedelta(hours=15, minutes=59), NOW - timedelta(hours=16),
                                     NOW - timedelta(hours=30), NOW - timedelta(hours=1), NOW - timedelta(hours=1)]})
    # one marketing email per 16 hours: a's came 15:59 ago (counts), b's 16:00 ago (free again);
    # c's was a text; d was held out (recorded, not sent)
    assert recent_sends(["a", "b", "c", "d"], "email", sent, NOW, timedelta(hours=16)).tolist() == [1, 0, 0, 0]
    assert recent_sends(["b"], "email", sent, NOW, timedelta(hours=48)).tolist() == [2]
    later = pd.DataFrame({"customer_id": ["e"], "channel": ["email"], "variant": ["treatment"],
                          "sent_at": [NOW + timedelta(hours=9)]})  # queued for e's best hour tonight
    assert recent_sends(["e"], "email", later, NOW, timedelta(hours=16)).tolist() == [1]


def test_shop_cap_keeps_the_highest_priority_then_value():
    assert shop_cap([10, 50, 50, 20], [0, 1, 2, 9], 2).tolist() == [False, True, True, False]
    assert shop_cap([50, 50, 50], [1, 3, 2], 1).tolist() == [False, True, False]
    with pytest.raises(ValueError, match="at least 1"):
        shop_cap([1], [1], 0)


def test_quiet_hours_defer_to_the_morning_in_the_customers_zone():
    zones = zone_for(["GB", "JP", None, "xx"], "Europe/Berlin")
    assert zones == ["Europe/London", "Asia/Tokyo", "Europe/Berlin", "Europe/Berlin"]
    late = datetime(2025, 3, 10, 22, 30)  # UTC: 22:30 in London, 07:30 next day in Tokyo, 23:30 in Berlin
    london, tokyo, berlin, _ = deferred_from_quiet_hours(late, zones)
    assert london == datetime(2025, 3, 11, 8, 0)
    assert tokyo == datetime(2025, 3, 10, 23, 0)  # 08:00 in Tokyo
    assert berlin == datetime(2025, 3, 11, 7, 0)
    assert deferred_from_quiet_hours(datetime(2025, 3, 10, 10, 0), zones) == [None] * 4  # daytime everywhere
    # the boundaries in London (UTC+0 in March): 20:59 and 08:00 are fine, 21:00 and 07:59 wait
    edges = [datetime(2025, 3, 10, 20, 59), datetime(2025, 3, 10, 21, 0), datetime(2025, 3, 11, 7, 59),
             datetime(2025, 3, 11, 8, 0)]
    assert [deferred_from_quiet_hours(t, ["Europe/London"])[0] for t in edges] == [
        None, datetime(2025, 3, 11, 8, 0), datetime(2025, 3, 11, 8, 0), None]


def test_suppression_after_a_purchase_or_a_complaint():
    orders = [NOW - timedelta(days=2), NOW - timedelta(days=4), None, None]
    complaints = [None, None, NOW - timedelta(days=13), NOW - timedelta(days=15)]
    got = suppressed(orders, complaints, NOW, timedelta(days=3), timedelta(days=14))
    assert got.tolist() == [True, False, True, False]
    assert np.asarray(got).dtype == bool
