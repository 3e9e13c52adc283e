"""Propensity scores for every customer a label applies to, as of a cutoff, with three reasons
and a model card whose metrics come from an earlier window the model did not train on.

Training is the slow part, so a fitted model is kept with the fingerprint of what it learned
from (label, horizon, cutoff, the loaded batches, the model format); the next run with the same
fingerprint reuses it and only scores, and any new data or a new cutoff retrains.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from regulars._files import atomic_write_text
from regulars._json import dumps
from regulars._version import __version__
from regulars.errors import InsufficientDataError, ModelFileError, RegularsError
from regulars.features import FeatureFrames
from regulars.models.propensity import (
    ANSWERS,
    BASELINES,
    CANDIDATES,
    OUTCOMES,
    NoBetterThanChance,
    PropensityModel,
    answered_by,
    choose_model,
    labelled_features,
    model_card,
    propensity_backtest,
)
from regulars.models.drift import training_profile
from regulars.scores._scorer import RunContext, Scored

__all__ = ["ModelCache", "PropensityScorer", "audit_fairness", "fairness_of", "fingerprint", "model_alerts",
           "model_drift", "realised_accuracy", "score_propensity"]

#: The tables each label needs before it can apply at all.
NEEDS = {"churn": ("orders",), "purchase": ("orders",), "conversion": ("orders",), "support": ("tickets",)}


def fingerprint(**facts: Any) -> str:
    """A short stable hash of what a model is trained from."""
    text = json.dumps({**facts, "format_version": PropensityModel.format_version, "regulars": __version__},
                      sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class ModelCache:
    """Fitted models in a folder, one JSON file each, with the fingerprint of the data it learned
    from. A file that is missing, unreadable, of another format or another fingerprint is no
    model: the caller retrains. Reading a file never runs code from it (no pickles)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def _path(self, name: str) -> Path:
        return self.folder / f"{name}.json"

    def get(self, name: str, key: str) -> tuple[PropensityModel, dict[str, Any]] | str | None:
        """The kept model and card; or, when the same data was too little to learn from last
        time, the reason why (so the next run does not try again); or None."""
        try:
            saved = json.loads(self._path(name).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            return None
        if not isinstance(saved, dict) or saved.get("fingerprint") != key:
            return None
        if isinstance(saved.get("skipped"), str):
            return saved["skipped"]
        try:
            return PropensityModel.from_state(saved.get("model")), saved["card"]
        except (ModelFileError, KeyError, TypeError, ValueError):  # another format, or a damaged file
            return None

    def put(self, name: str, key: str, model: PropensityModel, card: dict[str, Any]) -> None:
        """Keep the model (whole or not at all); raises ``OSError`` or ``SettingsError`` when the
        folder cannot be written."""
        self.folder.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self._path(name), dumps({"fingerprint": key, "card": card, "model": model.to_state()}))

    def put_skipped(self, name: str, key: str, reason: str) -> None:
        """Remember that this data was too little to learn ``name`` from, and why."""
        self.folder.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self._path(name), dumps({"fingerprint": key, "skipped": reason}))


def _customer_profiles(tables: dict[str, ir.Table]) -> pd.DataFrame:
    """Each resolved customer's profile columns a group can be read from."""
    if "customers" not in tables:
        return pd.DataFrame(columns=["customer_id"])
    customers = tables["customers"]
    columns = [c for c in ("country", "region", "lead_source", "birthday", "attributes") if c in customers.columns]
    return customers.select(customer_id=customers.resolved_id, **{c: customers[c] for c in columns}
                            ).to_pyarrow().to_pandas()


def fairness_of(tables: dict[str, ir.Table], holdout: pd.DataFrame, column: str, cutoff: date,
                by: list[str], acting: tuple[float, str] | None) -> dict[str, Any]:
    """The model's fairness on the customers it was checked on, for each attribute of ``by`` the
    shop holds, when customers at ``acting``'s level (a playbook's; else 50%) are picked."""
    from regulars.features import customer_groups, group_attribute
    from regulars.models.fairness import fairness_audit

    level, playbook = acting or (0.5, "")
    profiles = _customer_profiles(tables)
    audits, missing = [], []
    for name in by:
        attribute = group_attribute(name)
        groups = customer_groups(profiles, attribute, cutoff).reindex(holdout.index)
        if groups.notna().sum() < 2 or groups.nunique() < 2:
            missing.append(attribute)
            continue
        audits.append(fairness_audit(holdout["outcome"], holdout[column], groups, threshold=level,
                                     attribute=attribute))
    from regulars.models.fairness import fairness_summary

    found = {"threshold": level, "playbook": playbook, "audits": audits, "not_held": missing,
             "checked_on": int(len(holdout))}
    return {**found, "summary": fairness_summary(audits, threshold=level, playbook=playbook,
                                                 checked_on=len(holdout), not_held=missing)}


