"""Engagement: transparent points per activity, decaying over time, with tiers."""

from regulars.models.engagement._learn import learn_points
from regulars.models.engagement._score import EngagementScore, decayed_activity, tier_rates

__all__ = ["EngagementScore", "decayed_activity", "learn_points", "tier_rates"]
