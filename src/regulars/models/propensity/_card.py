"""The model card: what a fitted propensity model was trained on, how well it did on data it
did not see, how its probabilities are calibrated, and what drives it, in one plain record."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from regulars.models.propensity._choose import ANSWERS, CANDIDATES
from regulars.models.propensity._model import FORMAT_VERSION, PropensityModel

__all__ = ["answered_by", "model_card", "summary_metrics"]


def summary_metrics(metrics: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each method's headline numbers, without its decile and calibration tables."""
    return {name: {k: v for k, v in m.items() if k not in ("deciles", "calibration")} for name, m in metrics.items()}


def model_card(model: PropensityModel, *, target: str, data_window: dict[str, Any],
               metrics: dict[str, dict[str, Any]] | None = None, evaluated_on: str | None = None,
               leakage_flags: dict[str, str] | None = None, excluded: Iterable[str] = ()) -> dict[str, Any]:
    """A JSON-ready card. ``metrics`` come from data the model was not trained on (a holdout
    or a later time window, named by ``evaluated_on``); without them the card says so. Each
    leakage flag says whether the column was used anyway (the user allowed it)."""
    trees = {"n_estimators": model.n_estimators, "num_leaves": model.num_leaves,
             "min_child_samples": model.min_child_samples, "learning_rate": model.learning_rate, **model.settings_}
    card: dict[str, Any] = {
        "target": target,
        "model": (f"LightGBM, {trees['n_estimators']} trees of {trees['num_leaves']} leaves (at least "
                  f"{trees['min_child_samples']} customers each, learning rate {trees['learning_rate']}), "
                  f"{model.calibration_} calibration; logistic regression baseline")
        if model.predictor == "trees" else
        f"logistic regression on {', '.join(model.feature_names_in_) if len(model.feature_names_in_) < 3 else f'{len(model.feature_names_in_)} features'} "
        "(it ranked best on the holdout)",
        "format_version": FORMAT_VERSION,
        "data_window": data_window,
        "trained_on": {"customers": model.n_train_, "positive_rate": round(model.positive_rate_, 4),
                       "of_customers": model.n_available_},
        "features_used": list(model.feature_names_in_),
        "top_features": {k: round(v, 4) for k, v in list(model.importance_.items())[:10]},
        "excluded": list(excluded),
        "leakage_flags": {c: {"reason": why, "used": c in model.feature_names_in_}
                          for c, why in (leakage_flags or {}).items()},
    }
    if hasattr(model, "search_"):
        card["search"] = model.search_
    if metrics:
        card["evaluated_on"] = evaluated_on
        card["metrics"] = summary_metrics(metrics)
        main = metrics.get("model", {})
        card["calibration_table"] = main.get("calibration", [])
        card["deciles"] = main.get("deciles", [])
    else:
        card["metrics"] = None
        card["evaluated_on"] = evaluated_on or "not evaluated"
    return card


def answered_by(card: dict[str, Any], metrics: dict[str, dict[str, Any]], chosen: dict[str, Any]) -> dict[str, Any]:
    """``card`` with the model that answers (``choose_model``'s choice) and its charts: the
    calibration and deciles are that model's on the holdout (the simple rule ranks customers,
    so it has none), and every candidate's figures are listed for comparison."""
    answers = metrics[ANSWERS[chosen["candidate"]]]
    compared = [{"model": words + (f": {metrics[key]['rule']}" if metrics[key].get("rule") else ""),
                 "answers": kind == chosen["candidate"],
                 **{k: metrics[key].get(k) for k in ("auc", "pr_auc", "brier", "calibration_error")}}
                for key, (kind, words) in CANDIDATES.items() if key in metrics]
    return {**card, "chosen": chosen, "candidates": compared, "calibration_table": answers.get("calibration", []),
            "deciles": answers.get("deciles", [])}
