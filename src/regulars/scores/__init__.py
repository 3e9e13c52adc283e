"""Scores: one row per customer per run, with every prediction and a plain-language reason."""

from regulars.scores._lifetime import (
    InsufficientDataError,
    LifetimeRun,
    score_churn,
    score_lifetime_value,
)

__all__ = ["InsufficientDataError", "LifetimeRun", "score_churn", "score_lifetime_value"]
