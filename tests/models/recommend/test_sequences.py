"""The vectorised sequence helpers agree with plain pandas on random purchases."""

from __future__ import annotations

import numpy as np
import pandas as pd

from regulars.models.recommend import PurchaseHistory, lagged_pairs
from regulars.models.recommend._sequences import ranges


def test_ranges_concatenates_aranges():
    assert ranges(np.array([5, 0, 9]), np.array([2, 0, 3])).tolist() == [5, 6, 9, 10, 11]


def test_lagged_pairs_match_a_brute_force_count():
    rng = np.random.default_rng(3)
    lines = pd.DataFrame({"customer_id": rng.integers(0, 60, 3000).astype(str),
                          "product_id": rng.integers(0, 15, 3000).astype(str),
                          "ordered_at": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 120, 3000), "D")})
    found = lagged_pairs(PurchaseHistory.from_lines(lines), max_days=30, min_customers=3, max_following=10_000)
    first = lines.groupby(["customer_id", "product_id"])["ordered_at"].min().reset_index()
    pairs = first.merge(first, on="customer_id")
    lag = (pairs["ordered_at_y"] - pairs["ordered_at_x"]).dt.days
    pairs = pairs[(lag > 0) & (lag <= 30)].assign(lag=lag)
    expected = pairs.groupby(["product_id_x", "product_id_y"])["lag"].agg(["size", "median"])
    expected = expected[expected["size"] >= 3]
    got = found.set_index(["product_id", "other_id"])
    assert len(got) == len(expected)
    assert (got["customers"] == expected["size"].reindex(got.index)).all()
    assert np.allclose(got["lag_days"], expected["median"].reindex(got.index))