def _checked(tables: dict[str, ir.Table], label: str, cutoff: date, horizon_days: int,
             frames: FeatureFrames) -> tuple[dict[str, Any], dict[str, Any]]:
    """The check one horizon before ``cutoff`` (``propensity_backtest``) and the candidate it
    chose; a label none of them predicts better than chance raises ``NoBetterThanChance``."""
    start = cutoff - timedelta(days=horizon_days)
    try:
        check = propensity_backtest(tables, label, start, horizon_days, frames=frames)
    except InsufficientDataError as exc:  # a model that cannot be checked has not earned its place
        raise InsufficientDataError(f"cannot be checked on the horizon before the one it would learn from ({exc}); "
                                    "a model that cannot be checked is not shown") from None
    X, _ = check["tested_on"]
    rule_feature = BASELINES.get(label, (None,))[0]
    usable = rule_feature in X.columns and X[rule_feature].notna().any()
    chosen = choose_model(check["metrics"], tuple(k for k in CANDIDATES if k != "baseline_rule" or usable))
    if not chosen["beats_chance"]:
        low, high = chosen["auc_interval"]
        raise NoBetterThanChance(
            f"no better than chance: on {chosen['tested_on']:,} customers one horizon earlier the best model "
            f"({chosen['words']}) ranked with AUC {chosen['auc']:.2f} (95% interval {low:.2f}-{high:.2f}, "
            "which includes 0.50, a coin toss); no probability is shown and no playbook uses it")
    return check, chosen


def _train(tables: dict[str, ir.Table], label: str, cutoff: date, horizon_days: int,
           frames: FeatureFrames, fairness: dict[str, Any] | None = None) -> tuple[PropensityModel, dict]:
    """Fit on the last full horizon before ``cutoff``; measure the same recipes one horizon
    earlier, where LightGBM, the logistic regression and the simple rule compete: the best
    answers, and a label none of them predicts better than chance is not scored at all."""
    start = cutoff - timedelta(days=horizon_days)
    check, chosen = _checked(tables, label, cutoff, horizon_days, frames)
    metrics, evaluated_on = check["metrics"], check["card"]["evaluated_on"]
    X, y = check["tested_on"]  # the customers and outcomes of the horizon before ``cutoff``
    keep = [c for c in X.columns if X[c].notna().any()]
    if chosen["candidate"] == "rule":
        model = PropensityModel(predictor="logistic").fit(X[[BASELINES[label][0]]], y)
    else:
        model = PropensityModel(predictor=chosen["candidate"]).fit(X[keep], y)
    card = model_card(model, target=label, metrics=metrics, evaluated_on=evaluated_on,
                      data_window={"features_as_of": str(start), "outcomes_between": f"{start} and {cutoff}"})
    card = answered_by({**card, "horizon_days": horizon_days}, metrics, chosen)
    if chosen["candidate"] == "rule":
        card["model"] = f"the simple rule: {BASELINES[label][1]}"
    column = ANSWERS[chosen["candidate"]]
    if fairness is not None and fairness["by"] and column in check["holdout"]:
        card["fairness"] = fairness_of(tables, check["holdout"], column, start, fairness["by"], fairness.get("acting"))
    used = list(model.feature_names_in_)  # what it learned from, for each run's drift check
    card["training_profile"] = training_profile(X[used], model.predict_positive(X.reindex(columns=used)))
    return model, card


