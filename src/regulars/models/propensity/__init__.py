"""Propensity: calibrated gradient-boosted trees with a logistic baseline, explained per customer."""

from regulars.models.propensity._evaluate import evaluate
from regulars.models.propensity._leakage import leakage_flags
from regulars.models.propensity._model import PropensityModel

__all__ = ["PropensityModel", "evaluate", "leakage_flags"]
