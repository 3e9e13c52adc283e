"""Purchase-behaviour groups, value tiers from predicted lifetime value, and engagement tiers.

Behaviour (one group per buyer, the first that holds): **inactive** (no order for
``inactive_days``), **high-value** (top 20% by spend), **frequent** (top 20% by orders, at least
3), **one-time** (a single order), **occasional** (the rest).

Value tiers by predicted lifetime value among the customers who have one: **top** (highest
20%), **middle** (next 30%), **low** (the rest).

Engagement: the fixed tier from the engagement score (hot / warm / cold) and a relative tier,
**top N%** by points, for shops whose points never reach the fixed hot threshold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["BEHAVIOUR_GROUPS", "VALUE_TIERS", "behaviour_groups", "relative_tier", "top_share", "value_tiers"]

BEHAVIOUR_GROUPS = ("inactive", "high-value", "frequent", "one-time", "occasional")
VALUE_TIERS = ("top", "middle", "low")


def top_share(values: np.ndarray, share: float) -> np.ndarray:
    """True for the rows with at most ``share`` of all rows at or above their value: the top 20%
    never grows past 20% because of ties (when everyone spent the same, nobody is top)."""

    values = np.asarray(values, dtype=float)
    at_or_above = len(values) - pd.Series(values).rank(method="min").to_numpy() + 1
    return at_or_above <= share * len(values)


def behaviour_groups(orders: np.ndarray, spend: np.ndarray, days_since_last: np.ndarray,
                     inactive_days: int) -> np.ndarray:
    """The behaviour group of each buyer (arrays aligned, buyers only)."""
    orders = np.asarray(orders, dtype=float)
    conditions = [np.asarray(days_since_last, dtype=float) >= inactive_days,
                  top_share(spend, 0.2),
                  top_share(orders, 0.2) & (orders >= 3),
                  orders <= 1]
    return np.select(conditions, list(BEHAVIOUR_GROUPS[:4]), BEHAVIOUR_GROUPS[4])


def value_tiers(clv: np.ndarray) -> np.ndarray:
    """top / middle / low by predicted lifetime value (rows with a value only)."""
    clv = np.asarray(clv, dtype=float)
    return np.select([top_share(clv, 0.2), top_share(clv, 0.5)], ["top", "middle"], "low")


def relative_tier(points: np.ndarray, share: float) -> np.ndarray:
    """"top N%" for the highest ``share`` of points (with some points), "" for the rest."""
    points = np.asarray(points, dtype=float)
    scored = points > 0
    top = np.zeros(len(points), dtype=bool)
    top[scored] = top_share(points[scored], share)
    return np.where(top, f"top {share * 100:g}%", "")
