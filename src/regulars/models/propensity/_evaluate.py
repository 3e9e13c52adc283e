"""Honest evaluation of a probability: ranking, calibration, and lift a team can act on."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

__all__ = ["evaluate"]


def evaluate(y: np.ndarray, p: np.ndarray, *, top_k: int = 100) -> dict:
    """AUC, PR-AUC, Brier, calibration by decile, lift and capture by decile, precision at top k."""
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    order = np.argsort(-p, kind="stable")
    deciles = np.array_split(order, 10)
    base = y.mean()
    table = []
    captured = 0
    for i, idx in enumerate(deciles, start=1):
        captured += y[idx].sum()
        table.append({"decile": i, "customers": len(idx), "mean_predicted": float(p[idx].mean()),
                      "actual_rate": float(y[idx].mean()), "lift": float(y[idx].mean() / base) if base else 0.0,
                      "capture": float(captured / y.sum()) if y.sum() else 0.0})
    bins = pd.cut(p, np.linspace(0, 1, 11), include_lowest=True)
    calib = pd.DataFrame({"p": p, "y": y, "bin": bins}).groupby("bin", observed=True).agg(
        customers=("y", "size"), mean_predicted=("p", "mean"), actual_rate=("y", "mean"))
    ece = float((calib["customers"] * (calib["mean_predicted"] - calib["actual_rate"]).abs()).sum() / len(y))
    k = min(top_k, len(y))
    return {
        "auc": float(roc_auc_score(y, p)), "pr_auc": float(average_precision_score(y, p)),
        "brier": float(brier_score_loss(y, p)), "calibration_error": ece, "base_rate": float(base),
        f"precision_at_{k}": float(y[order[:k]].mean()),
        "deciles": table,
        "calibration": [{"range": str(b), **row} for b, row in calib.to_dict("index").items()],
    }
