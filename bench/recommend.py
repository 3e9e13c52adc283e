"""Recommendations on a time split of UCI Online Retail: our co-purchase model against the
popularity baseline and the `implicit` library's item-kNN (cosine) and ALS, on the same split,
and with the shop's anonymous sales (invoices without a customer) added as baskets, as a run does.

Train on purchases before 2011-09-01; test on the new products (not bought before) each
training customer bought from then to the end (2011-12-09). Hit rate@K: share of test customers
with at least one of their new products in the top K; recall@K: share of their new products
found in the top K (averaged over customers). Training time is each model's fit, in one process.

    .venv/bin/python bench/recommend.py        (needs `implicit`: `make bench` installs it)
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from _data import ONLINE_RETAIL

from regulars.models.recommend import CoPurchase, PurchaseHistory

SPLIT = pd.Timestamp("2011-09-01")
KS = (5, 10)


def load() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Customers' purchase lines, and anonymous ones with their invoice as the customer."""
    raw = pd.read_csv(ONLINE_RETAIL, dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": str},
                      parse_dates=["InvoiceDate"])
    raw = raw[(raw["Quantity"] > 0) & ~raw["InvoiceNo"].str.startswith("C")]
    raw = raw[raw["StockCode"].str.match(r"^\d")]  # leave out postage, fees and manual lines
    lines = pd.DataFrame({"customer_id": raw["CustomerID"].fillna("anonymous " + raw["InvoiceNo"]),
                          "product_id": raw["StockCode"], "ordered_at": raw["InvoiceDate"]})
    anonymous = raw["CustomerID"].isna().to_numpy()
    return lines[~anonymous], lines[anonymous]


def baskets(history: PurchaseHistory, anonymous: pd.DataFrame, most_products: int = 30) -> PurchaseHistory:
    """Anonymous invoices over the customers' products, as ``PurchaseHistory.anonymous_baskets``
    makes them in a run (at most ``most_products`` products each)."""
    size = anonymous.groupby("customer_id")["product_id"].transform("nunique")
    anonymous = anonymous[(size <= most_products) & anonymous["product_id"].isin(history.products)]
    basket, names = pd.factorize(anonymous["customer_id"], sort=True)
    day = (anonymous["ordered_at"].dt.normalize() - pd.Timestamp("1970-01-01")).dt.days.to_numpy()
    return PurchaseHistory.from_codes(pd.Index(names), history.products, basket,
                                      history.products.get_indexer(anonymous["product_id"]), day)


def evaluate(recs: dict[str, list[str]], truth: dict[str, set[str]]) -> dict[str, float]:
    out = {}
    for k in KS:
        hits = [len(set(recs.get(c, [])[:k]) & items) for c, items in truth.items()]
        out[f"hit@{k}"] = float(np.mean([h > 0 for h in hits]))
        out[f"recall@{k}"] = float(np.mean([h / len(items) for h, items in zip(hits, truth.values())]))
    return out


def main() -> None:
    lines, anonymous = load()
    train, test = lines[lines["ordered_at"] < SPLIT], lines[lines["ordered_at"] >= SPLIT]
    known = set(train["customer_id"])
    bought = train.groupby("customer_id")["product_id"].agg(set)
    truth = {}
    for c, items in test[test["customer_id"].isin(known)].groupby("customer_id")["product_id"]:
        new = set(items) - bought.get(c, set())
        if new:
            truth[c] = new
    customers = pd.Index(sorted(truth))
    print(f"UCI Online Retail: train {len(train):,} lines before {SPLIT.date()}, "
          f"{train['customer_id'].nunique():,} customers, {train['product_id'].nunique():,} products; "
          f"test: {len(truth):,} customers with new products after the split")
    n = max(KS)
    results = {}

    t0 = time.perf_counter()
    model = CoPurchase().fit(train)
    fit = time.perf_counter() - t0
    recs = model.recommend(customers, n=n)
    results["regulars co-purchase"] = (fit, recs.groupby("customer_id")["product_id"].agg(list).to_dict())

    t0 = time.perf_counter()
    history = PurchaseHistory.from_lines(train)
    sold = baskets(history, anonymous[anonymous["ordered_at"] < SPLIT])
    model = CoPurchase().fit_history(history, sold)
    fit = time.perf_counter() - t0
    recs = model.recommend(customers, n=n)
    results[f"  + {len(sold.customers):,} anonymous baskets"] = (
        fit, recs.groupby("customer_id")["product_id"].agg(list).to_dict())

    t0 = time.perf_counter()
    recent = train[train["ordered_at"] >= train["ordered_at"].max() - pd.Timedelta(days=90)]
    popular = recent["product_id"].value_counts().index.tolist()
    fit = time.perf_counter() - t0
    results["popularity (last 90 days)"] = (fit, {c: [p for p in popular[: n + len(bought[c])] if p not in bought[c]][:n]
                                                  for c in customers})

    try:
        import implicit  # noqa: F401
    except ImportError:
        print("implicit is not installed (`make bench` installs it): its rows are left out")
    else:
        results.update(_implicit(train, customers, n))

    print(f"\n{'model':<28} {'train s':>8} " + " ".join(f"{m:>10}" for m in evaluate({}, {"x": {"y"}})))
    for name, (seconds, recs) in results.items():
        scores = evaluate(recs, truth)
        print(f"{name:<28} {seconds:>8.2f} " + " ".join(f"{v:>10.3f}" for v in scores.values()))


def _implicit(train: pd.DataFrame, customers: pd.Index, n: int) -> dict[str, tuple[float, dict]]:
    from implicit.als import AlternatingLeastSquares
    from implicit.nearest_neighbours import CosineRecommender
    from scipy import sparse
    from threadpoolctl import threadpool_limits

    users, user_ids = pd.factorize(train["customer_id"], sort=True)
    items, item_ids = pd.factorize(train["product_id"], sort=True)
    matrix = sparse.csr_matrix((np.ones(len(train), dtype=np.float32), (users, items)),
                               shape=(len(user_ids), len(item_ids)))
    matrix.data[:] = 1.0  # bought, however often (as our model sees it)
    rows = pd.Index(user_ids).get_indexer(customers)
    out = {}
    for name, model in (("implicit item-kNN (cosine)", CosineRecommender(K=50)),
                        ("implicit ALS (64 factors)", AlternatingLeastSquares(factors=64, iterations=15,
                                                                              regularization=0.05, random_state=0))):
        with threadpool_limits(1, "blas"):
            t0 = time.perf_counter()
            model.fit(matrix, show_progress=False)
            fit = time.perf_counter() - t0
            ids, _ = model.recommend(rows, matrix[rows], N=n, filter_already_liked_items=True)
        out[name] = (fit, {c: [item_ids[i] for i in r if i >= 0] for c, r in zip(customers, ids)})
    return out


if __name__ == "__main__":
    main()
