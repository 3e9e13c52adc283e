"""How a run's scores moved since the run before: each score's mean then and now and the
population stability index over the earlier run's tenths."""

from __future__ import annotations

from typing import Any

import ibis.expr.types as ir
import numpy as np

from regulars.metrics._query import fetch

__all__ = ["population_stability", "score_drift"]


def population_stability(now: np.ndarray, then: np.ndarray) -> float | None:
    """The population stability index of ``now`` against ``then``'s tenths (below 0.1 stable,
    0.1-0.25 a moderate shift, above 0.25 a large one); None when ``then`` has too few distinct
    values to cut into parts."""
    edges = np.unique(np.quantile(then, np.linspace(0, 1, 11)))
    if len(edges) < 3:
        return None
    share = [np.histogram(np.clip(x, edges[0], edges[-1]), edges)[0] / len(x) for x in (now, then)]
    a, b = (np.clip(x, 1e-4, None) for x in share)
    return float(((a - b) * np.log(a / b)).sum())


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
