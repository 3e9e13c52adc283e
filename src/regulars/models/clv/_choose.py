"""Which purchase-count model a shop gets: BG/NBD, MBG/NBD and Pareto/NBD each fitted before the
last horizon and checked on it (per-customer error in repeat purchases); the best fit that is not
degenerate answers.

A fit is degenerate when it cannot tell who has left: a parameter at the optimiser's bound, or
P(alive) above 99% for nine customers in ten while a quarter or more have been silent for over
twice their usual gap and 90 days (on UCI Online Retail all three fits put everyone at 100%:
BG/NBD's a goes to 1.5e-5 and b to 3,616, nobody ever drops out).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from regulars.errors import InsufficientDataError
from regulars.models.clv._backtest import backtest, backtest_data
from regulars.models.clv._bgnbd import BetaGeoFitter
from regulars.models.clv._mbgnbd import ModifiedBetaGeoFitter
from regulars.models.clv._paretonbd import ParetoNBDFitter

__all__ = ["COUNT_MODELS", "compete", "degenerate"]

#: The candidates, simplest (and the peers' default) first.
COUNT_MODELS = {"BG/NBD": BetaGeoFitter, "MBG/NBD": ModifiedBetaGeoFitter, "Pareto/NBD": ParetoNBDFitter}
#: log-parameters this close to the optimiser's bounds (±20) are at the bound.
_AT_BOUND = 19.0


def degenerate(model: Any, summary: pd.DataFrame) -> str | None:
    """Why a fitted count model cannot tell who has left, in words; None when it can."""
    at_bound = [f"{k} {v:.3g}" for k, v in model.params_.items() if abs(np.log(v)) >= _AT_BOUND]
    if at_bound:
        return f"{model._model_type} fit with {', '.join(at_bound)}, at the edge of what it can estimate"
    alive = model.conditional_probability_alive(summary)
    sure = float(np.mean(alive >= 0.99)) if len(alive) else 0.0
    lapsed = lapsed_share(summary)
    if sure >= 0.9 and lapsed >= 0.25:
        return (f"{model._model_type} puts {sure:.0%} of customers at over 99% still a customer, while "
                f"{lapsed:.0%} have not bought for over twice their usual gap (and at least {LAPSED_DAYS} days)")
    return None


#: Silent this long (or twice the customer's usual gap, if longer) counts as lapsed for the check.
LAPSED_DAYS = 90


def lapsed_share(summary: pd.DataFrame) -> float:
    """The share of customers silent for over twice their usual gap and at least ``LAPSED_DAYS``."""
    x, tx, T = (summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    if not len(x):
        return 0.0
    gap = np.where(x > 0, tx / np.maximum(x, 1), 0.0)
    return float(np.mean((T - tx) > np.maximum(LAPSED_DAYS, 2 * gap)))


def compete(orders: Any, cutoff: date, horizon_days: int, shares: Any = None) -> list[dict[str, Any]]:
    """Each candidate fitted before ``cutoff`` and checked on the ``horizon_days`` after it, best
    first: name, per-customer error (MAE) and total predicted vs actual repeat purchases, and why
    its fit is degenerate (None if it is not). Candidates that cannot be fitted are left out."""
    from regulars.models.clv._base import ConvergenceError

    data = backtest_data(orders, cutoff, horizon_days, shares=shares)  # read once, checked by each
    tried = []
    for name, fitter in COUNT_MODELS.items():
        try:
            check = backtest(orders, cutoff, horizon_days, fitter=fitter, data=data, curve=False)
        except (ConvergenceError, ValueError, FloatingPointError):
            continue
        m = check.metrics["bgnbd"]
        if not np.isfinite(m["mae"]):
            continue
        bought = float(np.mean(check.per_customer["actual"] > 0)) if check.customers else None
        tried.append({"model": name, "mae": m["mae"], "total_predicted": m["total_predicted"],
                      "total_actual": m["total_actual"], "correlation": m["correlation"],
                      "baseline_mae": check.metrics["baseline_rate"]["mae"], "bought_share": bought,
                      "degenerate": degenerate(check.model, check.summary),
                      "check": check})
    if not tried:
        raise InsufficientDataError(f"no purchase-count model could be fitted before {cutoff}")
    return sorted(tried, key=lambda t: (t["degenerate"] is not None, t["mae"]))
