"""Behaviour groups, value tiers and engagement tiers (fixed and relative)."""

from __future__ import annotations

from datetime import date

import ibis
import numpy as np
import pandas as pd

from regulars.config import EngagementSettings
from regulars.models.engagement import EngagementScore, decayed_activity
from regulars.segments import BEHAVIOUR_GROUPS
from regulars.segments._groups import behaviour_groups, relative_tier, value_tiers


def test_behaviour_groups():
    orders = np.array([1, 12, 2, 2, 2, 1, 2, 2, 2, 2])
    spend = np.array([10, 20, 900, 30, 20, 15, 20, 20, 20, 800.0])
    since = np.array([5, 5, 5, 5, 5, 400, 5, 5, 5, 5])
    groups = behaviour_groups(orders, spend, since, 180)
    assert list(groups) == ["one-time", "frequent", "high-value", "occasional", "occasional", "inactive",
                            "occasional", "occasional", "occasional", "high-value"]
    assert not behaviour_groups(np.full(10, 2), np.full(10, 20.0), np.full(10, 5), 180).tolist().count("high-value")
    assert set(groups) <= set(BEHAVIOUR_GROUPS)


def test_value_tiers_split_20_30_50():
    tiers = value_tiers(np.arange(100.0))
    assert (tiers == "top").sum() == 20 and (tiers == "middle").sum() == 30 and (tiers == "low").sum() == 50


def _tier(events: list[str]) -> tuple[float, str]:
    cutoff = date(2024, 7, 1)
    frame = pd.DataFrame({"customer_id": "x", "occurred_at": pd.Timestamp("2024-06-30 12:00"), "event_type": events})
    model = EngagementScore(**EngagementSettings().__dict__)
    scored = model.score(decayed_activity(ibis.memtable(frame), cutoff, model.half_life_days))
    return float(scored.loc["x", "engagement"]), scored.loc["x", "tier"]


def test_fixed_tiers_with_the_classic_weights():
    points, tier = _tier(["demo_request", "pricing_view"])
    assert round(points) in (34, 35) and tier == "cold"  # 20 + 15 = 35: cold, as the classic scheme says
    points, tier = _tier(["demo_request", "pricing_view", "contact_form", "download", "page_view"])
    assert round(points) in (50, 51) and tier == "warm"  # one of each: 51
    points, tier = _tier(["demo_request"] * 2 + ["pricing_view"] * 2 + ["contact_form", "download"])
    assert points >= 70 and tier == "hot"  # repeats count, so 70 is reachable


def test_relative_tier_for_shops_whose_points_stay_low():
    points = np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10.0])
    tier = relative_tier(points, 0.2)
    assert list(tier[-2:]) == ["top 20%", "top 20%"] and (tier == "top 20%").sum() == 2 and tier[0] == ""