def audit_fairness(tables: dict[str, ir.Table], label: str, cutoff: date, horizon_days: int, *, by: list[str],
                   acting: tuple[float, str] | None, mitigate: str | None = None, seed: int = 0) -> dict[str, Any]:
    """The fairness check a run makes, on request, for any attribute; with ``mitigate`` (a
    fairlearn constraint), what group thresholds would change, for each attribute checked."""
    from regulars.features import customer_groups, group_attribute
    from regulars.models.fairness import group_thresholds

    frames = FeatureFrames(tables)
    check, chosen = _checked(tables, label, cutoff, horizon_days, frames)
    column = ANSWERS[chosen["candidate"]]
    if column not in check["holdout"]:
        raise InsufficientDataError(f"the {label} model that answers ranks customers without a chance to pick at "
                                    "(the simple rule), so there is no threshold to check")
    start = cutoff - timedelta(days=horizon_days)
    found = fairness_of(tables, check["holdout"], column, start, by, acting)
    found["model"] = chosen["words"]
    if mitigate:
        profiles = _customer_profiles(tables)
        holdout = check["holdout"]
        found["mitigation"] = [group_thresholds(
            holdout["outcome"], holdout[column],
            customer_groups(profiles, group_attribute(a["attribute"]), start).reindex(holdout.index),
            threshold=found["threshold"], attribute=a["attribute"], constraint=mitigate, seed=seed)
            for a in found["audits"]]
    return found


#: Inputs that grow with the calendar for every customer (how long they have been one).
GROWS_WITH_TIME = frozenset({"days_since_signup", "days_since_first_order"})


def model_drift(profile: dict[str, Any], features: pd.DataFrame, scores: np.ndarray) -> dict[str, Any]:
    """How the customers scored now differ from those the model learned from: per input and for
    its scores, the PSI (and a distance beyond 1,000 rows), and the line an owner reads."""
    from regulars.features import label_of
    from regulars.models.drift import SIGNIFICANT, drift_from

    rows = drift_from(profile, features, scores)
    for r in rows:
        r["words"] = "its scores" if r["what"] == "score" else label_of(r["what"])
    for r in rows:  # a customer's age grows with the calendar: its shift is expected, shown, never alerted
        r["ages"] = r["what"] in GROWS_WITH_TIME
    shifted = [r for r in rows if r["reading"] == "significant" and not r["ages"]]
    moved = [r for r in rows if r["reading"] == "moderate" and not r["ages"]]
    named = ", ".join(f"{r['words']} {r['psi']:.2f}" for r in (shifted or moved)[:4])
    line = (f"a significant shift since it learned (stability index over {SIGNIFICANT}): {named}" if shifted else
            f"a moderate shift since it learned (stability index 0.1-0.25): {named}" if moved else
            "the customers it scores now look like those it learned from (every stability index under 0.1"
            + (", but for how long they have been customers, which grows with time)" if any(r["ages"] for r in rows)
               else ")"))
    return {"rows": rows, "significant": [r["what"] for r in shifted], "summary": line}


def realised_accuracy(tables: dict[str, ir.Table], label: str, earlier: tuple[str, date, pd.DataFrame],
                      horizon_days: int, expected_auc: float | None) -> dict[str, Any] | None:
    """How the scores of an earlier run (``earlier``: run id, cutoff, customer_id and score) did
    now that their horizon has passed: AUC and calibration against what happened, and whether
    the AUC fell below the one the model card expected (beyond its 95% interval)."""
    from regulars.models.propensity import auc_interval, evaluate

    from regulars.features import time_labels

    run_id, when, scores = earlier
    labels = time_labels(tables, label, when, horizon_days).to_pyarrow().to_pandas()
    joined = scores.merge(labels[["customer_id", "label"]], on="customer_id")
    y = joined["label"].to_numpy(dtype=int)
    if len(y) < 20 or len(np.unique(y)) < 2:
        return None
    found = evaluate(y, joined["score"].to_numpy(dtype=float))
    low, high = auc_interval(found["auc"], int(y.sum()), int(len(y) - y.sum()))
    fell = expected_auc is not None and high < expected_auc
    return {"run_id": run_id, "cutoff": str(when), "customers": int(len(y)), "auc": found["auc"],
            "auc_interval": [low, high], "expected_auc": expected_auc, "calibration_error": found["calibration_error"],
            "mean_predicted": float(joined["score"].mean()), "happened": float(y.mean()), "fell": fell,
            "summary": (f"the scores of {when} ranked with AUC {found['auc']:.2f} (95% interval {low:.2f}-{high:.2f}) "
                        f"against what happened in the {horizon_days} days after; "
                        + (f"below the {expected_auc:.2f} its check expected" if fell else
                           f"as its check expected ({expected_auc:.2f})" if expected_auc is not None else "")
                        + f"; predicted {joined['score'].mean():.0%}, happened to {y.mean():.0%}")}


