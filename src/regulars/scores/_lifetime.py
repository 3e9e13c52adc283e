"""Lifetime-value scores for every customer as of a cutoff, with a one-line explanation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from regulars.errors import InsufficientDataError
from regulars.features import TIME_UNITS, summary_frame
from regulars.models.clv import BetaGeoFitter, GammaGammaFitter, predict_customers

__all__ = ["MIN_HISTORY_DAYS", "MIN_REPEAT_CUSTOMERS", "InsufficientDataError", "LifetimeRun",
           "score_lifetime_value"]

#: Below these, the fitted parameters are too uncertain to show as numbers.
MIN_REPEAT_CUSTOMERS = 20
MIN_HISTORY_DAYS = 60


@dataclass
class LifetimeRun:
    cutoff: date
    models: dict[str, Any]
    scores: pd.DataFrame = field(repr=False)


def _explain(scores: pd.DataFrame, currency: str) -> pd.Series:
    orders = scores["orders"].astype(int)
    since = scores["days_since_last_order"].round().astype(int)
    gap = (scores["recency_days"] / scores["orders"].clip(lower=2).sub(1)).round().astype(int)
    alive = (scores["p_alive"] * 100).round().astype(int).astype(str) + "%"
    value = scores["clv_12m"].fillna(0).round().astype(int).map(lambda v: f"{currency}{v:,}")
    repeat = (orders.astype(str) + " orders, the last " + since.astype(str) + " days ago (usually every "
              + gap.astype(str) + " days): " + alive + " likely still a customer; worth about "
              + value + " over the next 12 months")
    once = ("1 order so far, " + since.astype(str) + " days ago: too early to tell if they will return; "
            "expected " + scores["expected_orders_90d"].round(1).astype(str) + " orders in the next 90 days")
    return repeat.where(orders > 1, once)


def score_lifetime_value(orders: ir.Table, cutoff: date, *, horizon_days: int = 90, months: int = 12,
                         monthly_discount: float = 0.01, currency: str = "") -> LifetimeRun:
    """Fit BG/NBD and Gamma-Gamma on orders before ``cutoff`` and score every customer."""
    summary = summary_frame(orders, cutoff, "days")
    repeaters = int((summary["frequency"] > 0).sum())
    span = int(summary["T"].max()) if len(summary) else 0
    if repeaters < MIN_REPEAT_CUSTOMERS or span < MIN_HISTORY_DAYS:
        raise InsufficientDataError(
            f"not enough history before {cutoff} for lifetime value: {repeaters} customers bought more "
            f"than once and the orders span {span} days; it needs at least {MIN_REPEAT_CUSTOMERS} repeat "
            f"customers and {MIN_HISTORY_DAYS} days. Load more order history, or choose a later cutoff."
        )
    counts = BetaGeoFitter().fit(summary)
    spend = GammaGammaFitter().fit(summary)
    scores = predict_customers(counts, spend, summary, horizon_days=horizon_days, months=months,
                               monthly_discount=monthly_discount, unit_days=TIME_UNITS["days"])
    scores = scores.rename(columns={"expected_orders": f"expected_orders_{horizon_days}d", "clv": "clv_12m"})
    scores["orders"] = summary["frequency"].to_numpy() + 1
    scores["recency_days"] = summary["recency"].to_numpy()
    scores["days_since_last_order"] = (summary["T"] - summary["recency"]).to_numpy()
    scores["reason"] = _explain(scores.rename(columns={f"expected_orders_{horizon_days}d": "expected_orders_90d"}), currency)
    models = {
        "bgnbd": counts.to_dict(),
        "gamma_gamma": {**spend.to_dict(), "frequency_value_correlation": spend.frequency_value_correlation_},
        "settings": {"horizon_days": horizon_days, "months": months, "monthly_discount": monthly_discount},
    }
    models["bgnbd"]["confidence_intervals"] = counts.confidence_intervals_
    scores = scores.replace([np.inf, -np.inf], np.nan)
    return LifetimeRun(cutoff=cutoff, models=models, scores=scores)
