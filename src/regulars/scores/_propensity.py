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
from regulars.scores._checks import customer_profiles, fairness_of, model_drift, realised_accuracy
from regulars.scores._scorer import RunContext, Scored

__all__ = ["ModelCache", "PropensityScorer", "audit_fairness", "fingerprint", "score_propensity"]

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

    def latest(self, name: str) -> tuple[PropensityModel, dict[str, Any]] | None:
        """The model kept for ``name`` whatever data it learned from (None if none, or unreadable)."""
        try:
            saved = json.loads(self._path(name).read_text(encoding="utf-8"))
            return PropensityModel.from_state(saved["model"]), saved["card"]
        except (OSError, UnicodeDecodeError, ValueError, ModelFileError, KeyError, TypeError):
            return None

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
        card["fairness"] = fairness_of(tables, check["holdout"], column, start, fairness["by"], fairness.get("acting"),
                                       fairness.get("group_levels"))
    used = list(model.feature_names_in_)  # what it learned from, for each run's drift check
    card["training_profile"] = training_profile(X[used], model.predict_positive(X.reindex(columns=used)))
    return model, card


def audit_fairness(tables: dict[str, ir.Table], label: str, cutoff: date, horizon_days: int, *, by: list[str],
                   acting: tuple[float, str] | None, mitigate: str | None = None, seed: int = 0,
                   group_levels: tuple[str, dict[str, float]] | None = None) -> dict[str, Any]:
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
    found = fairness_of(tables, check["holdout"], column, start, by, acting, group_levels)
    found["model"] = chosen["words"]
    if mitigate:
        profiles = customer_profiles(tables)
        holdout = check["holdout"]
        found["mitigation"] = [group_thresholds(
            holdout["outcome"], holdout[column],
            customer_groups(profiles, group_attribute(a["attribute"]), start).reindex(holdout.index),
            threshold=found["threshold"], attribute=a["attribute"], constraint=mitigate, seed=seed)
            for a in found["audits"]]
    return found


def _still_fits(cache: ModelCache, label: str, horizon_days: int, fairness: dict[str, Any] | None,
                tables: dict[str, ir.Table], cutoff: date, frames: FeatureFrames
                ) -> tuple[PropensityModel, dict[str, Any]] | None:
    """The kept model, when the customers it would score now look like those it learned from
    (no significant drift in its inputs or scores) and it answers the same question; else None."""
    kept = cache.latest(label)
    if kept is None:
        return None
    model, card = kept
    if (card.get("horizon_days") != horizon_days or not card.get("training_profile")
            or card.get("fairness_settings") != json.loads(json.dumps(fairness))):  # as kept in JSON
        return None
    now, _ = labelled_features(tables, label, cutoff, horizon_days, frames)
    X = now.reindex(columns=model.feature_names_in_)
    drift = model_drift(card["training_profile"], X, model.predict_positive(X) if len(X) else np.zeros(0))
    return None if drift["significant"] else (model, card)


def score_propensity(tables: dict[str, ir.Table], label: str, cutoff: date, horizon_days: int, *,
                     cache: ModelCache | None = None, data_version: Any = None,
                     frames: FeatureFrames | None = None, fairness: dict[str, Any] | None = None,
                     retrain: str = "always") -> tuple[pd.DataFrame, dict[str, Any]]:
    """``customer_id``, ``<label>_probability`` and ``<label>_reasons`` for every customer the label
    applies to at ``cutoff`` (buyers for churn, leads for conversion), and the model card
    (checked for ``fairness``: ``by`` the attributes, at the ``acting`` playbook's level).
    ``retrain``: "always" learns again whenever the data or the cutoff change; "on_drift" keeps
    the last model until what it scores drifts significantly from what it learned from.

    Raises ``InsufficientDataError`` when there is too little history to learn the label."""
    frames = frames or FeatureFrames(tables)
    key = fingerprint(label=label, horizon_days=horizon_days, cutoff=cutoff, data=data_version, fairness=fairness)
    keeping = cache is not None and data_version is not None
    found = cache.get(label, key) if keeping else None
    if isinstance(found, str):
        raise InsufficientDataError(f"{found} (the data has not changed since)")
    if found is None and keeping and retrain == "on_drift":
        kept = _still_fits(cache, label, horizon_days, fairness, tables, cutoff, frames)
        if kept is not None:
            found = (kept[0], {**kept[1], "reused_on_drift": True})
    if found is not None:
        model, card = found
        on_drift = card.pop("reused_on_drift", False)
        card = {**card, "reused": "the customers it scores look like those it learned from (no significant drift), "
                                  "so it was not retrained, as the settings ask (retrain = \"on_drift\")"
                if on_drift else "nothing changed since this model was trained, so it was not retrained"}
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
        card["fairness_settings"] = fairness
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
        fairness = {"by": list(ctx.settings.privacy.fairness_by), "acting": ctx.acting.get(self.name),
                    "group_levels": ctx.group_levels.get(self.name)}
        frame, card = score_propensity(ctx.tables, self.name, ctx.cutoff, horizon, cache=ctx.cache,
                                       data_version=ctx.data_version, frames=ctx.frames, fairness=fairness,
                                       retrain=ctx.settings.run.retrain)
        earlier = ctx.earlier_scores.get(self.name)
        if earlier is not None:
            chosen = card.get("chosen") or {}
            found = realised_accuracy(ctx.tables, self.name, earlier, horizon, chosen.get("auc"))
            if found is not None:
                card = {**card, "realised": found}
        frame = frame.rename(columns={f"{self.name}_probability": "probability", f"{self.name}_reasons": "reasons"})
        card = {k: v for k, v in card.items() if k not in ("training_profile", "fairness_settings")}  # the model's
        return Scored(frame=frame, card=card, version=card["version"])
