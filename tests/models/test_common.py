"""Every estimator through the one contract (as scikit-learn's common tests do): the constructor
only stores settings, ``fit`` returns ``self`` and leaves the settings alone, fitted attributes end
in ``_``, predicting before fitting raises ``NotFittedError``, a saved model loads back to the same
predictions, and a file of another format is refused. (``EngagementScore`` has no fit: its points
are settings, so it is not listed.)"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from regulars.errors import ModelFileError, NotFittedError
from regulars.models.clv import (
    BetaGeoBetaBinomFitter,
    BetaGeoFitter,
    GammaGammaFitter,
    ModifiedBetaGeoFitter,
    ParetoNBDFitter,
)
from regulars.models.propensity import PropensityModel
from tests.conftest import FIXTURES


@dataclass
class Case:
    make: Callable[[], Any]
    data: Callable[[], tuple]
    predict: Callable[[Any, tuple], np.ndarray]


def _summary() -> tuple:
    rng = np.random.default_rng(3)
    n = 600
    T = rng.uniform(20, 60, n).round(1)
    x = rng.poisson(2, n)
    tx = np.where(x > 0, (T * rng.uniform(0.2, 1, n)).round(1), 0.0)
    return (pd.DataFrame({"frequency": x, "recency": tx, "T": T, "monetary_value": rng.gamma(4, 10, n) * (x > 0)}),)


def _donations() -> tuple:
    table = pd.read_csv(FIXTURES / "donations_rf.csv")
    return (table.loc[table.index.repeat(table["donors"])].drop(columns="donors").reset_index(drop=True),)


def _labelled() -> tuple:
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"visits": rng.poisson(3, 800), "recency": rng.exponential(30, 800),
                      "plan": pd.Categorical(rng.choice(["a", "b", "c"], 800))})
    y = (rng.random(800) < 1 / (1 + np.exp(0.05 * X["recency"] - 1))).astype(int).to_numpy()
    return X, y


CASES = {
    "BetaGeoFitter": Case(BetaGeoFitter, _summary, lambda m, d: m.conditional_probability_alive(d[0])),
    "ModifiedBetaGeoFitter": Case(ModifiedBetaGeoFitter, _summary, lambda m, d: m.conditional_probability_alive(d[0])),
    "ParetoNBDFitter": Case(ParetoNBDFitter, _summary, lambda m, d: m.conditional_probability_alive(d[0])),
    "GammaGammaFitter": Case(GammaGammaFitter, _summary, lambda m, d: m.conditional_expected_average_profit(d[0])),
    "BetaGeoBetaBinomFitter": Case(BetaGeoBetaBinomFitter, _donations,
                                   lambda m, d: m.conditional_probability_alive(d[0].head(50))),
    "PropensityModel": Case(lambda: PropensityModel(n_estimators=50), _labelled, lambda m, d: m.predict_proba(d[0])),
}


@pytest.fixture(params=sorted(CASES))
def case(request) -> Case:
    return CASES[request.param]


def test_the_estimator_contract(case, tmp_path):
    model = case.make()
    data = case.data()
    settings = model.get_params()
    assert clone(model).get_params() == settings  # the constructor only stores its settings
    with pytest.raises(NotFittedError):
        case.predict(model, data)
    before = set(vars(model))
    assert model.fit(*data) is model
    assert model.get_params() == settings
    added = set(vars(model)) - before
    assert added and all(name.endswith("_") for name in added), sorted(added)
    predicted = case.predict(model, data)
    assert np.isfinite(predicted).all()
    model.save(tmp_path / "model.json")
    np.testing.assert_allclose(case.predict(type(model).load(tmp_path / "model.json"), data), predicted, rtol=1e-12)
    saved = json.loads((tmp_path / "model.json").read_text())
    saved["format_version"] = 999
    (tmp_path / "other.json").write_text(json.dumps(saved))
    with pytest.raises(ModelFileError):
        type(model).load(tmp_path / "other.json")
