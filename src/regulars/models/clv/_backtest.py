"""Backtest: fit before a cutoff, predict the next period, compare with what happened.

Beside the model, two baselines a shop owner might use instead: "repeat last period's rate"
(each customer's calibration purchase rate carried forward) and an RFM heuristic (the same
rate, but zero for customers quiet for more than twice their usual gap).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from regulars._time import cutoff_start
from regulars.errors import InsufficientDataError
from regulars.features import TIME_UNITS, purchase_days, summary_frame
from regulars.models.clv._base import fit_sample
from regulars.models.clv._bgnbd import BetaGeoFitter
from regulars.models.clv._gammagamma import GammaGammaFitter
from regulars.models.clv._value import distinct_rows

__all__ = ["Backtest", "BacktestData", "backtest", "backtest_data", "holdout_purchases"]


@dataclass
class Backtest:
    cutoff: date
    horizon_days: int
    customers: int
    params: dict[str, float]
    metrics: dict[str, dict[str, float]]
    curve: pd.DataFrame = field(repr=False)
    per_customer: pd.DataFrame = field(repr=False)
    model: Any = field(default=None, repr=False)
    summary: pd.DataFrame = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "cutoff": str(self.cutoff), "horizon_days": self.horizon_days, "customers": self.customers,
            "params": self.params, "metrics": self.metrics,
            "curve": self.curve.to_dict("records"),
        }


def holdout_purchases(orders: ir.Table, start: datetime, end: datetime, shares: ir.Table | None = None) -> pd.DataFrame:
    """Purchase days (purchases, same day merged) and spend per customer in [start, end)."""
    return purchase_days(orders, start, end, shares).to_pandas()


@dataclass
class BacktestData:
    """What a backtest reads (the summary as of its cutoff, the purchase days of the horizon
    after it) and the spend models fitted on it, kept when several count models are checked."""

    summary: pd.DataFrame
    holdout: pd.DataFrame
    spend: dict[float, Any] = field(default_factory=dict)  # Gamma-Gamma fits by penalizer

    def spend_model(self, penalizer: float) -> GammaGammaFitter:
        if penalizer not in self.spend:
            self.spend[penalizer] = GammaGammaFitter(penalizer=penalizer).fit(fit_sample(self.summary))
        return self.spend[penalizer]

    @cached_property
    def who(self) -> np.ndarray:
        """Each holdout purchase day's customer in the summary (-1: not in the cohort), found
        once (string look-ups are slow on pandas 3: 1.6 s at 1M customers)."""
        return pd.Index(self.summary["customer_id"]).get_indexer(self.holdout["customer_id"])


def backtest_data(orders: ir.Table, cutoff: date, horizon_days: int, unit: str = "days",
                  shares: ir.Table | None = None) -> BacktestData:
    """What a backtest of ``horizon_days`` after ``cutoff`` reads."""
    start = cutoff_start(cutoff)
    return BacktestData(summary_frame(orders, cutoff, unit, shares),
                        holdout_purchases(orders, start, start + timedelta(days=horizon_days), shares))


def _metrics(actual: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    corr = float(np.corrcoef(actual, predicted)[0, 1]) if np.std(predicted) > 0 and np.std(actual) > 0 else float("nan")
    return {
        "mae": float(np.mean(np.abs(actual - predicted))),
        "rmse": float(np.sqrt(np.mean((actual - predicted) ** 2))),
        "correlation": corr,
        "total_predicted": float(predicted.sum()),
        "total_actual": float(actual.sum()),
    }


def backtest(orders: ir.Table, cutoff: date, horizon_days: int, *, unit: str = "days",
             penalizer: float = 0.0, min_repeaters: int = 2, fitter: type = BetaGeoFitter,
             shares: ir.Table | None = None, data: BacktestData | None = None, curve: bool = True) -> Backtest:
    """Fit ``fitter`` (BG/NBD by default; + Gamma-Gamma) on orders before ``cutoff``; score the next
    ``horizon_days``. The model's metrics are under "bgnbd" whichever model it is (its name is
    in ``params``' model). ``data``: what ``backtest_data`` read, when several models are checked
    on it; ``curve=False`` skips the week-by-week curve (13 predictions per customer)."""
    unit_days = TIME_UNITS[unit]
    start = cutoff_start(cutoff)
    data = data or backtest_data(orders, cutoff, horizon_days, unit, shares)
    summary, holdout = data.summary, data.holdout
    repeaters = int((summary["frequency"] > 0).sum())
    if repeaters < max(min_repeaters, 2):
        raise InsufficientDataError(f"only {repeaters} customers bought more than once before {cutoff}; a backtest "
                                    f"needs at least {max(min_repeaters, 2)}. Choose a later cutoff.")
    model = fitter(penalizer=penalizer).fit(fit_sample(summary))
    ids = summary["customer_id"]
    # counts and spend per customer are bin counts of each holdout day's customer (string
    # group-bys are slow on pandas 3)
    who = data.who
    in_cohort = who >= 0
    actual = np.bincount(who[in_cohort], minlength=len(ids)).astype(float)
    actual_spend = np.bincount(who[in_cohort], weights=holdout["spend"].to_numpy(dtype=float)[in_cohort],
                               minlength=len(ids))
    horizon = horizon_days / unit_days
    rows, inverse = distinct_rows(summary)  # predictions per distinct history, not per customer
    predicted = model.conditional_expected_number_of_purchases_up_to_time(horizon, rows)[inverse]
    x, tx, T = (summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    rate = np.where(T > 0, x / np.where(T > 0, T, 1), 0.0) * horizon
    usual_gap = np.where(x > 0, tx / np.where(x > 0, x, 1), np.inf)
    rfm = np.where((T - tx) <= 2 * usual_gap, rate, 0.0)
    per_customer = pd.DataFrame({
        "customer_id": ids, "actual": actual, "predicted": predicted,
        "baseline_rate": rate, "baseline_rfm": rfm,
        "actual_spend": actual_spend,
    })
    metrics = {
        "bgnbd": _metrics(actual, predicted),
        "baseline_rate": _metrics(actual, rate),
        "baseline_rfm": _metrics(actual, rfm),
    }
    if (summary["frequency"] > 0).sum() >= 10:
        value = data.spend_model(penalizer)
        per_customer["predicted_spend"] = predicted * value.conditional_expected_average_profit(summary)
        metrics["spend"] = _metrics(per_customer["actual_spend"].to_numpy(), per_customer["predicted_spend"].to_numpy())
    weeks = np.arange(1, int(np.ceil(horizon_days / 7)) + 1) if curve else np.arange(0)
    holdout_offsets = (pd.to_datetime(holdout["day"]) - pd.Timestamp(start)).dt.days.to_numpy()
    by_week = pd.DataFrame({
        "week": weeks,
        "actual": [int(((holdout_offsets < 7 * w) & in_cohort).sum()) for w in weeks],
        "predicted": [float(model.conditional_expected_number_of_purchases_up_to_time(min(7 * w, horizon_days) / unit_days, summary).sum())
                      for w in weeks],
    })
    per_customer["p_alive"] = model.conditional_probability_alive(rows)[inverse]
    return Backtest(cutoff=cutoff, horizon_days=horizon_days, customers=len(summary), params=model.params_,
                    metrics=metrics, curve=by_week, per_customer=per_customer, model=model,
                    summary=summary)
