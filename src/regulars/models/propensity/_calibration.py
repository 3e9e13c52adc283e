"""Calibrating the trees' scores into probabilities, stored as plain numbers (no pickles)."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["Isotonic", "Platt", "calibrator_from_state", "logit"]


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


class Platt:
    """A logistic curve on the trees' log-odds (Platt scaling)."""

    kind = "platt"

    def fit(self, raw: np.ndarray, y: np.ndarray) -> Platt:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=1e6).fit(logit(raw)[:, None], y)
        self.slope, self.intercept = float(model.coef_[0, 0]), float(model.intercept_[0])
        return self

    def predict(self, raw: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-(self.slope * logit(raw) + self.intercept)))

    def to_state(self) -> dict[str, Any]:
        return {"kind": self.kind, "slope": self.slope, "intercept": self.intercept}


class Isotonic:
    """A monotone step curve (isotonic regression), clipped outside the range it was fitted on."""

    kind = "isotonic"

    def fit(self, raw: np.ndarray, y: np.ndarray) -> Isotonic:
        from sklearn.isotonic import IsotonicRegression

        model = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(raw, y)
        self.x, self.y = model.X_thresholds_.tolist(), model.y_thresholds_.tolist()
        return self

    def predict(self, raw: np.ndarray) -> np.ndarray:
        return np.interp(raw, self.x, self.y)  # what IsotonicRegression.predict does, clipped at the ends

    def to_state(self) -> dict[str, Any]:
        return {"kind": self.kind, "x": self.x, "y": self.y}


def calibrator_from_state(state: dict[str, Any]) -> Platt | Isotonic:
    if state["kind"] == "platt":
        made = Platt()
        made.slope, made.intercept = float(state["slope"]), float(state["intercept"])
        return made
    made = Isotonic()
    made.x, made.y = [float(v) for v in state["x"]], [float(v) for v in state["y"]]
    return made
