"""BG/NBD against the paper (Fader, Hardie & Lee 2005) and against data with known parameters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import check_grad

from regulars.errors import RegularsError
from regulars.models.clv import BetaGeoFitter, NotFittedError, simulate_bgnbd
from regulars.models.clv._base import compress


def test_cdnow_summary_matches_the_paper(cdnow_summary):
    assert len(cdnow_summary) == 2357
    assert cdnow_summary["frequency"].sum() == 2457  # repeat transactions in the calibration period
    assert (cdnow_summary["frequency"] > 0).sum() == 946


def test_reproduces_the_published_parameters(cdnow_summary):
    model = BetaGeoFitter().fit(cdnow_summary)
    got = [model.params_[k] for k in ("r", "alpha", "a", "b")]
    np.testing.assert_allclose(got, [0.243, 4.414, 0.793, 2.426], atol=5e-4)
    assert model.log_likelihood_ == pytest.approx(-9582.4, abs=0.05)
    assert model.n_rows_ < model.n_customers_ / 2  # fitted on compressed rows
    low, high = model.confidence_intervals_["r"]
    assert low < 0.243 < high and model.standard_errors_["r"] > 0


def test_holdout_forecast_close_to_actual(cdnow_table):
    from datetime import date

    from regulars.models.clv import backtest

    result = backtest(cdnow_table, date(1997, 10, 1), 273, unit="weeks")
    m = result.metrics["bgnbd"]
    print(f"CDNOW 39-week holdout: predicted {m['total_predicted']:.0f} vs actual {m['total_actual']:.0f} repeat purchases")
    assert m["total_actual"] == 1882
    assert abs(m["total_predicted"] - m["total_actual"]) / m["total_actual"] < 0.15
    assert m["mae"] < result.metrics["baseline_rate"]["mae"]
    assert result.curve["predicted"].is_monotonic_increasing and len(result.curve) == 39


def test_analytic_gradient(cdnow_summary):
    rows, weights = compress(cdnow_summary, ("frequency", "recency", "T"))
    model = BetaGeoFitter()
    start = np.log([0.3, 4.0, 0.7, 2.5])
    rows = model._prepare(rows)
    error = check_grad(lambda p: model._negative_log_likelihood(p, rows, weights)[0],
                       lambda p: model._negative_log_likelihood(p, rows, weights)[1], start)
    assert error < 1e-2 * np.linalg.norm(model._negative_log_likelihood(start, rows, weights)[1])


def test_recovers_known_parameters_within_their_intervals():
    truth = {"r": 0.5, "alpha": 6.0, "a": 0.8, "b": 3.0}
    data = simulate_bgnbd(20_000, **truth, T=np.random.default_rng(1).uniform(20, 60, 20_000), seed=3)
    model = BetaGeoFitter().fit(data)
    for name, value in truth.items():
        low, high = model.confidence_intervals_[name]
        assert low < value < high, (name, low, value, high)


def test_predictions_are_sensible(cdnow_summary):
    model = BetaGeoFitter().fit(cdnow_summary)
    alive = model.conditional_probability_alive(cdnow_summary)
    assert ((alive > 0) & (alive <= 1)).all()
    assert (alive[cdnow_summary["frequency"] == 0] == 1).all()
    one = pd.DataFrame({"frequency": [5, 5], "recency": [30.0, 10.0], "T": [38.0, 38.0]})
    p = model.conditional_probability_alive(one)
    assert p[0] > p[1]  # the one who bought recently is more likely alive
    e = model.conditional_expected_number_of_purchases_up_to_time(10, one)
    assert e[0] > e[1] > 0
    assert np.all(np.diff(model.expected_number_of_purchases_up_to_time([1, 10, 50])) > 0)


def test_errors_and_persistence(cdnow_summary, tmp_path):
    with pytest.raises(NotFittedError, match="not fitted yet"):
        BetaGeoFitter().conditional_probability_alive(cdnow_summary)
    with pytest.raises(ValueError, match="missing from the input data: \\['T'\\]"):
        BetaGeoFitter().fit(cdnow_summary.drop(columns="T"))
    with pytest.raises(ValueError, match="recency <= T"):
        BetaGeoFitter().fit(pd.DataFrame({"frequency": [1], "recency": [5.0], "T": [3.0]}))
    with pytest.raises(ValueError, match="'penalizer' parameter of BetaGeoFitter must be a float >= 0"):
        BetaGeoFitter(penalizer=-1).fit(cdnow_summary)
    model = BetaGeoFitter().fit(cdnow_summary)
    model.save(tmp_path / "m.json")
    again = BetaGeoFitter.load(tmp_path / "m.json")
    np.testing.assert_allclose(again.conditional_probability_alive(cdnow_summary),
                               model.conditional_probability_alive(cdnow_summary))
    from regulars.models.clv import ParetoNBDFitter

    with pytest.raises(RegularsError, match="expected Pareto/NBD"):
        ParetoNBDFitter.load(tmp_path / "m.json")


def test_non_convergence_is_an_error(cdnow_summary):
    from regulars.models.clv import ConvergenceError

    with pytest.raises(ConvergenceError, match="did not converge"):
        BetaGeoFitter(max_iter=1).fit(cdnow_summary)
