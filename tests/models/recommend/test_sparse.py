"""The per-row selections the recommender is built on agree with plain per-row Python on random
sparse matrices, short rows, empty rows and rows longer than the dense block."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from regulars.models.recommend import PurchaseHistory, lagged_pairs
from regulars.models.recommend._sparse import ranges, row_argmax, top_n, top_per_row


def random_matrix(seed: int, rows: int = 300, cols: int = 2000) -> sparse.csr_matrix:
    rng = np.random.default_rng(seed)
    lengths = rng.choice([0, 1, 3, 7, 40, 1500], size=rows, p=[0.1, 0.2, 0.2, 0.2, 0.25, 0.05])
    row = np.repeat(np.arange(rows), lengths)
    col = np.concatenate([rng.choice(cols, n, replace=False) for n in lengths])
    return sparse.csr_matrix((rng.random(len(row)) + 0.01, (row, col)), shape=(rows, cols))


def test_ranges_concatenates_aranges():
    assert ranges(np.array([5, 0, 9]), np.array([2, 0, 3])).tolist() == [5, 6, 9, 10, 11]


def test_top_n_and_argmax_match_each_row_sorted():
    M = random_matrix(1)
    row, col, val = top_n(M, 5, dense_width=1024)
    best, value = row_argmax(M)
    for r in range(M.shape[0]):
        data, cols = M.data[M.indptr[r]:M.indptr[r + 1]], M.indices[M.indptr[r]:M.indptr[r + 1]]
        order = np.argsort(-data, kind="stable")[:5]
        assert col[row == r].tolist() == cols[order].tolist()
        assert np.allclose(val[row == r], data[order])
        assert value[r] == (data.max() if len(data) else 0)
        if len(data):
            assert best[r] == cols[np.argmax(data)]
    assert np.all(np.diff(row) >= 0)


def test_top_per_row_keeps_the_k_largest():
    M = random_matrix(2)
    kept = top_per_row(M, 20)
    for r in range(M.shape[0]):
        data = M.data[M.indptr[r]:M.indptr[r + 1]]
        assert sorted(kept.getrow(r).data) == sorted(np.sort(data)[::-1][:20])


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
