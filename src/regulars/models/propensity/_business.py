"""Learning a label the business provides (a customer column such as a CRM "churned" flag)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from regulars.errors import InsufficientDataError, SettingsError
from regulars.features import attribute_frame
from regulars.models.propensity._card import answered_by, model_card
from regulars.models.propensity._choose import choose_model
from regulars.models.propensity._evaluate import evaluate
from regulars.models.propensity._leakage import leakage_flags
from regulars.models.propensity._model import PropensityModel

__all__ = ["BusinessLabel", "learn_business_label"]

#: Fewest customers of each outcome a holdout evaluation can rest on.
MIN_PER_CLASS = 10


@dataclass(frozen=True)
class BusinessLabel:
    positive: str
    rows_known: int
    card: dict[str, Any]
    scored: pd.DataFrame  # customer_id, probability, reasons


def _positive_value(values: pd.Series, positive: str | None, target: str) -> str:
    seen = set(values.dropna().astype(str).unique())
    if positive is not None:
        if positive not in seen:
            raise SettingsError(f"--positive {positive!r} does not occur in {target!r}; its values are {sorted(seen)[:10]}")
        return positive
    for candidate in ("Yes", "yes", "1", "1.0", "True", "true"):
        if candidate in seen:
            return candidate
    raise SettingsError(f"say which value of {target!r} is the outcome to predict with --positive; "
                        f"its values are {sorted(seen)[:10]}")


def _fairness(customers: pd.DataFrame, X: pd.DataFrame, y: np.ndarray, p: np.ndarray,
              by: Sequence[str]) -> dict[str, Any]:
    """The fairness check of the holdout at 50% (no playbook acts on a column of the shop's own)."""
    from datetime import date

    from regulars.features import customer_groups, group_attribute
    from regulars.models.fairness import fairness_audit, fairness_summary

    audits, missing = [], []
    for name in by:
        attribute = group_attribute(name)
        groups = customer_groups(customers, attribute, date.today()).reindex(X.index.astype(str))
        if groups.notna().sum() < 2 or groups.nunique() < 2:
            missing.append(attribute)
            continue
        audits.append(fairness_audit(y, p, groups.to_numpy(), threshold=0.5, attribute=attribute))
    return {"threshold": 0.5, "playbook": "", "audits": audits, "not_held": missing, "checked_on": int(len(y)),
            "summary": fairness_summary(audits, threshold=0.5, playbook="", checked_on=len(y), not_held=missing)}


def learn_business_label(customers: pd.DataFrame, target: str, *, positive: str | None = None,
                         holdout: float = 0.3, exclude: Sequence[str] = (), allow: Sequence[str] = (),
                         score_all: bool = False, search_seconds: float | None = None,
                         seed: int = 42, fairness_by: Sequence[str] = ()) -> BusinessLabel:
    """Fit on the customers whose ``target`` is known, evaluate on a stratified holdout, and score
    the rest; columns that look recorded after the outcome are left out unless in ``allow``. The
    holdout is also checked for fairness ``fairness_by`` each attribute the customers hold."""
    from sklearn.model_selection import train_test_split

    frame = attribute_frame(customers).sort_index()  # the split must not depend on scan order
    if target not in frame.columns:
        raise SettingsError(f"no customer column {target!r}; columns are: {', '.join(map(str, frame.columns))}")
    unknown = [c for c in (*exclude, *allow) if c not in frame.columns]
    if unknown:
        raise SettingsError(f"no customer column {unknown[0]!r} to exclude or allow")
    labels = frame[target]
    if pd.api.types.is_numeric_dtype(labels):  # 1.0 reads as "1", as the export wrote it
        labels = labels.map(lambda v: None if pd.isna(v) else f"{v:g}")
    labels = labels.astype("string")
    wanted = _positive_value(labels, positive, target)
    known = labels.notna()
    y = (labels[known] == wanted).astype(int).to_numpy()
    counts = np.bincount(y, minlength=2)
    if counts.min() < MIN_PER_CLASS:
        raise InsufficientDataError(
            f"{target!r} = {wanted!r} for {counts[1]:,} customers and otherwise for {counts[0]:,}; learning it "
            f"needs at least {MIN_PER_CLASS} of each (load more customers, or choose another --positive)")
    X = frame.drop(columns=[target, *exclude])
    X = X.loc[:, X[known].notna().any()]  # a column nobody filled in says nothing
    flags = leakage_flags(X[known], y)
    X = X.drop(columns=[c for c in flags if c not in allow])
    train_X, test_X, train_y, test_y = train_test_split(X[known], y, test_size=holdout, stratify=y, random_state=seed)
    if min(np.bincount(test_y, minlength=2)) == 0 or min(np.bincount(train_y, minlength=2)) < MIN_PER_CLASS:
        raise InsufficientDataError(f"a {holdout:.0%} holdout leaves too few customers of one outcome to learn "
                                    "from or to test on; use a larger or smaller --holdout")
    model = PropensityModel(search_seconds=search_seconds, random_state=seed).fit(train_X, train_y)
    metrics = {"model": evaluate(test_y, model.predict_positive(test_X)),
               "baseline_logistic": evaluate(test_y, model.predict_baseline(test_X))}
    chosen = choose_model(metrics, ("model", "baseline_logistic"))
    model.set_params(predictor=chosen["candidate"])  # the model that ranked best answers
    # the records the outcome applies to: those with something known besides it (not a record
    # made only because an order named the customer)
    applies = X.notna().any(axis=1).to_numpy()
    to_score = X[applies] if score_all else X[~known.to_numpy() & applies]
    if not chosen["beats_chance"]:
        to_score = to_score.iloc[:0]  # a model no better than a coin toss offers no scores to use
    p = model.predict_positive(to_score) if len(to_score) else np.zeros(0)
    scored = pd.DataFrame({"customer_id": to_score.index.astype(str), "probability": p})
    scored["reasons"] = model.reason_text(to_score, p=p)
    card = model_card(
        model, target=f"{target} = {wanted}", metrics=metrics, leakage_flags=flags, excluded=exclude,
        data_window={"customers_with_known_value": int(known.sum()), "holdout_share": holdout, "seed": seed},
        evaluated_on=f"a stratified {holdout:.0%} holdout ({len(test_y):,} customers) kept out of training")
    card = answered_by(card, metrics, chosen)
    if fairness_by and chosen["beats_chance"]:
        card["fairness"] = _fairness(customers, test_X, test_y, model.predict_positive(test_X), fairness_by)
    if not chosen["beats_chance"]:
        low, high = chosen["auc_interval"]
        card["no_better_than_chance"] = (
            f"no better than chance: on {len(test_y):,} customers kept out of training it ranked with AUC "
            f"{chosen['auc']:.2f} (95% interval {low:.2f}-{high:.2f}, which includes 0.50, a coin toss), so no "
            f"customer is scored; {target!r} does not follow from what else is known of them")
    return BusinessLabel(positive=wanted, rows_known=int(known.sum()), card=card, scored=scored)
