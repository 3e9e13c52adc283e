"""Lifecycle stages from each customer's own rhythm and the lifetime-value model's chance alive.

One stage per customer, checked in this order (the first that holds wins):

- **prospect**: known, but no order yet;
- **churned**: chance still a customer below ``churned_alive``, or no order for ``churned_days``;
- **lapsed**: overdue by ``lapsed_gaps`` times their usual gap, or chance alive below ``lapsed_alive``;
- **at risk**: overdue by ``at_risk_gaps`` times their usual gap, or chance alive below ``at_risk_alive``;
- **new**: first order within ``new_days``;
- **loyal**: at least ``loyal_orders`` orders;
- **active**: everyone else.

A customer's usual gap is their mean days between purchase days; a one-time buyer has none,
so the shop's median over repeat buyers stands in. Fixed day counts alone would call a monthly
coffee buyer and a yearly gift buyer the same after 60 quiet days; the rhythm does not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from regulars.config import SegmentSettings

__all__ = ["LIFECYCLE_STAGES", "lifecycle_stages"]

LIFECYCLE_STAGES = ("prospect", "new", "active", "loyal", "at risk", "lapsed", "churned")


def _days(days: np.ndarray, index: pd.Index) -> pd.Series:
    whole = pd.Series(np.nan_to_num(days).round().astype(int), index=index)
    return (whole.astype(str) + " days").where(whole != 1, "1 day")


def lifecycle_stages(features: pd.DataFrame, p_alive: pd.Series | None,
                     settings: SegmentSettings) -> pd.DataFrame:
    """Stage and a one-line reason per customer of ``features`` (indexed by customer id; uses
    orders_total, days_since_last_order, days_since_first_order, mean_days_between_orders)."""
    n = len(features)
    orders = features["orders_total"].fillna(0).to_numpy(dtype=float) if "orders_total" in features else np.zeros(n)
    since = features.get("days_since_last_order", pd.Series(np.nan, features.index)).to_numpy(dtype=float)
    first = features.get("days_since_first_order", pd.Series(np.nan, features.index)).to_numpy(dtype=float)
    gap = features.get("mean_days_between_orders", pd.Series(np.nan, features.index)).to_numpy(dtype=float)
    repeat_gaps = gap[(orders > 1) & np.isfinite(gap) & (gap > 0)]
    shop_gap = float(np.median(repeat_gaps)) if len(repeat_gaps) else float(settings.churned_days) / 4
    own = np.isfinite(gap) & (gap > 0)
    usual = np.where(own, gap, shop_gap)
    overdue = np.where(orders > 0, since / usual, 0.0)
    alive = (p_alive.reindex(features.index).to_numpy(dtype=float) if p_alive is not None else np.full(n, np.nan))
    # BG/NBD gives every one-time buyer a chance alive of 1 by construction: not evidence
    has_alive = np.isfinite(alive) & (orders > 1)
    bought = orders > 0
    conditions = [
        ~bought,
        bought & ((has_alive & (alive < settings.churned_alive)) | (since >= settings.churned_days)),
        bought & ((overdue >= settings.lapsed_gaps) | (has_alive & (alive < settings.lapsed_alive))),
        bought & ((overdue >= settings.at_risk_gaps) | (has_alive & (alive < settings.at_risk_alive))),
        bought & (first <= settings.new_days),
        bought & (orders >= settings.loyal_orders),
    ]
    stage = np.select(conditions, ["prospect", "churned", "lapsed", "at risk", "new", "loyal"], "active")
    idx = features.index
    rhythm = pd.Series(np.where(own, "usually every ", "the shop's usual gap is "), index=idx) + \
        _days(usual, idx)
    reason = "last order " + _days(since, idx) + " ago (" + rhythm + ")"
    chance = pd.Series((np.nan_to_num(alive) * 100).round().astype(int), index=idx).astype(str)
    reason = reason.where(~has_alive, reason + "; " + chance + "% likely still a customer")
    reason = reason.where(bought, "no order yet")
    return pd.DataFrame({"lifecycle_stage": stage, "lifecycle_reason": reason,
                         "overdue": np.where(bought, overdue, np.nan)}, index=features.index)
