"""Leakage guard: columns that know the answer, probably because they are filled in afterwards."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

__all__ = ["leakage_flags"]


def _single_auc(col: pd.Series, y: np.ndarray) -> float:
    """How well this column alone ranks the target (categories by their mean target rate)."""
    if isinstance(col.dtype, pd.CategoricalDtype) or col.dtype == object:
        rate = pd.Series(y, index=col.index).groupby(col.astype("string").fillna("<missing>")).transform("mean")
        score = rate.to_numpy(dtype=float)
    else:
        score = col.fillna(col.median() if col.notna().any() else 0).to_numpy(dtype=float)
    if np.unique(score).size < 2:
        return 0.5
    auc = roc_auc_score(y, score)
    return max(auc, 1 - auc)


def leakage_flags(X: pd.DataFrame, y: np.ndarray, *, auc_limit: float = 0.9, fill_ratio: float = 2.0,
                  fill_gap: float = 0.2) -> dict[str, str]:
    """Column → a plain-words reason, for columns that alone predict ``y`` almost perfectly
    (AUC >= 0.9) or that are filled in for one class at least twice as often as the other."""
    y = np.asarray(y, dtype=int)
    flags = {}
    for name in X.columns:
        col = X[name]
        filled = col.notna().to_numpy()
        pos, neg = filled[y == 1].mean(), filled[y == 0].mean()
        high, low = max(pos, neg), min(pos, neg)
        if high - low >= fill_gap and high >= fill_ratio * low:
            flags[name] = (f"filled in for {pos:.0%} of positives but {neg:.0%} of negatives: it may be recorded "
                           "after the outcome")
            continue
        auc = _single_auc(col, y)
        if auc >= auc_limit:
            flags[name] = f"alone predicts the target with AUC {auc:.2f}: it may be recorded after the outcome"
    return flags
