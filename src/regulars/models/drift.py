"""Drift: whether the customers a model scores now look like the ones it learned from.

At training, each input and the model's own scores are summarised (``training_profile``): a
number by its training tenths (the bins of the population stability index) and 101 quantiles;
a category by its shares. Each run compares what it scores with that summary:

- the population stability index (PSI) over those bins, read the usual way: under 0.1 stable,
  0.1-0.25 a moderate shift, over 0.25 a significant one;
- beyond 1,000 rows, where the PSI flags small moves, a distance too: Wasserstein (between the
  quantiles, in training standard deviations) for numbers, Jensen-Shannon for categories.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["MIN_ROWS", "MODERATE", "SIGNIFICANT", "drift_from", "population_stability", "psi_reading", "training_profile"]

MODERATE, SIGNIFICANT = 0.1, 0.25
#: Rows beyond which a distance is given beside the PSI.
DISTANCE_ROWS = 1000
#: Fewest known values an input needs, then and now, for its tenths to mean anything (ten a
#: tenth): a column most customers lack (what the few who wrote said) is left out.
MIN_ROWS = 100
_FLOOR = 1e-4  # an empty bin's share, so the index stays finite


def psi_reading(psi: float) -> str:
    return "significant" if psi > SIGNIFICANT else "moderate" if psi > MODERATE else "stable"


def _psi(now: np.ndarray, then: np.ndarray) -> float:
    a, b = np.clip(now, _FLOOR, None), np.clip(then, _FLOOR, None)
    return float(((a - b) * np.log(a / b)).sum())


def _bins(values: np.ndarray) -> np.ndarray | None:
    edges = np.unique(np.quantile(values, np.linspace(0, 1, 11)))
    return edges if len(edges) >= 3 else None


def _shares(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    return np.histogram(np.clip(values, edges[0], edges[-1]), edges)[0] / len(values)


def population_stability(now: np.ndarray, then: np.ndarray) -> float | None:
    """The PSI of ``now`` over ``then``'s tenths; None when ``then`` has too few distinct values
    to cut into parts."""
    edges = _bins(np.asarray(then, dtype=float))
    if edges is None:
        return None
    return _psi(_shares(np.asarray(now, dtype=float), edges), _shares(np.asarray(then, dtype=float), edges))


def _profile_of(values: pd.Series) -> dict[str, Any] | None:
    known = values.dropna()
    if len(known) < MIN_ROWS:
        return None
    if pd.api.types.is_numeric_dtype(known) and not pd.api.types.is_bool_dtype(known):
        x = known.to_numpy(dtype=float)
        edges = _bins(x)
        if edges is None:
            return None
        return {"kind": "number", "edges": edges.tolist(), "shares": _shares(x, edges).tolist(),
                "quantiles": np.quantile(x, np.linspace(0, 1, 101)).tolist(), "std": float(x.std()) or 1.0,
                "missing": float(values.isna().mean())}
    shares = known.astype(str).value_counts(normalize=True)
    return {"kind": "category", "shares": {str(k): float(v) for k, v in shares.head(50).items()},
            "missing": float(values.isna().mean())}


def training_profile(features: pd.DataFrame, scores: np.ndarray | None = None) -> dict[str, Any]:
    """What a model learned from, per input (and its scores, as ``score``), kept on its card."""
    columns = {c: features[c] for c in features.columns}
    if scores is not None:
        columns["score"] = pd.Series(np.asarray(scores, dtype=float))
    found = {name: _profile_of(values) for name, values in columns.items()}
    return {name: p for name, p in found.items() if p is not None}


def _compare(profile: dict[str, Any], values: pd.Series) -> dict[str, Any] | None:
    known = values.dropna()
    if len(known) < MIN_ROWS:
        return None
    out: dict[str, Any] = {"rows": int(len(known))}
    if profile["kind"] == "number":
        x = pd.to_numeric(known, errors="coerce").dropna().to_numpy(dtype=float)
        if len(x) < MIN_ROWS:
            return None
        edges = np.asarray(profile["edges"])
        out["psi"] = _psi(_shares(x, edges), np.asarray(profile["shares"]))
        out["mean_before"], out["mean"] = float(np.dot(profile["quantiles"], np.full(101, 1 / 101))), float(x.mean())
        if len(x) > DISTANCE_ROWS:  # Wasserstein-1 between the quantile functions, in training sds
            now_q = np.quantile(x, np.linspace(0, 1, 101))
            out["wasserstein"] = float(np.abs(now_q - np.asarray(profile["quantiles"])).mean() / profile["std"])
    else:
        then = profile["shares"]
        now = known.astype(str).value_counts(normalize=True)
        names = sorted(set(then) | set(now.index))
        a = np.array([now.get(n, 0.0) for n in names])
        b = np.array([then.get(n, 0.0) for n in names])
        out["psi"] = _psi(a, b)
        if len(known) > DISTANCE_ROWS:
            from scipy.spatial.distance import jensenshannon

            out["jensen_shannon"] = float(jensenshannon(a, b, base=2))
    out["reading"] = psi_reading(out["psi"])
    return out


def drift_from(profile: dict[str, Any], features: pd.DataFrame, scores: np.ndarray | None = None
               ) -> list[dict[str, Any]]:
    """Each profiled input (and the scores) now against training, largest PSI first."""
    columns = {c: features[c] for c in features.columns}
    if scores is not None:
        columns["score"] = pd.Series(np.asarray(scores, dtype=float))
    rows = []
    for name, kept in profile.items():
        if name in columns:
            found = _compare(kept, columns[name])
            if found is not None:
                rows.append({"what": name, **found})
    return sorted(rows, key=lambda r: -r["psi"])
