"""Engagement points and tiers for everyone with activity, from the workspace's [engagement] points."""

from __future__ import annotations

from dataclasses import asdict

from regulars.scores._scorer import RunContext, Scored

__all__ = ["EngagementScorer"]


class EngagementScorer:
    """Points (0-100) from recent activity, halving with age, with hot / warm / cold tiers."""

    name = "engagement"

    def skip_reason(self, ctx: RunContext) -> str | None:
        return None if "events" in ctx.tables else "no events (web or email activity) are loaded"

    def score(self, ctx: RunContext) -> Scored:
        from regulars.models.engagement import EngagementScore, decayed_activity
        from regulars.scores._propensity import fingerprint

        settings = asdict(ctx.settings.engagement)
        model = EngagementScore(**settings)
        scored = model.score(decayed_activity(ctx.tables["events"], ctx.cutoff, model.half_life_days))
        frame = scored.rename(columns={"engagement": "points", "engagement_reason": "reasons"})
        frame = frame.rename_axis("customer_id").reset_index()
        card = {"points": model.points, "half_life_days": model.half_life_days, "cap": model.cap,
                "tiers": {"hot": model.hot, "warm": model.warm}}
        return Scored(frame=frame, card=card, version=fingerprint(**settings))
