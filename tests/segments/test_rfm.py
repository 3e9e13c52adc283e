"""RFM scores and segments: quintiles with ties kept together, one segment per buyer."""

from __future__ import annotations

import numpy as np

from regulars.segments import RFM_SEGMENTS, quintile_scores, rfm_segments


def test_quintiles_keep_ties_together():
    scores = quintile_scores(np.array([1, 1, 1, 1, 1, 1, 2, 3, 4, 10]))
    assert list(scores[:6]) == [1] * 6  # six one-time buyers share the lowest score
    assert list(scores[6:]) == [4, 4, 5, 5]
    assert list(quintile_scores(np.arange(10))) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_grid_names_the_classic_segments():
    # recent, frequent, big spender; recent first-timer; long gone big spender; long gone one-timer
    days = np.array([1, 2, 400, 500] + [100] * 16)
    orders = np.array([20, 1, 20, 1] + list(range(2, 18)))
    spend = np.array([900.0, 10, 900, 10] + [50.0 + i for i in range(16)])
    seg = rfm_segments(days, orders, spend)
    assert seg.loc[0, "rfm_segment"] == "Champions"
    assert seg.loc[1, "rfm_segment"] == "New"
    assert seg.loc[2, "rfm_segment"] == "Can't lose them"
    assert seg.loc[3, "rfm_segment"] == "Lost"


def test_every_buyer_in_exactly_one_segment():
    rng = np.random.default_rng(1)
    n = 5000
    seg = rfm_segments(rng.exponential(100, n), 1 + rng.poisson(2, n), rng.gamma(2, 30, n))
    assert seg["rfm_segment"].notna().all() and len(seg) == n
    assert set(seg["rfm_segment"]) <= set(RFM_SEGMENTS)
    assert len(set(seg["rfm_segment"])) >= 9  # a varied shop fills almost all of the grid
