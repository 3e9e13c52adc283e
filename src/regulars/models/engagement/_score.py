"""A transparent engagement score: points per kind of activity, halving with age, capped per
kind, 0-100 in all, with tiers (hot, warm, cold). Points can be learned from conversions
(logistic coefficients scaled so the strongest signal is worth 20 points)."""

from __future__ import annotations

from datetime import date, datetime

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression

from regulars._time import cutoff_start
from regulars.errors import InsufficientDataError
from regulars.features import as_known

__all__ = ["EngagementScore", "decayed_activity"]


def decayed_activity(events: ir.Table, cutoff: date | datetime, half_life_days: float) -> pd.DataFrame:
    """Per customer and event type, the count of events before ``cutoff``, each weighted by
    0.5 ** (age in days / half-life). Columns are event types."""
    start = ibis.literal(cutoff_start(cutoff))
    events = as_known(events, start)
    before = events.filter(events.occurred_at < start)
    age = (start.epoch_seconds() - before.occurred_at.epoch_seconds()) / 86400.0
    weight = ibis.literal(0.5).pow(age / half_life_days)
    kinds = sorted(before.select("event_type").distinct().to_pyarrow().column(0).drop_null().to_pylist())
    # one row per customer straight from the database (a long frame pivoted in pandas took 20 s
    # at 50M events, this 7.5 s); columns by position, as a kind may be named anything
    wide = before.group_by("customer_id").aggregate(
        **{f"k{i}": weight.sum(where=before.event_type == kind) for i, kind in enumerate(kinds)})
    frame = wide.to_pyarrow().to_pandas().set_index("customer_id").sort_index()
    frame.columns = pd.Index(kinds, name="event_type")
    return frame.fillna(0.0)


class EngagementScore(BaseEstimator):
    """Points per activity; ``score`` needs no fitting, ``learn`` returns learned points."""

    def __init__(self, *, points: dict[str, float] | None = None, half_life_days: float = 30.0,
                 cap: float = 40.0, hot: float = 70.0, warm: float = 40.0) -> None:
        self.points = points
        self.half_life_days = half_life_days
        self.cap = cap
        self.hot = hot
        self.warm = warm

    def _check(self) -> None:
        if not (0 <= self.warm < self.hot <= 100):
            raise ValueError(f"tiers need 0 <= warm < hot <= 100; got warm {self.warm}, hot {self.hot}")
        if self.half_life_days <= 0:
            raise ValueError(f"half_life_days must be > 0, got {self.half_life_days}")

    def contributions(self, activity: pd.DataFrame) -> pd.DataFrame:
        """Points each kind of activity adds for each customer (after the cap)."""
        self._check()
        points = pd.Series(self.points or {}, dtype=float)
        kinds = [k for k in points.index if k in activity.columns]
        return (activity[kinds] * points[kinds]).clip(upper=self.cap)

    def score(self, activity: pd.DataFrame) -> pd.DataFrame:
        """engagement (0-100), tier and the three biggest contributions in words, per customer."""
        parts = self.contributions(activity)
        total = parts.sum(axis=1).clip(upper=100.0)
        tier = np.where(total >= self.hot, "hot", np.where(total >= self.warm, "warm", "cold"))
        return pd.DataFrame({"engagement": total.round(1), "tier": tier, "engagement_reason": _reasons(parts)},
                            index=activity.index)

    def learn(self, activity: pd.DataFrame, converted: pd.Series) -> dict[str, float]:
        """Points from a logistic regression of conversion on log(1 + decayed counts), scaled so the
        strongest positive signal is worth 20; activities that do not help get 0."""
        y = converted.reindex(activity.index).fillna(0).astype(int).to_numpy()
        if y.min() == y.max():
            raise InsufficientDataError("learning points needs both customers who converted and who did not")
        X = np.log1p(activity.to_numpy())
        coef = LogisticRegression(C=1.0, max_iter=2000).fit(X, y).coef_[0]
        top = coef.max()
        if top <= 0:
            raise InsufficientDataError("no activity makes conversion more likely; keep the configured points")
        return {k: round(float(max(c, 0) / top * 20), 1) for k, c in zip(activity.columns, coef, strict=True)}


def _reasons(parts: pd.DataFrame, top: int = 3) -> np.ndarray:
    """The three biggest contributions in words ("pricing view recently (+15 points)"): each kind
    and whole number of points is worded once, then looked up for every customer."""
    names = [str(n).replace("_", " ") for n in parts.columns]
    values = parts.to_numpy()
    if not len(names):
        return np.full(len(parts), "no recent activity", dtype=object)
    order = np.argsort(-values, axis=1, kind="stable")[:, :top]
    points = np.rint(np.take_along_axis(values, order, axis=1)).astype(np.int64)
    shown = np.take_along_axis(values, order, axis=1) >= 0.5
    cap = int(points.max()) + 1 if points.size else 1
    words = np.array([f"{n} recently (+{p} points)" for n in names for p in range(cap)], dtype=object)
    said = np.where(shown, words[order * cap + np.clip(points, 0, None)], "")
    text = said[:, 0]
    for k in range(1, said.shape[1]):
        text = np.where(said[:, k] != "", text + "; " + said[:, k], text)
    return np.where(text == "", "no recent activity", text)


def tier_rates(scores: pd.DataFrame, converted: pd.Series) -> dict[str, dict[str, float]]:
    """Customers and conversion rate per tier, so the owner sees whether the tiers separate anything."""
    joined = scores.join(converted.rename("converted")).fillna({"converted": 0})
    out = {}
    for tier in ("hot", "warm", "cold"):
        part = joined[joined["tier"] == tier]
        out[tier] = {"customers": int(len(part)),
                     "conversion_rate": float(part["converted"].mean()) if len(part) else None}
    return out
