"""Drift against what a model learned from: the PSI's usual reading on a planted shift and on
unchanged data, with a distance beyond 1,000 rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from regulars.models.drift import drift_from, population_stability, psi_reading, training_profile


def _customers(rng: np.random.Generator, n: int, shift: float = 0.0, french: float = 0.2) -> pd.DataFrame:
    return pd.DataFrame({"days_since_last_order": rng.gamma(2.0, 40.0, n) * (1 + shift),
                         "country": rng.choice(["GB", "FR"], n, p=[1 - french, french])})


def test_a_planted_shift_crosses_025_and_unchanged_data_stays_under_01():
    rng = np.random.default_rng(3)
    learned = _customers(rng, 5000)
    profile = training_profile(learned, scores=rng.random(5000))
    same = {r["what"]: r for r in drift_from(profile, _customers(rng, 5000), rng.random(5000))}
    assert all(r["psi"] < 0.1 and r["reading"] == "stable" for r in same.values())
    shifted = {r["what"]: r for r in drift_from(profile, _customers(rng, 5000, shift=0.6, french=0.6),
                                                rng.random(5000) ** 0.3)}
    assert shifted["days_since_last_order"]["psi"] > 0.25 and shifted["days_since_last_order"]["reading"] == "significant"
    assert shifted["country"]["psi"] > 0.25 and shifted["score"]["psi"] > 0.25
    # beyond 1,000 rows a distance stands beside the index
    assert shifted["days_since_last_order"]["wasserstein"] > 0.3 > same["days_since_last_order"]["wasserstein"]
    assert shifted["country"]["jensen_shannon"] > 0.2 > same["country"]["jensen_shannon"]


def test_the_index_and_its_reading():
    rng = np.random.default_rng(0)
    before = rng.normal(0, 1, 4000)
    assert population_stability(rng.normal(0, 1, 4000), before) < 0.1
    assert population_stability(rng.normal(1, 1, 4000), before) > 0.25
    assert population_stability(np.ones(50), np.ones(50)) is None  # one value: nothing to cut into tenths
    assert [psi_reading(v) for v in (0.05, 0.1, 0.2, 0.3)] == ["stable", "stable", "moderate", "significant"]


def test_small_samples_give_no_distance_and_too_few_rows_no_figure():
    rng = np.random.default_rng(1)
    profile = training_profile(_customers(rng, 800))
    found = {r["what"]: r for r in drift_from(profile, _customers(rng, 500))}
    assert "wasserstein" not in found["days_since_last_order"] and "jensen_shannon" not in found["country"]
    assert drift_from(profile, _customers(rng, 60)) == []  # too few to cut into tenths: no figure
    sparse = _customers(rng, 800)
    sparse.loc[sparse.index[50:], "days_since_last_order"] = np.nan  # what the few who wrote said
    assert "days_since_last_order" not in training_profile(sparse)
    assert found["days_since_last_order"]["reading"] == found["country"]["reading"] == "stable"
