"""Pareto/NBD and Gamma-Gamma against the reference values for CDNOW."""

from __future__ import annotations

import numpy as np
import pytest

from regulars.models.clv import GammaGammaFitter, ParetoNBDFitter


def test_pareto_nbd_matches_the_reference(cdnow_summary):
    # BTYD / lifetimes reference: r 0.5534, alpha 10.5802, s 0.6061, beta 11.6562, LL -9594.98
    model = ParetoNBDFitter().fit(cdnow_summary)
    got = [model.params_[k] for k in ("r", "alpha", "s", "beta")]
    np.testing.assert_allclose(got, [0.5534, 10.5802, 0.6061, 11.6562], rtol=2e-3)
    assert model.log_likelihood_ == pytest.approx(-9594.98, abs=0.05)
    alive = model.conditional_probability_alive(cdnow_summary)
    assert ((alive > 0) & (alive <= 1)).all()
    assert model.conditional_expected_number_of_purchases_up_to_time(39, cdnow_summary).sum() == pytest.approx(1665, rel=0.02)


def test_gamma_gamma_matches_the_paper(cdnow_summary):
    # Fader & Hardie, "The Gamma-Gamma model of monetary value": p 6.25, q 3.74, gamma 15.44
    model = GammaGammaFitter().fit(cdnow_summary)
    got = [model.params_[k] for k in ("p", "q", "v")]
    np.testing.assert_allclose(got, [6.25, 3.74, 15.44], atol=6e-3)
    assert model.n_customers_ == 946 and model.n_ignored_ == 2357 - 946
    assert abs(model.frequency_value_correlation_) < 0.3  # the independence assumption is plausible here
    spend = model.conditional_expected_average_profit(cdnow_summary)
    assert np.isfinite(spend).all() and (spend > 0).all()


def test_gamma_gamma_needs_repeat_customers():
    import pandas as pd

    from regulars.errors import InsufficientDataError

    with pytest.raises(InsufficientDataError, match="at least two customers whose repeat purchases have a value"):
        GammaGammaFitter().fit(pd.DataFrame({"frequency": [0, 1], "monetary_value": [0.0, 3.0]}))
    # all repeat spend zero (free samples): said plainly, counted
    with pytest.raises(InsufficientDataError, match=r"found 0 \(3 repeat customers spent nothing"):
        GammaGammaFitter().fit(pd.DataFrame({"frequency": [1, 2, 3], "monetary_value": [0.0, 0.0, 0.0]}))


def test_pareto_nbd_analytic_gradient(cdnow_summary):
    from regulars.models.clv._base import compress

    rows, weights = compress(cdnow_summary, ("frequency", "recency", "T"))
    model = ParetoNBDFitter()
    for start in (np.log([0.55, 10.6, 0.6, 11.7]), np.log([0.3, 5.0, 1.2, 20.0])):
        analytic = model._negative_log_likelihood(start, rows, weights)[1]
        numeric = model._numeric_gradient(start, rows, weights)
        np.testing.assert_allclose(analytic, numeric, rtol=2e-3, atol=1e-2)
