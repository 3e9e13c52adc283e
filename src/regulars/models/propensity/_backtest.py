"""Time-based backtest of a propensity model: train on one cutoff, test on the next.

Training pairs features as of (cutoff - horizon) with what happened up to the cutoff; testing
pairs features as of the cutoff with what happened in the following horizon. A simple rule
is scored beside the model so the gain is visible (for churn: days since the last order).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from regulars.features import customer_features
from regulars.models.propensity._evaluate import evaluate
from regulars.models.propensity._labels import time_labels
from regulars.models.propensity._model import PropensityModel

__all__ = ["BASELINES", "labelled_features", "propensity_backtest"]

#: The simple rule each label is compared with: a feature, and whether high means likely.
BASELINES = {"churn": ("days_since_last_order", True), "purchase": ("orders_90d", True),
             "support": ("tickets_90d", True)}


def labelled_features(tables: dict[str, ir.Table], label: str, cutoff: date, horizon_days: int) -> tuple[pd.DataFrame, np.ndarray]:
    features = customer_features(tables, cutoff)
    labels = time_labels(tables, label, cutoff, horizon_days)
    joined = labels.join(features, "customer_id").to_pyarrow().to_pandas().set_index("customer_id").sort_index()
    y = joined.pop("label").to_numpy(dtype=int)
    for c in joined.columns:
        if joined[c].dtype == object or str(joined[c].dtype) in ("str", "string"):
            joined[c] = joined[c].astype("category")
    return joined, y


def propensity_backtest(tables: dict[str, ir.Table], label: str, cutoff: date, horizon_days: int,
                        *, seed: int = 0) -> dict[str, Any]:
    train_X, train_y = labelled_features(tables, label, cutoff - timedelta(days=horizon_days), horizon_days)
    test_X, test_y = labelled_features(tables, label, cutoff, horizon_days)
    keep = [c for c in train_X.columns if train_X[c].notna().any()]
    model = PropensityModel(random_state=seed).fit(train_X[keep], train_y)
    p = model.predict_proba(test_X.reindex(columns=keep))
    metrics = {"model": evaluate(test_y, p), "baseline_logistic": evaluate(test_y, model.predict_baseline(test_X.reindex(columns=keep)))}
    feature, high = BASELINES[label]
    if feature in test_X.columns:
        rule = test_X[feature].fillna(test_X[feature].median()).to_numpy(dtype=float)
        rule = rule if high else -rule
        ranks = pd.Series(rule).rank(pct=True).to_numpy()
        metrics["baseline_rule"] = {"rule": f"{feature} ({'higher' if high else 'lower'} is more likely)",
                                    **{k: v for k, v in evaluate(test_y, ranks).items() if k in ("auc", "pr_auc")}}
    return {"label": label, "cutoff": str(cutoff), "horizon_days": horizon_days,
            "train_customers": len(train_y), "test_customers": len(test_y), "calibration": model.calibration_,
            "metrics": metrics, "top_features": dict(list(model.importance_.items())[:10]), "model": model}
