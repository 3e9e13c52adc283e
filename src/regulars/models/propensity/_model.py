"""A calibrated propensity model: LightGBM, probabilities calibrated on held-back data
(isotonic or Platt, whichever scores better), a regularised logistic regression beside it,
and three plain-language reasons per customer from the trees' per-feature contributions."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from regulars._files import atomic_write_text
from regulars._version import __version__
from regulars.errors import InsufficientDataError, ModelFileError, NotFittedError
from regulars.features import FEATURES, label_of, phrase
from regulars.models.propensity._baseline import LinearBaseline
from regulars.models.propensity._calibration import Isotonic, Platt, calibrator_from_state
from regulars.models.propensity._explain import TreeExplainer
from regulars.models.propensity._outcome import LOWERS, RAISES, Outcome

__all__ = ["FORMAT_VERSION", "NoBetterThanChance", "PropensityModel"]

#: 3: JSON state with the trees as LightGBM's own text; nothing is unpickled when a model is read.
#: 4: the holdout chooses which model answers (``predictor``), and a label no model predicts is skipped.
FORMAT_VERSION = 4
FORMAT = "regulars.propensity"

#: Tree shapes the optional search tries after the defaults (first entry): smaller leaves for
#: small data, more leaves and faster learning for large data.
SEARCH_GRID = (
    {},
    {"min_child_samples": 10},
    {"min_child_samples": 20, "num_leaves": 8},
    {"min_child_samples": 20, "num_leaves": 16, "learning_rate": 0.05, "n_estimators": 300},
    {"min_child_samples": 5, "num_leaves": 2, "n_estimators": 800},
    {"min_child_samples": 100, "num_leaves": 8, "learning_rate": 0.05},
    {"min_child_samples": 30, "num_leaves": 31, "learning_rate": 0.02, "n_estimators": 800},
)


class NoBetterThanChance(InsufficientDataError):
    """No candidate model ranks the label better than chance on the holdout: nothing is shown."""


def _one_per_family(order: np.ndarray, names: Any, top: int) -> np.ndarray:
    """The first ``top`` columns of each row of ``order`` (feature positions, best first), a
    feature left out when an earlier one of the same family was taken."""
    family = np.array([FEATURES[n].family if n in FEATURES and FEATURES[n].family else f"-{i}"
                       for i, n in enumerate(names)], dtype=object)
    candidates = order[:, :min(order.shape[1], top + 3)]  # a family has at most four members: three can repeat
    fam = family[candidates]
    keep = np.ones(candidates.shape, dtype=bool)
    for j in range(1, candidates.shape[1]):
        keep[:, j] = ~(fam[:, :j] == fam[:, j:j + 1]).any(axis=1)
    k = min(top, order.shape[1])
    ranked = np.argsort(~keep, axis=1, kind="stable")[:, :k]  # kept ones first, in their order
    return np.take_along_axis(candidates, ranked, axis=1)


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _bools_as_numbers(column: pd.Series) -> pd.Series:
    """Yes/no columns (with or without gaps) are numbers 1/0, not categories."""
    if not pd.api.types.is_bool_dtype(column):
        if pd.api.types.is_numeric_dtype(column):
            return column
        values = column.dropna().astype(object)
        if not len(values) or not all(isinstance(v, bool | np.bool_) for v in values):
            return column
    return pd.to_numeric(column.astype(object), errors="coerce")


#: The least chance (and one less the most) a model says of anyone.
LEAST = 0.01


class PropensityModel(BaseEstimator):
    """Binary propensity with defaults that need no tuning on small-business data: many shallow
    trees (4 leaves) learned slowly, which on IBM Telco beat deeper default trees by 0.01 AUC.

    Rare outcomes: splits are stratified and probabilities calibrated on held-back rows; class
    weights (balanced, or the square root of the ratio) were no better on the demo shop's rare
    labels (conversion 6%, support need 3%: AUC and PR-AUC within noise), so none is applied."""

    def __init__(self, *, n_estimators: int = 500, learning_rate: float = 0.03, num_leaves: int = 4,
                 min_child_samples: int = 50, calibration_share: float = 0.25, search_seconds: float | None = None,
                 max_rows: int | None = 250_000, random_state: int = 0, predictor: str = "trees") -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.calibration_share = calibration_share
        self.search_seconds = search_seconds
        self.max_rows = max_rows
        self.random_state = random_state
        #: which of the two fitted models answers: "trees" (LightGBM, calibrated) or "logistic"
        #: (the regularised logistic regression), as the holdout chose
        self.predictor = predictor

    def _booster(self, **settings) -> Any:
        from lightgbm import LGBMClassifier

        chosen = {"n_estimators": self.n_estimators, "learning_rate": self.learning_rate,
                  "num_leaves": self.num_leaves, "min_child_samples": self.min_child_samples, **settings}
        return LGBMClassifier(**chosen, subsample=0.8, subsample_freq=1, colsample_bytree=0.8, reg_lambda=1.0,
                              random_state=self.random_state, verbose=-1, deterministic=True, force_row_wise=True)

    def _search(self, X: pd.DataFrame, y: np.ndarray) -> dict:
        """Try the defaults, then a few other tree shapes, by 3-fold log loss, until time runs out."""
        from sklearn.metrics import log_loss
        from sklearn.model_selection import StratifiedKFold

        started = time.monotonic()
        folds = list(StratifiedKFold(3, shuffle=True, random_state=self.random_state).split(X, y))
        tried = []
        for settings in SEARCH_GRID:
            if tried and time.monotonic() - started > self.search_seconds:
                break
            losses = []
            for train, test in folds:
                booster = self._booster(**settings).fit(X.iloc[train], y[train])
                losses.append(log_loss(y[test], booster.predict_proba(X.iloc[test])[:, 1], labels=[0, 1]))
            tried.append({**settings, "log_loss": round(float(np.mean(losses)), 5)})
        best = min(tried, key=lambda t: t["log_loss"])
        self.search_ = {"seconds": round(time.monotonic() - started, 1), "budget_seconds": self.search_seconds,
                        "tried": tried, "chosen": best}
        return {k: v for k, v in best.items() if k != "log_loss"}

    def _prepare(self, X: pd.DataFrame) -> pd.DataFrame:
        missing = [c for c in self.feature_names_in_ if c not in X.columns]
        if missing:
            raise ValueError(f"columns seen at fit time are missing: {missing}")
        X = X[self.feature_names_in_].copy()
        for name in X.columns:
            if name not in self.categories_ and not pd.api.types.is_numeric_dtype(X[name]):
                # e.g. a yes/no column that has gaps in this slice but had none at fit time
                X[name] = pd.to_numeric(X[name].astype(object), errors="coerce")
        for name, categories in self.categories_.items():
            values = X[name].astype("string")
            # a category unseen at fit time carries no information: treat it as missing
            X[name] = pd.Categorical(values.where(values.isin(categories)), categories=categories)
        return X

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> PropensityModel:
        if self.predictor not in ("trees", "logistic"):
            raise ValueError(f"The 'predictor' parameter of PropensityModel must be 'trees' or 'logistic'. "
                             f"Got {self.predictor!r} instead.")
        y = np.asarray(y, dtype=int)
        if set(np.unique(y)) != {0, 1} or min(np.bincount(y)) < 10:
            counts = np.bincount(y, minlength=2)
            raise InsufficientDataError(
                f"a model needs at least 10 examples of each outcome to learn from; found {counts[1]:,} "
                f"with the outcome and {counts[0]:,} without")
        self.n_available_ = len(y)
        if self.max_rows is not None and len(y) > self.max_rows:
            # beyond a few hundred thousand customers more rows barely move the trees, and cost
            # minutes: learn from a stratified sample, and say so on the card
            from sklearn.model_selection import train_test_split

            X, _, y, _ = train_test_split(X, y, train_size=self.max_rows, stratify=y, random_state=self.random_state)
        X = X.apply(_bools_as_numbers)
        self.classes_ = np.array([0, 1])
        self.n_train_, self.positive_rate_ = len(y), float(y.mean())
        self.feature_names_in_ = list(X.columns)
        self.categories_ = {c: X[c].astype("string").astype("category").cat.categories
                            for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])}
        X = self._prepare(X)
        self.medians_ = {c: float(X[c].median()) for c in X.columns if c not in self.categories_}
        from sklearn.model_selection import train_test_split

        fit_X, cal_X, fit_y, cal_y = train_test_split(X, y, test_size=self.calibration_share,
                                                      stratify=y, random_state=self.random_state)
        self.settings_ = self._search(fit_X, fit_y) if self.search_seconds else {}
        if not self.search_seconds and hasattr(self, "search_"):
            del self.search_  # a refit without a search must not show an old one
        self.booster_ = self._booster(**self.settings_).fit(fit_X, fit_y).booster_
        raw = self.booster_.predict(cal_X)
        self.calibration_, self.calibrator_ = self._choose_calibration(raw, cal_y)
        self.baseline_ = LinearBaseline().fit(X, y, categorical=list(self.categories_))
        gain = self.booster_.feature_importance(importance_type="gain")
        share = gain / gain.sum() if gain.sum() > 0 else np.zeros_like(gain)  # no split at all: nothing matters
        self.importance_ = dict(sorted(zip(self.feature_names_in_, share.tolist(), strict=True),
                                       key=lambda kv: -kv[1]))
        return self

    def _choose_calibration(self, raw: np.ndarray, y: np.ndarray):
        """Isotonic or Platt, by Brier score in two-fold cross-fitting on the calibration rows."""
        from sklearn.metrics import brier_score_loss

        half = np.arange(len(y)) % 2 == 0
        if any(len(np.unique(y[part])) < 2 for part in (half, ~half)):
            return "platt", Platt().fit(raw, y)  # too few outcomes to compare two calibrations on halves
        scores = {}
        for name, kind in (("isotonic", Isotonic), ("platt", Platt)):
            a = kind().fit(raw[half], y[half]).predict(raw[~half])
            b = kind().fit(raw[~half], y[~half]).predict(raw[half])
            scores[name] = brier_score_loss(y[~half], a) + brier_score_loss(y[half], b)
        best = min(scores, key=scores.get)
        return best, {"isotonic": Isotonic, "platt": Platt}[best]().fit(raw, y)

    def _check(self) -> None:
        if not hasattr(self, "booster_"):
            raise NotFittedError("This PropensityModel instance is not fitted yet. Call 'fit' first.")

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Calibrated probabilities, one column per class of ``classes_`` (0, then 1), per row."""
        p = self.predict_positive(X)
        return np.column_stack([1 - p, p])

    def predict_positive(self, X: pd.DataFrame) -> np.ndarray:
        """Calibrated probability of the outcome (class 1), per row, from ``predictor``; within
        1% and 99% (a band of the calibration where everyone bought is no certainty that the
        next customer like them will)."""
        self._check()
        if self.predictor == "logistic":
            return np.clip(self.predict_baseline(X), LEAST, 1 - LEAST)
        return np.clip(self.calibrator_.predict(self.booster_.predict(self._prepare(X))), LEAST, 1 - LEAST)

    def predict_baseline(self, X: pd.DataFrame) -> np.ndarray:
        """Probability from the logistic-regression baseline."""
        self._check()
        return self.baseline_.predict(self._prepare(X))

    def reasons(self, X: pd.DataFrame, top: int = 3, p: np.ndarray | None = None,
                outcome: Outcome | None = None) -> list[list[str]]:
        """Up to ``top`` reasons per row, in words, each saying whether it raises or lowers the chance
        (or, for a feature ``outcome`` does not read as a cause, the pattern: "customers like
        this write to support more often").

        A chance above the shop's average (``positive_rate_``) is explained by what raises it most;
        one below by what lowers it most, so a loyal customer's low risk reads as what keeps it
        low. Fewer factors in that direction than ``top`` are followed by the strongest of the
        other. Features that say one thing together (a ``family``: the gap since the last order,
        the usual gap, their ratio) give one reason. ``p``: the chances shown, when known.
        """
        words, _ = self._reasons(X, top, p, outcome)
        return words

    def _reasons(self, X: pd.DataFrame, top: int, p: np.ndarray | None, outcome: Outcome | None
                 ) -> tuple[list[list[str]], np.ndarray]:
        """The reasons in words, and whether each raises the chance (rows x reasons)."""
        self._check()
        prepared = self._prepare(X)
        if self.predictor == "logistic":  # the reasons of the model that answers
            contrib = self.baseline_.contributions(prepared, self.feature_names_in_)
        else:
            explainer = self.__dict__.get("_explainer")
            if explainer is None or explainer.booster is not self.booster_:  # derived from the trees, made once
                explainer = self._explainer = TreeExplainer(self.booster_)
            contrib = explainer.contributions(prepared)
        p = self.predict_positive(X) if p is None else np.asarray(p)
        direction = np.where(p >= self.positive_rate_, 1.0, -1.0)[:, None]
        chosen = _one_per_family(np.argsort(-contrib * direction, axis=1, kind="stable"), self.feature_names_in_, top)
        raises = np.take_along_axis(contrib, chosen, axis=1) > 0
        words = np.empty(chosen.shape, dtype=object)
        for j in np.unique(chosen):
            name = self.feature_names_in_[j]
            rows, slots = np.nonzero(chosen == j)
            said = self._feature_words(name, prepared, rows)
            up = raises[rows, slots]
            if outcome is None:
                words[rows, slots] = said + np.where(up, RAISES, LOWERS).astype(object)
            else:
                words[rows, slots] = said + np.array([outcome.effect(name, True), outcome.effect(name, False)],
                                                     dtype=object)[(~up).astype(int)]
        return words.tolist(), raises

    def reason_text(self, X: pd.DataFrame, top: int = 3, p: np.ndarray | None = None,
                    outcome: Outcome | None = None, horizon_days: int | None = None) -> list[str]:
        """One string per row (what scores store): where the chance stands against the rate it
        learned from (above, below, or close to it when no factor moves it the way it went), then
        ``reasons`` joined with "; ". With ``outcome`` and ``horizon_days`` that rate is said as
        what happened ("the 43% of buyers who did not order in the last 90 days"); otherwise
        as the shop's average."""
        if not len(X):
            return []
        p = self.predict_positive(X) if p is None else np.asarray(p)
        average = (outcome.base(self.positive_rate_, horizon_days) if outcome and outcome.had and horizon_days
                   else f"the shop's average of {self.positive_rate_:.0%}")
        words, raises = self._reasons(X, top, p, outcome)
        out = []
        for chance, said, first_raises in zip(p, words, raises[:, 0] if raises.shape[1] else [None] * len(p),
                                              strict=True):
            up = chance >= self.positive_rate_
            # no factor moves it the way it went (the calibration's doing, near the average): say so
            agrees = first_raises is not None and bool(first_raises) == up
            out.append(f"{('above' if up else 'below') if agrees else 'close to'} {average}: " + "; ".join(said))
        return out

    def _feature_words(self, name: str, prepared: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
        """Words for feature ``name`` at ``rows``: each distinct value (with its context) is said
        once, then spread to the rows that have it."""
        around_of = [c for c in (FEATURES[name].context if name in FEATURES else ()) if c in prepared]
        # each column's distinct values, then the distinct combinations of their codes
        per_column = [pd.factorize(prepared[c].iloc[rows], use_na_sentinel=False) for c in (name, *around_of)]
        key = np.zeros(len(rows), dtype=np.int64)
        for column_codes, uniques in per_column:
            key = key * (len(uniques) + 1) + column_codes
        _, first, codes = np.unique(key, return_index=True, return_inverse=True)
        levels = [np.asarray(uniques, dtype=object)[column_codes[first]] for column_codes, uniques in per_column]
        said = np.empty(len(levels[0]), dtype=object)
        for i, (value, *around) in enumerate(zip(*levels, strict=True)):
            said[i] = self._words(name, None if _missing(value) else value,
                                  {c: None if _missing(v) else v for c, v in zip(around_of, around, strict=True)})
        return said[codes]

    def _words(self, name: str, value, row: dict) -> str:
        said = phrase(name, value, row)
        if said is not None:
            return said
        label = label_of(name)
        if value is None:
            return f"{label} unknown"
        if name in self.categories_:
            return f"{label} is {value}"
        median = self.medians_.get(name, value)
        level = "high" if value > median else "low" if value < median else "typical"
        shown = f"{value:,.0f}" if abs(value) >= 10 else f"{value:.2g}"
        return f"{label} {shown}, {level}"

    # -- persistence: JSON state and LightGBM's own text; nothing is unpickled -------------------

    format_version = FORMAT_VERSION

    _FITTED = ("classes_", "n_train_", "n_available_", "positive_rate_", "feature_names_in_", "medians_", "settings_", "calibration_",
               "importance_")

    def to_state(self) -> dict[str, Any]:
        """Everything the fitted model is, as JSON-ready values (the trees as LightGBM text)."""
        self._check()
        state = {name: getattr(self, name) for name in self._FITTED}
        state["classes_"] = [int(c) for c in self.classes_]
        state["categories_"] = {c: [str(v) for v in cats] for c, cats in self.categories_.items()}
        state["search_"] = getattr(self, "search_", None)
        state["calibrator_"] = self.calibrator_.to_state()
        state["baseline_"] = self.baseline_.to_state()
        state["booster_"] = self.booster_.model_to_string()
        return {"format": FORMAT, "format_version": FORMAT_VERSION, "regulars": __version__,
                "settings": self.get_params(), "state": state}

    @classmethod
    def from_state(cls, data: Any, where: str = "the model") -> PropensityModel:
        """A model from ``to_state``'s output; the envelope is checked before anything is built."""
        from lightgbm import Booster

        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("format_version") != FORMAT_VERSION:
            found = (data.get("format"), data.get("format_version")) if isinstance(data, dict) else type(data).__name__
            raise ModelFileError(f"{where}: not a propensity model of format {FORMAT_VERSION} (found {found})")
        state = data["state"]
        model = cls(**data["settings"])
        for name in cls._FITTED:
            setattr(model, name, state[name])
        model.medians_ = {c: np.nan if v is None else v for c, v in state["medians_"].items()}
        model.classes_ = np.asarray(state["classes_"])
        model.categories_ = {c: pd.Index(v) for c, v in state["categories_"].items()}
        if state.get("search_") is not None:
            model.search_ = state["search_"]
        model.calibrator_ = calibrator_from_state(state["calibrator_"])
        model.baseline_ = LinearBaseline.from_state(state["baseline_"])
        model.booster_ = Booster(model_str=state["booster_"])
        return model

    def save(self, path: str | Path) -> None:
        """Write the fitted model as one JSON file (whole or not at all)."""
        atomic_write_text(path, json.dumps(self.to_state()))

    @classmethod
    def load(cls, path: str | Path) -> PropensityModel:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelFileError(f"{path}: cannot be read as a saved model ({exc})") from None
        return cls.from_state(data, where=str(path))
