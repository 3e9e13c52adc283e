"""Learning engagement points from who converted, and showing whether the tiers separate them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import ibis.expr.types as ir
from sklearn.base import clone

from regulars.errors import InsufficientDataError
from regulars.features import time_labels
from regulars.models.engagement._score import EngagementScore, decayed_activity, tier_rates

__all__ = ["learn_points"]


def learn_points(tables: dict[str, ir.Table], model: EngagementScore, cutoff: date,
                 horizon_days: int) -> dict[str, Any]:
    """Points learned from the leads known ``horizon_days`` before ``cutoff`` and whether each
    converted in the window up to ``cutoff`` (the conversion label: a first order or a
    ``lead_converted`` mark), with the conversion rate per tier before and after.

    Raises ``ValueError`` when the window holds no conversions or nothing to learn from.
    """
    start = cutoff - timedelta(days=horizon_days)
    labels = time_labels(tables, "conversion", start, horizon_days).to_pyarrow().to_pandas()
    converted = labels.set_index("customer_id")["label"]
    if not converted.any():
        raise InsufficientDataError(f"none of {len(converted):,} leads converted in the {horizon_days} days after {start}; "
                         "try a longer --horizon")
    # a conversion marker records the outcome; it cannot earn points towards it
    activity = decayed_activity(tables["events"], start, model.half_life_days).drop(
        columns=["lead_converted"], errors="ignore")
    activity = activity.reindex(converted.index, fill_value=0.0)  # leads without activity count too
    learned = model.learn(activity, converted)
    relearned = clone(model).set_params(points=learned)
    return {"cutoff": str(start), "horizon_days": horizon_days, "converted": int(converted.sum()),
            "customers": len(converted), "points": learned,
            "tiers_before": tier_rates(model.score(activity), converted),
            "tiers_after": tier_rates(relearned.score(activity), converted)}
