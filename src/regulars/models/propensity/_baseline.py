"""The logistic-regression baseline every card shows beside the trees, kept as plain numbers.

Numbers: missing values filled with the training median, a missing-value indicator where the
training data had gaps, then standardised. Categories: one column per value seen at least
``min_frequency`` times; rarer, unseen and missing values share an "other" column.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["LinearBaseline"]


class LinearBaseline:
    def __init__(self, *, c: float = 0.5, min_frequency: int = 10) -> None:
        self.c = c
        self.min_frequency = min_frequency

    def fit(self, X: pd.DataFrame, y: np.ndarray, categorical: list[str]) -> LinearBaseline:
        from sklearn.linear_model import LogisticRegression

        numeric = [c for c in X.columns if c not in categorical]
        self.numbers = {}
        for c in numeric:
            values = X[c].astype(float)
            median = float(values.median()) if values.notna().any() else 0.0
            filled = values.fillna(median)
            self.numbers[c] = {"median": median, "gaps": bool(values.isna().any()),
                               "mean": float(filled.mean()), "scale": float(filled.std(ddof=0)) or 1.0}
        self.categories = {}
        for c in categorical:
            counts = X[c].astype("string").value_counts()
            self.categories[c] = sorted(str(v) for v, n in counts.items() if n >= self.min_frequency)
        model = LogisticRegression(C=self.c, max_iter=3000).fit(self._design(X), y)
        self.coef, self.intercept = model.coef_[0].tolist(), float(model.intercept_[0])
        return self

    def _design(self, X: pd.DataFrame) -> np.ndarray:
        parts = []
        for c, s in self.numbers.items():
            values = X[c].astype(float)
            parts.append(((values.fillna(s["median"]) - s["mean"]) / s["scale"]).to_numpy())
            if s["gaps"]:
                parts.append(values.isna().to_numpy(dtype=float))
        for c, kept in self.categories.items():
            values = X[c].astype("string")
            for v in kept:
                parts.append((values == v).fillna(False).to_numpy(dtype=float))
            parts.append((~values.isin(kept)).fillna(True).to_numpy(dtype=float))  # other, unseen or missing
        return np.column_stack(parts) if parts else np.zeros((len(X), 0))

    def contributions(self, X: pd.DataFrame, features: list[str]) -> np.ndarray:
        """Per row and feature of ``features``, what it adds to the log-odds against the average
        customer (the design's columns of one feature, summed): the reasons of a linear model."""
        design = self._design(X) * np.asarray(self.coef)
        owner = []
        for c, s in self.numbers.items():
            owner += [c] * (2 if s["gaps"] else 1)
        for c, kept in self.categories.items():
            owner += [c] * (len(kept) + 1)
        out = np.zeros((len(X), len(features)))
        where = {f: i for i, f in enumerate(features)}
        for j, c in enumerate(owner):
            out[:, where[c]] += design[:, j]
        return out - out.mean(axis=0) if len(X) > 1 else out

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return 1 / (1 + np.exp(-(self._design(X) @ np.asarray(self.coef) + self.intercept)))

    def to_state(self) -> dict[str, Any]:
        return {"c": self.c, "min_frequency": self.min_frequency, "numbers": self.numbers,
                "categories": self.categories, "coef": self.coef, "intercept": self.intercept}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> LinearBaseline:
        made = cls(c=state["c"], min_frequency=state["min_frequency"])
        made.numbers, made.categories = state["numbers"], state["categories"]
        made.coef, made.intercept = [float(v) for v in state["coef"]], float(state["intercept"])
        return made
