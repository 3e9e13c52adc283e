"""The checks a run makes of each propensity model, beside its scores: fairness across groups of
customers on those it did not learn from, drift between what it learned from and what it scores
now, its realised accuracy once an earlier run's outcomes are known, and the alerts a person
should read."""

from __future__ import annotations

from datetime import date
from typing import Any

import ibis.expr.types as ir
import numpy as np
import pandas as pd

__all__ = ["GROWS_WITH_TIME", "customer_profiles", "fairness_of", "model_alerts", "model_drift", "realised_accuracy"]


def customer_profiles(tables: dict[str, ir.Table]) -> pd.DataFrame:
    """Each resolved customer's profile columns a group can be read from."""
    if "customers" not in tables:
        return pd.DataFrame(columns=["customer_id"])
    customers = tables["customers"]
    columns = [c for c in ("country", "region", "lead_source", "birthday", "attributes") if c in customers.columns]
    return customers.select(customer_id=customers.resolved_id, **{c: customers[c] for c in columns}
                            ).to_pyarrow().to_pandas()


def fairness_of(tables: dict[str, ir.Table], holdout: pd.DataFrame, column: str, cutoff: date,
                by: list[str], acting: tuple[float, str] | None,
                group_levels: tuple[str, dict[str, float]] | None = None) -> dict[str, Any]:
    """The model's fairness on the customers it was checked on, for each attribute of ``by`` the
    shop holds, when customers at ``acting``'s level (a playbook's; else 50%) are picked, or at
    their group's own (``group_levels``: the attribute and its levels, as the playbook has them)."""
    from regulars.features import customer_groups, group_attribute
    from regulars.models.fairness import fairness_audit, fairness_summary

    level, playbook = acting or (0.5, "")
    profiles = customer_profiles(tables)
    audits, missing = [], []
    for name in by:
        attribute = group_attribute(name)
        groups = customer_groups(profiles, attribute, cutoff).reindex(holdout.index)
        if groups.notna().sum() < 2 or groups.nunique() < 2:
            missing.append(attribute)
            continue
        own = group_levels[1] if group_levels and group_attribute(group_levels[0]) == attribute else None
        audits.append(fairness_audit(holdout["outcome"], holdout[column], groups, threshold=level,
                                     attribute=attribute, levels=own))
    found = {"threshold": level, "playbook": playbook, "audits": audits, "not_held": missing,
             "checked_on": int(len(holdout))}
    return {**found, "summary": fairness_summary(audits, threshold=level, playbook=playbook,
                                                 checked_on=len(holdout), not_held=missing)}


#: Inputs that grow with the calendar for every customer (how long they have been one).
GROWS_WITH_TIME = frozenset({"days_since_signup", "days_since_first_order"})


def model_drift(profile: dict[str, Any], features: pd.DataFrame, scores: np.ndarray) -> dict[str, Any]:
    """How the customers scored now differ from those the model learned from: per input and for
    its scores, the PSI (and a distance beyond 1,000 rows), and the line an owner reads."""
    from regulars.features import label_of
    from regulars.models.drift import SIGNIFICANT, drift_from

    rows = drift_from(profile, features, scores)
    for r in rows:  # a customer's age grows with the calendar: its shift is expected, shown, never alerted
        r["words"] = "its scores" if r["what"] == "score" else label_of(r["what"])
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
    from regulars.features import time_labels
    from regulars.models.propensity import auc_interval, evaluate

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
