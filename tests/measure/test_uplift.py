"""Treatment against holdout on Kevin Hillstrom's randomised e-mail test: the arm means are the
published ones, the intervals agree with SciPy's Welch test, the verdicts say what happened, and
a small test that cannot tell yet says how many more customers it needs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from regulars.measure import compare, customers_needed, roi, roi_sentence
from tests.conftest import SHARED_DATA

#: Published by Hillstrom (MineThatData, 2008): visit and conversion rates, spend per customer.
PUBLISHED = {"Mens E-Mail": (18.28, 1.25, 1.42), "Womens E-Mail": (15.14, 0.88, 1.08), "No E-Mail": (10.62, 0.57, 0.65)}


@pytest.fixture(scope="module")
def hillstrom() -> pd.DataFrame:
    return pd.read_csv(SHARED_DATA / "hillstrom" / "hillstrom.csv.gz")


@pytest.mark.slow
@pytest.mark.parametrize("arm", ["Mens E-Mail", "Womens E-Mail"])
def test_hillstrom_arms_against_no_email(hillstrom, arm):
    treated, holdout = hillstrom[hillstrom["segment"] == arm], hillstrom[hillstrom["segment"] == "No E-Mail"]
    for i, measure in enumerate(("visit", "conversion", "spend")):
        effect = compare(treated[measure], holdout[measure], measure)
        scale = 100 if measure != "spend" else 1  # rates are published in percent
        assert round(effect.treated * scale, 2) == PUBLISHED[arm][i]
        assert round(effect.holdout * scale, 2) == PUBLISHED["No E-Mail"][i]
        assert (effect.n_treated, effect.n_holdout) == (len(treated), len(holdout))
        welch = stats.ttest_ind(treated[measure], holdout[measure], equal_var=False)
        low, high = welch.confidence_interval(0.95)
        assert effect.low == pytest.approx(low) and effect.high == pytest.approx(high)
        assert effect.p_value == pytest.approx(welch.pvalue)
        assert effect.share == (measure != "spend")
        assert effect.relative == pytest.approx(effect.difference / effect.holdout)
    visits = compare(treated["visit"], holdout["visit"], "visits")
    assert visits.detected and visits.more_needed == 0 and "raised it" in visits.verdict
    assert "points" in visits.verdict and "95% confidence" in visits.verdict


@pytest.mark.slow
def test_a_small_sample_says_how_many_more_customers_it_needs(hillstrom):
    rng = np.random.default_rng(0)
    mens = hillstrom[hillstrom["segment"] == "Mens E-Mail"]["conversion"].to_numpy()
    none = hillstrom[hillstrom["segment"] == "No E-Mail"]["conversion"].to_numpy()
    effect = compare(rng.choice(mens, 400, replace=False), rng.choice(none, 400, replace=False), "conversion")
    assert not effect.detected and effect.low < 0 < effect.high
    assert effect.more_needed > 0 and f"about {effect.more_needed:,} more customers needed" in effect.verdict
    assert effect.verdict.startswith("conversion: no detectable effect yet")
    # at the full sample's difference, the arms' own sizes are about what a test needs
    full = compare(mens, none, "conversion")
    needed = customers_needed(mens.var(ddof=1), none.var(ddof=1), full.difference)
    assert 2_000 < needed < 21_000


def test_the_sample_size_follows_the_textbook_formula():
    # two proportions 10% and 15%: (1.95996 + 0.84162)^2 (0.09 + 0.1275) / 0.05^2 = 682.85 per group
    assert customers_needed(0.15 * 0.85, 0.10 * 0.90, 0.05) == 683
    assert customers_needed(0.1, 0.1, 0.0) is None


def test_no_difference_and_bad_groups():
    same = compare([1, 0, 1, 0], [1, 0, 1, 0], "conversion")
    assert same.difference == 0 and not same.detected and same.more_needed > 0
    with pytest.raises(ValueError, match="at least 2 customers"):
        compare([1], [0, 1], "conversion")
    lowered = compare(np.r_[np.ones(10), np.zeros(990)], np.r_[np.ones(100), np.zeros(900)], "unsubscribes")
    assert lowered.detected and "lowered it" in lowered.verdict


def test_roi():
    assert roi(25_000, 10_000) == 150.0
    assert "for every unit spent, 1.50 back" in roi_sentence(25_000, 10_000)
    assert roi(6_000, 10_000) == -40.0 and "0.40 lost" in roi_sentence(6_000, 10_000)
    assert roi(100, 0) is None and "not defined" in roi_sentence(100, 0)
