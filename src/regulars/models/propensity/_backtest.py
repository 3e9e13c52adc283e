"""Time-based backtest of a propensity model: train on one cutoff, test on the next.

Training pairs features as of (cutoff - horizon) with what happened up to the cutoff; testing
pairs features as of the cutoff with what happened in the following horizon. A simple rule
is scored beside the model so the gain is visible (for churn: days since the last order; for
conversion: the engagement points score).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from regulars.config import EngagementSettings
from regulars.errors import InsufficientDataError
from regulars.features import FeatureFrames, one_in, time_labels
from regulars.models.engagement import EngagementScore, decayed_activity
from regulars.models.propensity._card import model_card
from regulars.models.propensity._evaluate import evaluate
from regulars.models.propensity._model import PropensityModel

__all__ = ["BASELINES", "labelled_features", "propensity_backtest"]

#: The simple rule each label is compared with: a feature (higher = more likely) and its name
#: (conversion is compared with the engagement points score instead).
BASELINES = {"churn": ("days_since_last_order", "recency (longest since the last order first)"),
             "purchase": ("orders_90d", "most orders in the last 90 days first"),
             "support": ("tickets_90d", "most tickets in the last 90 days first")}


def labelled_features(tables: dict[str, ir.Table], label: str, cutoff: date, horizon_days: int,
                      frames: FeatureFrames | None = None, every: int = 1) -> tuple[pd.DataFrame, np.ndarray]:
    """Features as of ``cutoff`` and the label over the following ``horizon_days``, for the
    customers the label applies to (sorted by id); with ``every`` > 1, for about one in
    ``every`` of them (``features.one_in``)."""
    labels = time_labels(one_in(tables, every), label, cutoff, horizon_days).to_pyarrow().to_pandas()
    labels = labels.set_index("customer_id")["label"]
    features = (frames or FeatureFrames(tables)).at(cutoff, every)
    where = labels.index.get_indexer(features.index)  # (Index.isin is ~7x slower on pandas 3 strings)
    return features[where >= 0], labels.to_numpy(dtype=int)[where[where >= 0]]


def _rule(tables: dict[str, ir.Table], label: str, cutoff: date, X: pd.DataFrame,
          engagement: EngagementScore | None) -> tuple[str, np.ndarray] | None:
    """The simple rule's score per row of ``X`` (higher = more likely), or None if it cannot be had."""
    if label == "conversion":
        if "events" not in tables:
            return None
        model = engagement or EngagementScore(**asdict(EngagementSettings()))
        points = model.score(decayed_activity(tables["events"], cutoff, model.half_life_days))["engagement"]
        return "engagement points (highest first)", points.reindex(X.index).fillna(0).to_numpy(dtype=float)
    feature, name = BASELINES[label]
    if feature not in X.columns:
        return None
    return name, X[feature].fillna(X[feature].median()).to_numpy(dtype=float)


def _stratified(X: pd.DataFrame, y: np.ndarray, limit: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """At most ``limit`` rows, each outcome in its share (all rows when there are no more, or
    when one outcome is too rare to split)."""
    if len(y) <= limit or min(np.bincount(y)) < 2:
        return X, y
    from sklearn.model_selection import train_test_split

    X, _, y, _ = train_test_split(X, y, train_size=limit, stratify=y, random_state=seed)
    return X, y


def propensity_backtest(tables: dict[str, ir.Table], label: str, cutoff: date, horizon_days: int,
                        *, seed: int = 0, engagement: EngagementScore | None = None,
                        search_seconds: float | None = None, frames: FeatureFrames | None = None,
                        max_test_rows: int = 250_000, max_train_rows: int = 250_000) -> dict[str, Any]:
    """Train as of ``cutoff`` - horizon, test as of ``cutoff``; the card's metrics are the test's.
    More than ``max_test_rows`` test customers are evaluated on a stratified sample of that many
    (metrics move by well under their own noise, and scoring a million rows twice costs time);
    the check trains on at most ``max_train_rows`` (a stratified sample; the model a run keeps
    learns from everyone). The features it trains on are built for a fixed sample of the
    customers when there are several times that many (the test's population as a guide: the
    one a horizon earlier is smaller). ``tested_on`` is every test customer's features and label
    (what a model to be used from ``cutoff`` on learns from); ``holdout`` is each tested customer's
    outcome and the probabilities the trees, the logistic regression and (a logistic regression on
    its one feature) the simple rule gave them."""
    frames = frames or FeatureFrames(tables)
    test_X, test_y = labelled_features(tables, label, cutoff, horizon_days, frames)
    if not len(test_y):
        who = {"conversion": "leads (customers known before it with no order yet)",
               "support": "customers"}.get(label, "customers with an order before it")
        raise InsufficientDataError(f"there are no {who} as of {cutoff}")
    if len(np.unique(test_y)) < 2:
        raise InsufficientDataError(f"all {len(test_y):,} customers tested as of {cutoff} had the same outcome, "
                                    "so there is nothing to rank; choose another cutoff or a longer horizon")
    tested, everyone = len(test_y), (test_X, test_y)
    train_X, train_y = labelled_features(tables, label, cutoff - timedelta(days=horizon_days), horizon_days,
                                         frames, max(1, tested // max_train_rows))
    test_X, test_y = _stratified(test_X, test_y, max_test_rows, seed)
    train_X, train_y = _stratified(train_X, train_y, max_train_rows, seed)
    keep = [c for c in train_X.columns if train_X[c].notna().any()]
    model = PropensityModel(search_seconds=search_seconds, random_state=seed).fit(train_X[keep], train_y)
    p = model.predict_positive(test_X.reindex(columns=keep))
    p_logistic = model.predict_baseline(test_X.reindex(columns=keep))
    metrics = {"model": evaluate(test_y, p), "baseline_logistic": evaluate(test_y, p_logistic)}
    holdout = pd.DataFrame({"outcome": test_y, "model": p, "baseline_logistic": p_logistic}, index=test_X.index)
    feature = BASELINES.get(label, (None,))[0]
    if feature in keep:  # the simple rule's chances, as a run that chooses it computes them
        holdout["baseline_rule"] = PropensityModel(predictor="logistic").fit(
            train_X[[feature]], train_y).predict_positive(test_X[[feature]])
    rule = _rule(tables, label, cutoff, test_X, engagement)
    if rule is not None:
        name, values = rule
        ranks = pd.Series(values).rank(pct=True).to_numpy()
        metrics["baseline_rule"] = {"rule": name, **{k: v for k, v in evaluate(test_y, ranks).items()
                                                     if k in ("auc", "pr_auc")}}
    start = cutoff - timedelta(days=horizon_days)
    card = model_card(model, target=label, metrics=metrics,
                      data_window={"features_as_of": str(start), "outcomes_between": f"{start} and {cutoff}"},
                      evaluated_on=f"{len(test_y):,} customers as of {cutoff}"
                                   + (f" (a stratified sample of {tested:,})" if tested > len(test_y) else "")
                                   + f", outcomes in the following {horizon_days} days")
    return {"label": label, "cutoff": str(cutoff), "horizon_days": horizon_days,
            "train_customers": len(train_y), "test_customers": tested,
            "metrics": metrics, "card": card, "model": model, "tested_on": everyone,
            "holdout": holdout}
