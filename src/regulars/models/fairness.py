"""Whether a model treats groups of customers alike: per-group figures at the threshold a
playbook acts on, fairlearn's demographic-parity and equalised-odds differences and ratios, a
plain verdict, and group thresholds (fairlearn's ThresholdOptimizer) with their effect shown
before anyone adopts them.

fairlearn is the reference implementation of these measures, so they are its numbers. The
groups need not be a model input: a model can treat a group differently through features that
go with it (a country through distance and delivery times).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["EVEN_WITHIN", "MIN_GROUP", "SURE", "fairness_audit", "fairness_summary", "group_thresholds"]

#: Fewest customers a group's own figures rest on; smaller groups are pooled as "other groups".
MIN_GROUP = 30
#: Gaps in selection rate (demographic parity) and in true or false positive rate (equalised
#: odds) up to this are read as even: a common working reading, not a legal test.
EVEN_WITHIN = 0.10
#: A gap counts as real when groups drawn at random show one as large less often than this
#: (strict, as several attributes and two measures are read at once).
SURE = 0.01
UNKNOWN = "not known"
OTHERS = "other groups"


def _pooled(groups: pd.Series, min_group: int) -> pd.Series:
    """Group names as text, missing ones "not known", groups under ``min_group`` pooled."""
    named = groups.astype("object").where(groups.notna(), UNKNOWN).astype(str).str.strip().replace("", UNKNOWN)
    sizes = named.value_counts()
    small = sizes.index[sizes < min_group]
    if len(small) > 1:
        named = named.where(~named.isin(small), OTHERS)
    return named


def _rate(mask: np.ndarray, of: np.ndarray) -> float | None:
    return float(mask[of].mean()) if of.any() else None


def _group_row(name: str, y: np.ndarray, p: np.ndarray, picked: np.ndarray) -> dict[str, Any]:
    from sklearn.metrics import roc_auc_score

    both = 0 < y.sum() < len(y)
    return {"group": name, "customers": int(len(y)), "outcome_rate": float(y.mean()),
            "selection_rate": float(picked.mean()), "true_positive_rate": _rate(picked, y == 1),
            "false_positive_rate": _rate(picked, y == 0), "auc": float(roc_auc_score(y, p)) if both else None,
            "mean_predicted": float(p.mean()), "calibration_gap": float(p.mean() - y.mean())}


def _measures(y: np.ndarray, picked: np.ndarray, groups: np.ndarray) -> dict[str, float]:
    from fairlearn.metrics import (
        demographic_parity_difference,
        demographic_parity_ratio,
        equalized_odds_difference,
        equalized_odds_ratio,
    )

    with np.errstate(divide="ignore", invalid="ignore"):
        found = {"demographic_parity_difference": demographic_parity_difference(y, picked, sensitive_features=groups),
                 "demographic_parity_ratio": demographic_parity_ratio(y, picked, sensitive_features=groups),
                 "equalized_odds_difference": equalized_odds_difference(y, picked, sensitive_features=groups),
                 "equalized_odds_ratio": equalized_odds_ratio(y, picked, sensitive_features=groups)}
    return {k: (None if not np.isfinite(v) else round(float(v), 4)) for k, v in found.items()}


def _gaps(y: np.ndarray, picked: np.ndarray, codes: np.ndarray, k: int) -> tuple[float, float]:
    """Demographic-parity and equalised-odds differences, fast (for the shuffles of ``_chance``)."""
    def rates(mask: np.ndarray) -> np.ndarray:
        n = np.bincount(codes[mask], minlength=k)
        hit = np.bincount(codes[mask], weights=picked[mask], minlength=k)
        return hit[n > 0] / n[n > 0]

    spread = [np.ptp(r) if len(r) else 0.0 for r in (rates(np.ones(len(y), bool)), rates(y == 1), rates(y == 0))]
    return float(spread[0]), float(max(spread[1], spread[2]))


def _chance(y: np.ndarray, picked: np.ndarray, groups: np.ndarray, seen: tuple[float, float],
            shuffles: int = 400, seed: int = 0) -> tuple[float, float]:
    """How often groups of the same sizes drawn at random show gaps as large as ``seen`` (a
    permutation test): small groups differ by chance, and an owner should not act on that."""
    _, codes = np.unique(groups, return_inverse=True)
    k = int(codes.max()) + 1
    rng = np.random.default_rng(seed)
    drawn = np.array([_gaps(y, picked, rng.permutation(codes), k) for _ in range(shuffles)])
    return (float(((drawn[:, 0] >= seen[0] - 1e-12).sum() + 1) / (shuffles + 1)),
            float(((drawn[:, 1] >= seen[1] - 1e-12).sum() + 1) / (shuffles + 1)))


def _verdict(measures: dict[str, Any], rows: list[dict[str, Any]], attribute: str) -> str:
    """One plain sentence an owner can act on: even, a gap chance explains, or uneven and how."""
    dp, eo = measures["demographic_parity_difference"], measures["equalized_odds_difference"]
    p_dp, p_eo = measures["chance"]
    rates = sorted((r for r in rows if r["group"] not in (UNKNOWN, OTHERS)), key=lambda r: r["selection_rate"])
    if len(rates) < 2:
        return f"too few customers in each {attribute} to compare"
    low, high = rates[0], rates[-1]
    gap = (f"{high['group']} {high['selection_rate']:.0%} against {low['group']} {low['selection_rate']:.0%} "
           f"picked (demographic-parity difference {dp:.2f}"
           + (f", equalised-odds difference {eo:.2f})" if eo is not None else ")"))
    uneven_dp = dp > EVEN_WITHIN and p_dp < SURE
    uneven_eo = eo is not None and eo > EVEN_WITHIN and p_eo < SURE
    if dp <= EVEN_WITHIN and (eo is None or eo <= EVEN_WITHIN):
        return f"even by {attribute}: {gap}"
    if not (uneven_dp or uneven_eo):
        return (f"no clear difference by {attribute}: {gap}; groups of these sizes drawn at random differ "
                "as much more often than once in 100 tries")
    why = ("groups are picked at different rates" + (" (their outcomes differ too)" if abs(
        high["outcome_rate"] - low["outcome_rate"]) > EVEN_WITHIN / 2 else "") if uneven_dp else
           "among customers with the same outcome, some groups are picked more often")
    return f"uneven by {attribute}: {gap}; {why}"


def fairness_audit(y: Any, p: Any, groups: Any, *, threshold: float, attribute: str,
                   min_group: int = MIN_GROUP, levels: dict[str, float] | None = None) -> dict[str, Any]:
    """Per-group figures of probabilities ``p`` against outcomes ``y`` (0/1) when customers at or
    above ``threshold`` (or their group's of ``levels``) are picked, with fairlearn's measures
    over the groups, how often groups drawn at random show such gaps (``chance``: for the two
    differences) and a verdict."""
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    named = _pooled(pd.Series(groups).reset_index(drop=True), min_group).to_numpy()
    level = np.array([(levels or {}).get(g, threshold) for g in named], dtype=float)
    picked = (p >= level).astype(int)
    rows = [_group_row(g, y[named == g], p[named == g], picked[named == g].astype(bool))
            for g in pd.Series(named).value_counts().index]
    if len(rows) > 1:
        measures: dict[str, Any] = _measures(y, picked, named)
        measures["chance"] = _chance(y, picked, named, (measures["demographic_parity_difference"],
                                                        measures["equalized_odds_difference"] or 0.0))
    else:
        measures = dict.fromkeys(("demographic_parity_difference", "demographic_parity_ratio",
                                  "equalized_odds_difference", "equalized_odds_ratio", "chance"))
    return {"attribute": attribute, "threshold": threshold, "customers": int(len(y)),
            "accuracy": float((picked == y).mean()), "groups": rows, **measures,
            "verdict": _verdict(measures, rows, attribute) if len(rows) > 1 else
            f"one {attribute} only: nothing to compare"}


def _given_scores() -> Any:
    """A fitted "model" whose prediction is the score it is given: ThresholdOptimizer then learns
    group thresholds on probabilities a fitted model already made."""
    from sklearn.base import BaseEstimator

    class GivenScores(BaseEstimator):
        def fit(self, X: Any, y: Any) -> GivenScores:
            return self

        def predict(self, X: Any) -> np.ndarray:
            return np.asarray(X, dtype=float)[:, 0]

    scores = GivenScores()
    scores.fitted_ = True
    return scores


def group_thresholds(y: Any, p: Any, groups: Any, *, threshold: float, attribute: str,
                     constraint: str = "demographic_parity", seed: int = 0,
                     min_group: int = MIN_GROUP) -> dict[str, Any]:
    """What group thresholds would do. fairlearn's ThresholdOptimizer (``constraint``:
    demographic_parity or equalized_odds, the best accuracy within it) learns on one half of the
    customers (split by group and outcome, ``seed``) how many of each group to pick; each group's
    ``levels`` is the chance that picks that share of it there (a plain level a playbook can
    use, where the optimiser draws at random between two). The other half compares the single
    ``threshold`` with those levels. The same seed gives the same answer."""
    from fairlearn.postprocessing import ThresholdOptimizer
    from sklearn.model_selection import train_test_split

    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    named = _pooled(pd.Series(groups).reset_index(drop=True), min_group).to_numpy()
    strata = pd.Series(named).astype(str) + "|" + pd.Series(y).astype(str)
    if strata.value_counts().min() < 2:
        strata = pd.Series(y)
    learn, check = train_test_split(np.arange(len(y)), test_size=0.5, stratify=strata, random_state=seed)
    optimiser = ThresholdOptimizer(estimator=_given_scores(), constraints=constraint, objective="accuracy_score",
                                   prefit=True, predict_method="predict")
    optimiser.fit(p[learn, None], y[learn], sensitive_features=named[learn])
    picks = np.asarray(optimiser.predict(p[learn, None], sensitive_features=named[learn], random_state=seed))
    levels = {}
    for g in np.unique(named[learn]):
        if g in (UNKNOWN, OTHERS):  # no one group: these keep the single level
            continue
        mine = named[learn] == g
        share = float(picks[mine].mean())
        levels[str(g)] = round(float(np.quantile(p[learn][mine], 1 - share)), 4) if share > 0 else 1.0
    before = fairness_audit(y[check], p[check], named[check], threshold=threshold, attribute=attribute, min_group=1)
    after = fairness_audit(y[check], p[check], named[check], threshold=threshold, attribute=attribute, min_group=1,
                           levels=levels)
    return {"attribute": attribute, "constraint": constraint, "seed": seed, "learned_on": int(len(learn)),
            "checked_on": int(len(check)), "levels": levels, "before": before, "after": after,
            "reading": _reading(before, after, constraint)}


def _reading(before: dict[str, Any], after: dict[str, Any], constraint: str) -> str:
    """Whether group thresholds are worth adopting, in a sentence with the numbers."""
    key = "demographic_parity_difference" if constraint == "demographic_parity" else "equalized_odds_difference"
    was, now = before[key] or 0.0, after[key] or 0.0
    gap = "selection-rate gap" if constraint == "demographic_parity" else "equalised-odds gap"
    cost = (before["accuracy"] - after["accuracy"]) * 100
    moved = (f"the {gap} goes from {was:.2f} to {now:.2f} and accuracy from {before['accuracy']:.0%} to "
             f"{after['accuracy']:.0%}")
    if now >= was - 0.02:
        return f"not worth adopting: on customers the thresholds were not set on, {moved}"
    return (f"narrows the gap: on customers the thresholds were not set on, {moved}"
            + (f" ({cost:.0f} points of accuracy is the price)" if cost >= 1 else " (at no real cost in accuracy)"))


def fairness_summary(audits: list[dict[str, Any]], *, threshold: float, playbook: str, checked_on: int,
                     not_held: list[str]) -> str:
    """The card's fairness line: the uneven attributes in full, the rest named by reading."""
    picking = (f"picking at {threshold:.0%} as the playbook {playbook} does" if playbook else
               f"picking at {threshold:.0%} (no playbook acts on this score)")
    head = f"Fairness, {picking}, on {checked_on:,} customers it did not learn from"
    if not audits:
        return f"{head}: no group is recorded ({', '.join(not_held)}), so none was checked"
    said = [a["verdict"] for a in audits if a["verdict"].startswith("uneven")]
    for reading in ("even", "no clear difference", "too few customers in each", "one"):
        names = [a["attribute"] for a in audits if a["verdict"].startswith(reading + " ")]
        if names:
            joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
            said.append({"even": f"even by {joined}", "no clear difference": f"no clear difference by {joined}",
                         "too few customers in each": f"too few customers in each group of {joined}",
                         "one": f"one group only in {joined}"}[reading])
    return f"{head}: {'; '.join(said)}"
