"""Propensity: calibrated gradient-boosted trees with a logistic baseline, explained per customer."""

from regulars.models.propensity._backtest import (
    BASELINES,
    labelled_features,
    propensity_backtest,
)
from regulars.models.propensity._business import BusinessLabel, learn_business_label
from regulars.models.propensity._card import answered_by, model_card, summary_metrics
from regulars.models.propensity._choose import ANSWERS, CANDIDATES, auc_interval, choose_model
from regulars.models.propensity._evaluate import evaluate
from regulars.models.propensity._leakage import leakage_flags
from regulars.models.propensity._model import NoBetterThanChance, PropensityModel
from regulars.models.propensity._outcome import OUTCOMES, Outcome

__all__ = [
    "ANSWERS",
    "BASELINES",
    "BusinessLabel",
    "CANDIDATES",
    "NoBetterThanChance",
    "OUTCOMES",
    "Outcome",
    "PropensityModel",
    "answered_by",
    "auc_interval",
    "choose_model",
    "evaluate",
    "labelled_features",
    "leakage_flags",
    "learn_business_label",
    "model_card",
    "propensity_backtest",
    "summary_metrics",
]
