"""How a run's scores moved since the run before: each score's mean then and now and the
population stability index over the earlier run's tenths."""

from __future__ import annotations

from typing import Any

import ibis.expr.types as ir
import numpy as np

from regulars.metrics._query import fetch
from regulars.models.drift import population_stability

__all__ = ["population_stability", "score_drift"]


def score_drift(scores: ir.Table, run_id: str, before_id: str, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    """Per score of ``columns`` (in the wide ``scores`` table) with at least ten values in both
    runs: its mean in ``run_id`` and in ``before_id`` and the population stability index."""
    out = []
    for column in columns:
        now, then = (fetch(scores.filter((scores.run_id == run) & scores[column].notnull()).select(column))
                     .column(0).to_numpy().astype(float) for run in (run_id, before_id))
        if len(now) < 10 or len(then) < 10:
            continue
        psi = population_stability(now, then)
        if psi is not None:
            out.append({"score": column, "mean": float(now.mean()), "mean_before": float(then.mean()), "psi": psi})
    return out
