"""Engagement: transparent points per activity, decaying over time, with tiers."""

from regulars.models.engagement._score import EngagementScore, decayed_activity

__all__ = ["EngagementScore", "decayed_activity"]
