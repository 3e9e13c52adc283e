"""The vectorised sequence helpers agree with plain pandas on random purchases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from regulars.models.recommend import PurchaseHistory, lagged_pairs


@pytest.mark.parametrize("max_following", [10_000, 3])
def test_lagged_pairs_match_a_brute_force_count(max_following):
    rng = np.random.default_rng(3)
    lines = pd.DataFrame({"customer_id": rng.integers(0, 60, 3000).astype(str),
                          "product_id": rng.integers(0, 15, 3000).astype(str),
                          "ordered_at": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 120, 3000), "D")})
    found = lagged_pairs(PurchaseHistory.from_lines(lines), max_days=30, min_customers=3, max_following=max_following)
    # each customer's products in order of first purchase; each counts the next max_following
    first = lines.groupby(["customer_id", "product_id"])["ordered_at"].min().reset_index()
    first = first.sort_values(["customer_id", "ordered_at", "product_id"]).reset_index(drop=True)
    first["position"] = first.groupby("customer_id").cumcount()
    pairs = first.merge(first, on="customer_id")
    lag = (pairs["ordered_at_y"] - pairs["ordered_at_x"]).dt.days
    after = pairs["position_y"] - pairs["position_x"]
    pairs = pairs[(lag > 0) & (lag <= 30) & (after > 0) & (after <= max_following)].assign(lag=lag)
    expected = pairs.groupby(["product_id_x", "product_id_y"])["lag"].agg(["size", "median"])
    expected = expected[expected["size"] >= 3]
    got = found.set_index(["product_id", "other_id"])
    assert len(got) == len(expected) > 10
    assert (got["customers"] == expected["size"].reindex(got.index)).all()
    assert np.allclose(got["lag_days"], expected["median"].reindex(got.index))


def test_history_matches_a_pandas_aggregate():
    rng = np.random.default_rng(8)
    n = 5000
    lines = pd.DataFrame({"customer_id": rng.integers(0, 200, n).astype(str),
                          "product_id": rng.integers(0, 30, n).astype(str),
                          "ordered_at": pd.Timestamp("1969-12-01") + pd.to_timedelta(rng.integers(0, 90 * 24, n), "h")})
    history = PurchaseHistory.from_lines(lines)
    got = pd.DataFrame({"customer_id": history.customers[history.customer],
                        "product_id": history.products[history.product], "first": history.first_day,
                        "last": history.last_day, "days": history.days})
    day = (lines["ordered_at"].dt.normalize() - pd.Timestamp("1970-01-01")).dt.days
    expected = lines.assign(day=day).groupby(["customer_id", "product_id"])["day"].agg(
        first="min", last="max", days="nunique").reset_index()
    assert got.equals(expected.astype(got.dtypes.to_dict()))  # sorted by customer, then product
    X = history.matrix()
    assert (X.toarray()[history.customer, history.product] == 1).all() and X.nnz == len(got)
