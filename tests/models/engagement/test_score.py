"""The engagement score: points, decay, caps, tiers, and learned points."""

from __future__ import annotations

from datetime import date

import ibis
import numpy as np
import pandas as pd
import pytest

from regulars.models.engagement import EngagementScore, decayed_activity

EVENTS = pd.DataFrame({
    "customer_id": ["a", "a", "a", "b", "b", "c"],
    "occurred_at": pd.to_datetime(["2024-06-30", "2024-06-30", "2024-06-01", "2024-05-31", "2024-07-05", "2024-06-30"]),
    "event_type": ["demo_request", "pricing_view", "pricing_view", "pricing_view", "demo_request", "page_view"],
})


def activity(cutoff=date(2024, 7, 1), half_life=30.0):
    return decayed_activity(ibis.memtable(EVENTS), cutoff, half_life)


def test_decay_and_the_cutoff():
    act = activity()
    assert act.loc["a", "demo_request"] == pytest.approx(0.5 ** (1 / 30))
    assert act.loc["b", "pricing_view"] == pytest.approx(0.5 ** (31 / 30))  # 31 days old
    assert act.loc["b", "demo_request"] == 0  # after the cutoff: not counted


def test_points_caps_and_tiers():
    model = EngagementScore(points={"demo_request": 20, "pricing_view": 15, "page_view": 1}, cap=25, hot=30, warm=10)
    scores = model.score(activity())
    assert scores.loc["a", "engagement"] == pytest.approx(20 * 0.5 ** (1 / 30) + min(25, 15 * (0.5 ** (1 / 30) + 0.5 ** (30 / 30))), abs=0.1)
    assert list(scores["tier"].reindex(["a", "b", "c"])) == ["hot", "cold", "cold"]
    assert scores.loc["a", "engagement_reason"].startswith("pricing view recently (+")
    assert scores.loc["c", "engagement"] == pytest.approx(1.0, abs=0.05)  # one page view yesterday


def test_bad_tiers():
    with pytest.raises(ValueError, match="warm < hot"):
        EngagementScore(points={}, hot=30, warm=40).score(activity())


def test_learned_points_follow_what_converts():
    rng = np.random.default_rng(0)
    n = 600
    act = pd.DataFrame({"pricing_view": rng.poisson(1.0, n).astype(float), "page_view": rng.poisson(3.0, n).astype(float)},
                       index=[f"c{i}" for i in range(n)])
    converted = pd.Series((rng.random(n) < 1 / (1 + np.exp(-(-2 + 1.5 * act["pricing_view"])))).astype(int), index=act.index)
    points = EngagementScore(points={}).learn(act, converted)
    assert points["pricing_view"] == 20 and points["page_view"] < 5
