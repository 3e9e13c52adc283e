"""Propensity: calibrated gradient-boosted trees with a logistic baseline, explained per customer."""

from regulars.models.propensity._backtest import (
    FeatureFrames,
    labelled_features,
    propensity_backtest,
)
from regulars.models.propensity._card import model_card, summary_metrics
from regulars.models.propensity._evaluate import evaluate
from regulars.models.propensity._leakage import leakage_flags
from regulars.models.propensity._model import PropensityModel

__all__ = ["FeatureFrames", "PropensityModel", "evaluate", "labelled_features", "leakage_flags", "model_card",
           "propensity_backtest", "summary_metrics"]
