"""The compiled co-purchase loops agree with the same model written densely in numpy on random
shops: each product's neighbours, and each customer's products, scores, reasons and fill."""

from __future__ import annotations

import numpy as np
import pandas as pd

from regulars.models.recommend import CoPurchase, PurchaseHistory


def random_history(seed: int) -> PurchaseHistory:
    rng = np.random.default_rng(seed)
    n = 4000
    lines = pd.DataFrame({"customer_id": rng.integers(0, 300, n).astype(str),
                          "product_id": (rng.zipf(1.6, n) % 80).astype(str),
                          "ordered_at": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 200, n), "D")})
    return PurchaseHistory.from_lines(lines)


def dense_neighbours(model: CoPurchase, X: np.ndarray) -> np.ndarray:
    """Products x products: the similarity of each kept neighbour, 0 elsewhere (by brute force)."""
    counts = X.sum(axis=0)
    shared = X.T @ X
    np.fill_diagonal(shared, 0)
    sim = np.where(shared >= model.min_count, shared / (np.sqrt(np.outer(counts, counts)) + model.shrink), 0)
    kept = np.zeros_like(sim)
    for a in range(len(sim)):
        order = np.lexsort((np.arange(len(sim)), -sim[a]))[: model.neighbours]  # best, then lower code
        order = order[sim[a, order] > 0]
        kept[a, order] = sim[a, order]
    return kept


def test_neighbours_and_scores_match_a_dense_brute_force():
    history = random_history(4)
    model = CoPurchase(neighbours=6).fit_history(history)
    X = model.X_.toarray().astype(float)
    S = dense_neighbours(model, X)
    pairs = model.pairs()
    a, b = history.products.get_indexer(pairs["product_id"]), history.products.get_indexer(pairs["other_id"])
    assert (S[a, b] > 0).all() and len(pairs) == int((S > 0).sum())  # the same pairs kept
    assert (pairs["customers"].to_numpy() == (X.T @ X)[a, b]).all()

    n = 5
    row, rank, item, score, because = model.top(np.arange(X.shape[0]), n)
    scores = np.where(X > 0, 0, X @ S)
    for r in range(X.shape[0]):
        mine = row == r
        expected = np.lexsort((np.arange(X.shape[1]), -scores[r]))[:n]
        expected = expected[scores[r, expected] > 0]
        k = len(expected)
        assert np.allclose(score[mine][:k], scores[r, expected])
        assert set(item[mine][:k]) == set(expected) or np.isclose(score[mine][k - 1], score[mine][k - 2])
        for it, why in zip(item[mine][:k], because[mine][:k], strict=True):
            assert X[r, why] > 0 and np.isclose(S[why, it], (X[r] * S[:, it]).max())
        fill = [p for p in model.popular_ if X[r, p] == 0 and p not in set(item[mine][:k])][: n - k]
        assert item[mine][k:].tolist() == fill and (because[mine][k:] == -1).all()
        assert rank[mine].tolist() == list(range(1, n + 1))