def model_alerts(cards: dict[str, Any]) -> list[str]:
    """What a person should be told about the models of a run: a significant drift in what they
    score, or a realised accuracy below what their check expected; one sentence each."""
    said = []
    for label, card in cards.items():
        if not isinstance(card, dict):
            continue
        drift, realised = card.get("drift") or {}, card.get("realised") or {}
        if drift.get("significant"):
            said.append(f"{label.title()} model: {drift['summary']}; its chances may be off until it learns from "
                        "newer customers (it does at each run with new data)")
        if realised.get("fell"):
            said.append(f"{label.title()} model: {realised['summary']}")
    return said


def score_propensity(tables: dict[str, ir.Table], label: str, cutoff: date, horizon_days: int, *,
                     cache: ModelCache | None = None, data_version: Any = None,
                     frames: FeatureFrames | None = None,
                     fairness: dict[str, Any] | None = None) -> tuple[pd.DataFrame, dict[str, Any]]:
    """``customer_id``, ``<label>_probability`` and ``<label>_reasons`` for every customer the label
    applies to at ``cutoff`` (buyers for churn, leads for conversion), and the model card
    (checked for ``fairness``: ``by`` the attributes, at the ``acting`` playbook's level).

    Raises ``InsufficientDataError`` when there is too little history to learn the label."""
    frames = frames or FeatureFrames(tables)
    key = fingerprint(label=label, horizon_days=horizon_days, cutoff=cutoff, data=data_version, fairness=fairness)
    keeping = cache is not None and data_version is not None
    found = cache.get(label, key) if keeping else None
    if isinstance(found, str):
        raise InsufficientDataError(f"{found} (the data has not changed since)")
    if found is not None:
        model, card = found
        card = {**card, "reused": "nothing changed since this model was trained, so it was not retrained"}
    else:
        try:
            model, card = _train(tables, label, cutoff, horizon_days, frames, fairness)
        except InsufficientDataError as exc:
            if keeping:
                try:
                    cache.put_skipped(label, key, str(exc))
                except (OSError, RegularsError):
                    pass  # remembering saves time next run; failing to is no error
            raise
        card["version"] = key
        if keeping:
            try:
                cache.put(label, key, model, card)
            except (OSError, RegularsError) as exc:  # keeping the model saves time next run; failing to is no error
                card = {**card, "not_kept": f"could not keep the model for the next run: {exc}"}
    # who the label applies to now (their outcome is still to come); the features as of now
    now, _ = labelled_features(tables, label, cutoff, horizon_days, frames)
    X = now.reindex(columns=model.feature_names_in_)
    p = model.predict_positive(X) if len(X) else np.zeros(0)
    if card.get("training_profile"):
        card = {**card, "drift": model_drift(card["training_profile"], X, p)}
    out = pd.DataFrame({"customer_id": X.index, f"{label}_probability": p, f"{label}_reasons": model.reason_text(
        X, p=p, outcome=OUTCOMES.get(label), horizon_days=horizon_days)})
    return out, card


class PropensityScorer:
    """The chance of a label's outcome within its horizon (churn, conversion, support), with three
    reasons per customer; models are kept and reused until the data or the cutoff change."""

    def __init__(self, label: str) -> None:
        self.name = label

    def skip_reason(self, ctx: RunContext) -> str | None:
        missing = [t for t in NEEDS[self.name] if t not in ctx.tables]
        return f"no {' or '.join(missing)} loaded; the {self.name} model needs them" if missing else None

    def score(self, ctx: RunContext) -> Scored:
        horizon = ctx.settings.run.horizon(self.name)
        fairness = {"by": list(ctx.settings.privacy.fairness_by), "acting": ctx.acting.get(self.name)}
        frame, card = score_propensity(ctx.tables, self.name, ctx.cutoff, horizon, cache=ctx.cache,
                                       data_version=ctx.data_version, frames=ctx.frames, fairness=fairness)
        earlier = ctx.earlier_scores.get(self.name)
        if earlier is not None:
            chosen = card.get("chosen") or {}
            found = realised_accuracy(ctx.tables, self.name, earlier, horizon, chosen.get("auc"))
            if found is not None:
                card = {**card, "realised": found}
        frame = frame.rename(columns={f"{self.name}_probability": "probability", f"{self.name}_reasons": "reasons"})
        return Scored(frame=frame, card=card, version=card["version"])
