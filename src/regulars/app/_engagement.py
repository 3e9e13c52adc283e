"""``engagement``: points and tiers from recent activity; optionally points learned from conversions."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path

from regulars.app._common import default_cutoff, parse_cutoff
from regulars.app._results import EngagementResult
from regulars.errors import InsufficientDataError, SettingsError
from regulars.store import open_workspace

__all__ = ["engagement"]


def engagement(workspace_path: str | Path, *, cutoff: str | date | None = None, learn: bool = False,
               horizon_days: int = 30, top: int = 10) -> EngagementResult:
    """Engagement scores and tiers as of ``cutoff``; with ``learn``, points learned from the leads
    who converted in the ``horizon_days`` before the cutoff, and the conversion rate per tier
    with the configured and the learned points."""
    from regulars.models.engagement import EngagementScore, decayed_activity, learn_points

    if horizon_days < 1:
        raise SettingsError(f"--horizon must be a positive number of days, got {horizon_days}")
    workspace = open_workspace(workspace_path)
    with workspace.store(read_only=True) as store:
        tables = store.feature_inputs()
        if "events" not in tables:
            raise InsufficientDataError("engagement needs activity (events); load an events export first")
        when = parse_cutoff(cutoff) or default_cutoff(store)
        model = EngagementScore(**asdict(workspace.settings.engagement))
        scores = model.score(decayed_activity(tables["events"], when, model.half_life_days))
        learned = None
        if learn:
            if "orders" not in tables:
                raise InsufficientDataError("learning points needs orders to know who converted")
            learned = learn_points(tables, model, when, horizon_days)
    hottest = scores.sort_values(["engagement"], ascending=False).head(top).rename_axis("customer_id").reset_index()
    return EngagementResult(
        cutoff=str(when), customers=len(scores), points=model.points,
        tiers=scores["tier"].value_counts().reindex(["hot", "warm", "cold"], fill_value=0).to_dict(),
        hottest=hottest.to_dict("records"), learned=learned)
