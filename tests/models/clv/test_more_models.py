"""MBG/NBD, BG/BB and the questions the peers answer, against published values (lifetimes'
tests quote BTYD, BTYDplus and Hardie's notes)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from regulars.models.clv import (
    BetaGeoBetaBinomFitter,
    BetaGeoFitter,
    ModifiedBetaGeoFitter,
    ParetoNBDFitter,
)
from tests.conftest import FIXTURES


def _fitted(cls, params):
    model = cls()
    model.params_ = dict(params)
    return model


def test_bgnbd_probability_of_n_purchases_matches_btyd():
    model = _fitted(BetaGeoFitter, {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})
    assert model.probability_of_n_purchases_up_to_time(2, 10) == pytest.approx(1.07869e-07, rel=1e-4)
    assert model.probability_of_n_purchases_up_to_time(39, 0) == pytest.approx(0.5737864, rel=1e-6)
    pmf = [model.probability_of_n_purchases_up_to_time(30, n) for n in range(11, 21)]
    np.testing.assert_allclose(pmf, [0.0019995214, 0.0015170236, 0.0011633150, 0.0009003148, 0.0007023638,
                                     0.0005517902, 0.0004361913, 0.0003467171, 0.0002769613, 0.0002222260],
                               rtol=1e-6)
    assert sum(model.probability_of_n_purchases_up_to_time(39, n) for n in range(300)) == pytest.approx(1)


def test_mbgnbd_reproduces_btydplus_on_cdnow(cdnow_summary):
    model = ModifiedBetaGeoFitter().fit(cdnow_summary)
    got = [model.params_[k] for k in ("r", "alpha", "a", "b")]
    np.testing.assert_allclose(got, [0.525, 6.183, 0.891, 1.614], atol=2e-3)
    # Hardie's spreadsheet: expected repeat purchases of a new customer (within 1% up to 32 weeks,
    # 3% at 78: the sheet predates Wagner & Hoppe's erratum; lifetimes allows 5%), and a conditional one
    times = np.array([0.1429, 1.0, 3.00, 31.8571, 32.00, 78.00])
    expected = np.array([0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576])
    error = np.abs(model.expected_number_of_purchases_up_to_time(times) / expected - 1)
    assert (error[:5] < 0.01).all() and error[5] < 0.035
    one = pd.DataFrame({"frequency": [2], "recency": [30.43], "T": [38.86]})
    assert model.conditional_expected_number_of_purchases_up_to_time(39, one)[0] == pytest.approx(1.226, abs=0.05)
    # unlike BG/NBD, a one-time buyer may have dropped out already
    quiet = pd.DataFrame({"frequency": [0], "recency": [0.0], "T": [30.0]})
    assert model.conditional_probability_alive(quiet)[0] < 1
    pmf = [model.probability_of_n_purchases_up_to_time(39, n) for n in range(300)]
    assert sum(pmf) == pytest.approx(1)
    assert sum(n * p for n, p in enumerate(pmf)) == pytest.approx(model.expected_number_of_purchases_up_to_time(39))


def test_pareto_nbd_for_a_new_customer(cdnow_summary):
    model = ParetoNBDFitter().fit(cdnow_summary)
    # BTYD's pnbd.Expectation on the same data
    np.testing.assert_allclose(model.expected_number_of_purchases_up_to_time(np.arange(10)),
                               [0.0, 0.05077821, 0.09916088, 0.14542507, 0.18979930, 0.23247466, 0.27361274,
                                0.31335159, 0.35181024, 0.38909211], atol=0.005)
    for t in (1.0, 39.0, 78.0):
        pmf = [model.probability_of_n_purchases_up_to_time(t, n) for n in range(400)]
        assert sum(pmf) == pytest.approx(1, abs=1e-9)
        assert sum(n * p for n, p in enumerate(pmf)) == pytest.approx(model.expected_number_of_purchases_up_to_time(t),
                                                                      rel=1e-9)


@pytest.fixture(scope="module")
def donations() -> pd.DataFrame:
    table = pd.read_csv(FIXTURES / "donations_rf.csv")
    return table.loc[table.index.repeat(table["donors"])].drop(columns="donors").reset_index(drop=True)


def test_bgbb_reproduces_the_donations_paper(donations):
    model = BetaGeoBetaBinomFitter().fit(donations)
    got = [model.params_[k] for k in ("alpha", "beta", "gamma", "delta")]
    np.testing.assert_allclose(got, [1.204, 0.750, 0.657, 2.783], atol=2e-3)
    assert model.n_customers_ == 11_104 and model.n_rows_ == 22
    # the model's own bookkeeping: P(X(6) = x) sums to 1 and to the expected count
    pmf = [model.probability_of_n_purchases_up_to_time(6, x) for x in range(7)]
    assert sum(pmf) == pytest.approx(1)
    assert sum(x * p for x, p in enumerate(pmf)) == pytest.approx(model.expected_number_of_purchases_up_to_time(6))
    # a donor who gave every year is surely alive; one who stopped after the first is less so
    people = pd.DataFrame({"frequency": [6, 1], "recency": [6, 1], "n_periods": [6, 6]})
    alive = model.conditional_probability_alive(people)
    assert alive[0] == pytest.approx(1) and alive[1] < 0.5
    ahead = model.conditional_expected_number_of_purchases_up_to_time(5, people)
    assert ahead[0] > ahead[1] > 0


def test_bgbb_on_the_22_rows_with_their_weights_reproduces_the_paper():
    """As lifetimes takes them: each row with how many donors it stands for. A count column
    the fit is not told about is refused, not silently ignored (which fits the wrong parameters)."""
    rows = pd.read_csv(FIXTURES / "donations_rf.csv")
    for model in (BetaGeoBetaBinomFitter().fit(rows, weights="donors"),
                  BetaGeoBetaBinomFitter().fit(rows.drop(columns="donors"), weights=rows["donors"].to_numpy()),
                  BetaGeoBetaBinomFitter().fit(rows.rename(columns={"donors": "weights"}))):
        got = [model.params_[k] for k in ("alpha", "beta", "gamma", "delta")]
        np.testing.assert_allclose(got, [1.204, 0.750, 0.657, 2.783], atol=2e-3)
        assert model.n_customers_ == 11_104 and model.n_rows_ == 22
    with pytest.raises(ValueError, match="'donors' looks like how many customers each row stands for"):
        BetaGeoBetaBinomFitter().fit(rows)
    with pytest.raises(ValueError, match="weights must be finite, not negative"):
        BetaGeoBetaBinomFitter().fit(rows, weights=-rows["donors"])


def test_every_fitter_takes_weights_as_repeated_rows():
    """Weights of 2 fit exactly as every row twice, for each lifetime-value fitter."""
    from regulars.models.clv import BetaGeoFitter, GammaGammaFitter, ModifiedBetaGeoFitter, ParetoNBDFitter

    summary = pd.DataFrame({"frequency": [0, 1, 2, 5, 3, 0, 1], "recency": [0, 10, 20, 40, 35, 0, 5],
                            "T": [50, 50, 45, 50, 40, 30, 20], "monetary_value": [0, 20, 35, 18, 50, 0, 12]})
    doubled = pd.concat([summary, summary], ignore_index=True)
    for fitter in (BetaGeoFitter, ModifiedBetaGeoFitter, ParetoNBDFitter, GammaGammaFitter):
        once = fitter(penalizer=0.01).fit(summary, weights=np.full(len(summary), 2.0))
        twice = fitter(penalizer=0.01).fit(doubled)
        for k, v in twice.params_.items():
            assert once.params_[k] == pytest.approx(v, rel=1e-4), (fitter.__name__, k)


def test_bgbb_refuses_impossible_histories():
    bad = pd.DataFrame({"frequency": [3], "recency": [2], "n_periods": [6]})
    with pytest.raises(ValueError, match="frequency <= recency <= n_periods"):
        BetaGeoBetaBinomFitter().fit(bad)
