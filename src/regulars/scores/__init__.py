"""Scores: one row per customer per run, with every prediction and a plain-language reason."""

from regulars.scores._lifetime import (
    InsufficientDataError,
    LifetimeRun,
    score_lifetime_value,
)
from regulars.scores._propensity import ModelCache, fingerprint, score_propensity

__all__ = ["InsufficientDataError", "LifetimeRun", "ModelCache", "fingerprint", "score_lifetime_value",
           "score_propensity"]
