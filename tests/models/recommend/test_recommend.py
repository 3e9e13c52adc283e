"""Co-purchase, lagged cross-sell and replenishment on small shops whose answers are known,
and the co-purchase model on a real slice of UCI Online Retail against popularity."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from regulars.models.recommend import CoPurchase, PurchaseHistory, cross_sells, lagged_pairs, replenishment


def lines(rows):
    frame = pd.DataFrame(rows, columns=["customer_id", "product_id", "ordered_at"])
    frame["ordered_at"] = pd.to_datetime(frame["ordered_at"])
    return frame


def test_bought_together_and_nothing_already_bought():
    rows = []
    for i in range(10):  # bread buyers also buy butter; a few buy jam
        rows += [(f"c{i}", "bread", "2024-01-05"), (f"c{i}", "butter", "2024-01-05")]
        if i < 3:
            rows.append((f"c{i}", "jam", "2024-01-06"))
    rows += [("x", "bread", "2024-02-01"), ("y", "cake", "2024-02-01")]
    model = CoPurchase(min_count=2).fit(lines(rows))
    recs = model.recommend(pd.Index(["x", "c5", "new"]), n=2)
    x = recs[recs["customer_id"] == "x"]
    assert x.iloc[0]["product_id"] == "butter" and x.iloc[0]["because"] == "bread"
    c5 = recs[recs["customer_id"] == "c5"]
    assert "bread" not in set(c5["product_id"]) and "butter" not in set(c5["product_id"])  # already bought
    assert c5.iloc[0]["product_id"] == "jam"
    new = recs[recs["customer_id"] == "new"]  # unknown: the most popular products
    assert list(new["product_id"]) == ["bread", "butter"] and (new["because"] == "").all()
    pairs = model.pairs().set_index(["product_id", "other_id"])
    assert pairs.loc[("bread", "butter"), "confidence"] == pytest.approx(10 / 11)
    assert pairs.loc[("butter", "jam"), "lift"] == pytest.approx((3 / 10) / (3 / 12))
    assert ("cake", "bread") not in pairs.index  # one shared buyer is below min_count


def test_anonymous_baskets_count_for_what_sells_together_and_are_never_recommended_to():
    customers = lines([("x", "bread", "2024-02-01"), ("y", "butter", "2024-02-01"), ("z", "jam", "2024-02-01")])
    history = PurchaseHistory.from_lines(customers)
    alone = CoPurchase(min_count=2).fit_history(history)
    assert alone.pairs().empty  # no customer bought two products

    tills = [("t1", "bread"), ("t1", "butter"), ("t2", "bread"), ("t2", "butter"), ("t3", "jam")]
    basket, baskets = pd.factorize(pd.Series([t for t, _ in tills]), sort=True)
    sold = PurchaseHistory.from_codes(pd.Index(baskets), history.products, basket,
                                      history.products.get_indexer([p for _, p in tills]), np.full(len(tills), 19754))
    model = CoPurchase(min_count=2).fit_history(history, sold)
    assert model.baskets_ == 3
    recs = model.recommend(n=1)
    assert set(recs["customer_id"]) == {"x", "y", "z"}  # the baskets get nothing
    x = recs[recs["customer_id"] == "x"].iloc[0]
    assert (x["product_id"], x["because"]) == ("butter", "bread")
    assert list(model.products_[model.popular_[:2]]) == ["bread", "butter"]  # three sales each, jam two


def anonymous_tables(con):
    import ibis

    backend = ibis.duckdb.from_connection(con)
    con.execute("""CREATE TABLE orders AS SELECT * FROM (VALUES
        ('o1', 'c1', TIMESTAMP '2024-01-02', 'completed'), ('a1', NULL, TIMESTAMP '2024-01-03', 'completed'),
        ('a2', NULL, TIMESTAMP '2024-01-04', 'refunded'), ('a3', NULL, TIMESTAMP '2024-03-01', 'completed'),
        ('a4', NULL, TIMESTAMP '2024-01-05', NULL))
        AS t(order_id, customer_id, ordered_at, status)""")
    con.execute("""CREATE TABLE order_items AS SELECT * FROM (VALUES
        ('o1', 'bread'), ('a1', 'bread'), ('a1', 'butter'), ('a1', 'bread'), ('a1', 'flour'), ('a1', 'salt'),
        ('a2', 'bread'),
        ('a3', 'bread'), ('a4', 'jam'), ('a4', 'bread'), ('a4', 'butter')) AS t(order_id, product_id)""")
    tables = {name: backend.table(name) for name in ("orders", "order_items")}
    # as the store hands them over: a customer's orders apart from the sales without one
    tables["anonymous_orders"] = tables["orders"].filter(tables["orders"].customer_id.isnull())
    tables["orders"] = tables["orders"].filter(tables["orders"].customer_id.notnull())
    return tables


def test_anonymous_baskets_come_from_sales_without_a_customer_before_the_cutoff():
    import duckdb

    tables = anonymous_tables(duckdb.connect())
    products = pd.Index(["bread", "butter", "jam"])
    baskets = PurchaseHistory.anonymous_baskets(tables, date(2024, 2, 1), products)
    # a1 (flour and salt are not customers' products), a4 (no status is a sale); not o1 (a customer's),
    # a2 (refunded) or a3 (after the cutoff)
    assert list(baskets.customers) == ["a1", "a4"]
    assert sorted(zip(baskets.customer, products[baskets.product])) == [
        (0, "bread"), (0, "butter"), (1, "bread"), (1, "butter"), (1, "jam")]
    small = PurchaseHistory.anonymous_baskets(tables, date(2024, 2, 1), products, most_products=3)
    assert list(small.customers) == ["a4"]  # a1 has four products, flour and salt included


def test_lagged_cross_sell_has_the_typical_lag():
    rows = []
    for i in range(6):  # a cake buyer buys coffee about a week later
        rows += [(f"c{i}", "cake", f"2024-03-0{1 + i % 3}"), (f"c{i}", "coffee", f"2024-03-{8 + i % 3:02d}")]
    rows += [("z", "cake", "2024-03-01"), ("z", "coffee", "2024-03-01")]  # same day: bought together, not after
    pairs = lagged_pairs(PurchaseHistory.from_lines(lines(rows)), max_days=30, min_customers=3)
    pair = pairs[(pairs["product_id"] == "cake") & (pairs["other_id"] == "coffee")].iloc[0]
    assert pair["customers"] == 6 and pair["lag_days"] == 7 and pair["confidence"] == pytest.approx(6 / 7)
    assert not ((pairs["product_id"] == "coffee") & (pairs["other_id"] == "cake")).any()


def test_a_cross_sell_comes_a_week_after_the_cake_and_not_two_years_later():
    rows = []
    for i in range(6):  # cake buyers buy coffee about a week later
        rows += [(f"c{i}", "cake", f"2024-03-0{1 + i % 3}"), (f"c{i}", "coffee", f"2024-03-{8 + i % 3:02d}")]
    rows += [("fresh", "cake", "2024-06-27"), ("stale", "cake", "2022-06-27")]
    history = PurchaseHistory.from_lines(lines(rows))
    pairs = lagged_pairs(history, max_days=30, min_customers=3)
    cutoff_day = (pd.Timestamp("2024-06-30") - pd.Timestamp("1970-01-01")).days
    offers = cross_sells(history, CoPurchase().fit_history(history).X_, pairs, cutoff_day).set_index("customer_id")
    assert offers.loc["fresh", "product_id"] == "coffee" and offers.loc["fresh", "in_days"] == 4  # 7 days after
    assert "stale" not in offers.index  # its moment passed two years ago
    assert not set(offers.index) & {f"c{i}" for i in range(6)}  # they have coffee already


def test_replenishment_is_due_before_the_customer_runs_out():
    rows = [("beans", "coffee", d) for d in ("2024-01-01", "2024-01-15", "2024-01-29", "2024-02-12")]
    rows += [(f"o{i}", "coffee", d) for i in range(3) for d in ("2024-01-01", "2024-01-29")]
    rows += [("gone", "coffee", "2023-01-01"), ("gone", "coffee", "2023-01-29")]  # a habit long over
    due = replenishment(PurchaseHistory.from_lines(lines(rows)), date(2024, 2, 20), min_repeaters=3).set_index("customer_id")
    beans = due.loc["beans"]
    # own gaps 14 days on average (3 of them), the product's median interval 28 (pulled in with weight 2)
    assert beans["usual_days"] == pytest.approx((3 * 14 + 2 * 28) / 5)
    assert beans["due_on"] == pd.Timestamp("2024-03-03") and beans["purchases"] == 4
    assert "gone" not in due.index


@pytest.mark.slow
@pytest.mark.parametrize("max_buyers", [200_000, 500])  # 500: pairs counted in a sample of the buyers
def test_beats_popularity_on_uci_online_retail(uci_lines, max_buyers):
    train, test = uci_lines
    bought = train.groupby("customer_id")["product_id"].agg(set)
    truth = {c: set(i) - bought.get(c, set()) for c, i in test.groupby("customer_id")["product_id"]}
    truth = {c: v for c, v in truth.items() if v and c in bought.index}
    customers = pd.Index(sorted(truth))
    model = CoPurchase(max_buyers=max_buyers).fit(train)
    assert model.sampled_ == (500 if max_buyers == 500 else 0)
    recs = model.recommend(customers, n=10).groupby("customer_id")["product_id"].agg(list)
    popular = train["product_id"].value_counts().index.tolist()

    def hit_rate(get):
        return np.mean([bool(set(get(c)[:10]) & truth[c]) for c in customers])

    ours = hit_rate(lambda c: recs.get(c, []))
    baseline = hit_rate(lambda c: [p for p in popular if p not in bought[c]])
    assert ours > 0.3 and ours > baseline * 1.2, (ours, baseline)
