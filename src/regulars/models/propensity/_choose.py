"""Which model earns its place: the candidates (LightGBM, the logistic regression, the simple
rule) compete on the same holdout, the best by AUC answers, and it must beat chance: the lower
end of its AUC's 95% interval (Hanley & McNeil 1982, eq. 2) above 0.5. On a small shop the trees
can be a constant (AUC 0.50) while the logistic regression ranks well; on a big one the trees
usually win."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["ANSWERS", "CANDIDATES", "auc_interval", "choose_model"]

#: The holdout's metric names of each candidate, and its words.
CANDIDATES = {"model": ("trees", "LightGBM"), "baseline_logistic": ("logistic", "logistic regression"),
              "baseline_rule": ("rule", "the simple rule")}
#: The holdout's metric name of each kind of model that may answer.
ANSWERS = {kind: key for key, (kind, _) in CANDIDATES.items()}
#: A simpler candidate within this much AUC of a more complex one is preferred.
SIMPLER_WITHIN = 0.005


def auc_interval(auc: float, positives: int, negatives: int, z: float = 1.96) -> tuple[float, float]:
    """The interval of an AUC measured on ``positives`` and ``negatives`` (Hanley & McNeil's
    standard error)."""
    if positives < 1 or negatives < 1:
        return 0.0, 1.0
    q1, q2 = auc / (2 - auc), 2 * auc * auc / (1 + auc)
    var = (auc * (1 - auc) + (positives - 1) * (q1 - auc * auc) + (negatives - 1) * (q2 - auc * auc)) / (
        positives * negatives)
    se = math.sqrt(max(var, 0.0))
    return max(0.0, auc - z * se), min(1.0, auc + z * se)


def choose_model(metrics: dict[str, dict[str, Any]], allowed: tuple[str, ...] = tuple(CANDIDATES)
                 ) -> dict[str, Any]:
    """The candidate that answers, from a backtest's ``metrics``: its name, AUC and interval,
    whether it beats chance, and every candidate's AUC."""
    main = metrics["model"]
    n = sum(d["customers"] for d in main.get("deciles", []))
    positives = round(main["base_rate"] * n)
    aucs = {key: float(m["auc"]) for key, m in metrics.items() if key in CANDIDATES and key in allowed
            and m.get("auc") == m.get("auc")}
    order = ["baseline_rule", "baseline_logistic", "model"]  # simplest first: ties go to the simpler
    best = max(aucs, key=lambda k: (aucs[k], -order.index(k)))
    for simpler in order[:order.index(best)]:
        if simpler in aucs and aucs[simpler] >= aucs[best] - SIMPLER_WITHIN:
            best = simpler
            break
    low, high = auc_interval(aucs[best], positives, n - positives)
    kind, words = CANDIDATES[best]
    return {"candidate": kind, "words": words, "auc": round(aucs[best], 4), "auc_interval": [round(low, 4),
            round(high, 4)], "beats_chance": low > 0.5, "tested_on": n,
            "compared": {CANDIDATES[k][1]: round(v, 4) for k, v in aucs.items()}}
