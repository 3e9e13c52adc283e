"""What each customer bought (``PurchaseHistory``: one aggregate of the purchase lines in the
database, then integer arrays), and what follows from it: lagged cross-sell ("bought X, then Y
within N days", with the typical lag), each customer's best cross-sell, and replenishment (each
customer's usual interval per product and when the next one is due)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from regulars._time import cutoff_start

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pandas as pd
    from scipy import sparse

__all__ = ["PurchaseHistory", "cross_sells", "due_rows", "follow_ups", "lagged_pairs", "replenishment"]


EPOCH = "1970-01-01"


def _merchandise(tables: dict[str, ir.Table], not_products: tuple[str, ...] | None) -> ir.Table:
    from regulars.features import NOT_PRODUCTS, merchandise

    return merchandise(tables["order_items"], tables.get("products"),
                       NOT_PRODUCTS if not_products is None else not_products)


@dataclass
class PurchaseHistory:
    """What each customer bought before a cutoff: one row per customer and product with the first
    and last day bought and the number of days, as integer codes into ``customers`` and
    ``products``, sorted by customer, then product. Codes, because moving a million customers'
    25M rows as text costs more than everything computed from them."""

    customers: pd.Index
    products: pd.Index
    customer: np.ndarray
    product: np.ndarray
    first_day: np.ndarray
    last_day: np.ndarray
    days: np.ndarray
    _samples: dict = field(default_factory=dict, repr=False)

    @classmethod
    def from_codes(cls, customers: pd.Index, products: pd.Index, customer: np.ndarray, product: np.ndarray,
                   day: np.ndarray) -> PurchaseHistory:
        """From purchase lines as codes into ``customers`` and ``products`` and day numbers."""
        from regulars.models.recommend._kernels import bought_days

        return cls(customers, products, *bought_days(customer, product, day, len(customers)))

    @classmethod
    def from_lines(cls, lines: pd.DataFrame) -> PurchaseHistory:
        """From purchase lines in memory: customer_id, product_id, ordered_at (repeats are fine)."""
        import pandas as pd

        lines = lines.dropna(subset=["customer_id", "product_id"])
        customer, customers = pd.factorize(lines["customer_id"].astype(str), sort=True)
        product, products = pd.factorize(lines["product_id"].astype(str), sort=True)
        day = (pd.to_datetime(lines["ordered_at"]).dt.normalize() - pd.Timestamp(EPOCH)).dt.days.to_numpy()
        return cls.from_codes(pd.Index(customers), pd.Index(products), customer, product, day)

    @classmethod
    def from_tables(cls, tables: dict[str, ir.Table], cutoff: date, customers: pd.Index,
                    not_products: tuple[str, ...] | None = None) -> PurchaseHistory:
        """What ``customers`` bought before ``cutoff`` (customers not in ``customers`` are left
        out; lines that are no merchandise, such as postage, too): the database joins each line
        to its customer's row and day, and a compiled loop groups them (a two-level aggregate in
        the database took twice as long)."""
        import ibis
        import pandas as pd
        import pyarrow as pa
        import pyarrow.compute as pc

        from regulars.features import purchases_of

        who = ibis.memtable(pa.table({"customer_id": pa.array(customers.to_numpy(), pa.string()),
                                      "c": pa.array(np.arange(len(customers), dtype=np.int32))}))
        orders = purchases_of(tables, ibis.literal(cutoff_start(cutoff))).join(who, "customer_id")
        orders = orders.select("order_id", "c", day=(orders.ordered_at.epoch_seconds() // 86400).cast("int32"))
        lines = _merchandise(tables, not_products)
        table = lines.join(orders, "order_id").select("c", "product_id", "day").to_pyarrow()
        coded = pc.dictionary_encode(table["product_id"]).combine_chunks()
        names = coded.dictionary.to_numpy(zero_copy_only=False)
        order = np.argsort(names, kind="stable")  # products sorted by id, codes to match
        rank = np.empty(len(order), dtype=np.int32)
        rank[order] = np.arange(len(order))
        product = rank[coded.indices.to_numpy(zero_copy_only=False)] if len(names) else np.zeros(0, dtype=np.int32)
        return cls.from_codes(customers, pd.Index(names[order]), table["c"].to_numpy(), product,
                              table["day"].to_numpy())

    @classmethod
    def anonymous_baskets(cls, tables: dict[str, ir.Table], cutoff: date, products: pd.Index | None,
                          most_products: int = 30, not_products: tuple[str, ...] | None = None) -> PurchaseHistory:
        """Anonymous sales before ``cutoff`` (orders without a customer) as one basket each, over
        ``products`` (the customers' products; others are left out), for counting what sells
        together. Baskets of more than ``most_products`` products are left out: a trade buyer's
        or a stock transfer's hundreds of lines say little about which two products go together
        (on UCI Online Retail, where the anonymous invoice has a median of 191 products, all
        baskets cost 4 points of hit rate at 10 and those of at most 30 products gave 0.6)."""
        import ibis
        import pandas as pd

        from regulars.features import purchases

        if "anonymous_orders" not in tables:
            return cls.from_codes(pd.Index([]), products if products is not None else pd.Index([]),
                                  np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int32))
        orders = purchases(tables["anonymous_orders"], ibis.literal(cutoff_start(cutoff)))
        orders = orders.select("order_id", day=(orders.ordered_at.epoch_seconds() // 86400).cast("int32"))
        lines = _merchandise(tables, not_products)
        lines = lines.join(orders, "order_id").select("order_id", "product_id", "day").distinct()
        lines = lines.mutate(size=lines.product_id.count().over(group_by="order_id"))
        frame = lines.filter(lines.size <= most_products).to_pyarrow().to_pandas()
        if products is None:  # a till's own products (there are no customers' to keep to)
            products = pd.Index(np.sort(frame["product_id"].unique()))
        product = products.get_indexer(frame["product_id"])
        frame = frame[product >= 0]
        basket, baskets = pd.factorize(frame["order_id"], sort=True)
        return cls.from_codes(pd.Index(baskets), products, basket, product[product >= 0], frame["day"].to_numpy())

    def buyers_sample(self, most: int, seed: int = 0) -> PurchaseHistory | None:
        """The history of a fixed random ``most`` of the buyers, or None when there are no more
        than that: pair statistics of a million buyers barely move in a sample of 200,000, and
        counting pairs is several times quicker."""
        if (most, seed) not in self._samples:
            buyers = np.flatnonzero(np.bincount(self.customer, minlength=len(self.customers)) > 0)
            sample = None
            if len(buyers) > most:
                chosen = np.zeros(len(self.customers), dtype=bool)
                chosen[np.random.default_rng(seed).choice(buyers, most, replace=False)] = True
                keep = chosen[self.customer]
                sample = PurchaseHistory(self.customers, self.products, self.customer[keep], self.product[keep],
                                         self.first_day[keep], self.last_day[keep], self.days[keep])
            self._samples[(most, seed)] = sample
        return self._samples[(most, seed)]

    def matrix(self):
        """Customers x products, 1 where bought (sparse; each row's products in code order)."""
        from scipy import sparse

        ptr = np.searchsorted(self.customer, np.arange(len(self.customers) + 1))
        return sparse.csr_matrix((np.ones(len(self.customer), dtype=np.float32), self.product.astype(np.int32), ptr),
                                 shape=(len(self.customers), len(self.products)))


def lagged_pairs(history: PurchaseHistory, max_days: int = 30, min_customers: int = 3,
                 max_following: int = 50) -> pd.DataFrame:
    """product_id, other_id, customers (who first bought other_id 1..max_days days after first
    buying product_id), confidence (their share of product_id's buyers), lift, lag_days (median).

    With each customer's products in order of first purchase, a product's followers are the
    rows after it up to the last within the window (at most ``max_following``, so a wholesaler's
    thousands of products do not swamp the counts); each pair's lags are tallied in a histogram,
    which gives the median."""
    import pandas as pd

    from regulars.models.recommend._kernels import follow_pairs

    a, b, sizes, median = follow_pairs(history.customer, history.product, history.first_day, len(history.customers),
                                       len(history.products), max_days, min_customers, max_following)
    n_products = len(history.products)
    buyers = np.bincount(history.product, minlength=n_products).astype(float)
    confidence = sizes / buyers[a]
    customers = max(int((np.bincount(history.customer) > 0).sum()), 1)
    return pd.DataFrame({
        "product_id": history.products[a], "other_id": history.products[b], "customers": sizes.astype(np.int64),
        "confidence": confidence, "lift": confidence / (buyers[b] / customers), "lag_days": median,
    })


def follow_ups(history: PurchaseHistory, owned: sparse.csr_matrix, pairs: pd.DataFrame, cutoff_day: int,
               per_product: int = 20, stale_days: int = 30) -> dict[str, np.ndarray]:
    """Per customer, the best lagged follow-up to what they bought on their last purchase day
    that they have never bought (``owned``: customers x products, nonzero where bought), as
    arrays of codes: customer, product, after (the product that led to it), in_days (from the
    cutoff; negative when the usual day has passed), confidence, lag_days. Each product offers its
    ``per_product`` strongest follow-ups; one whose usual day passed more than ``stale_days``
    ago is left out (the moment has gone: a cake bought two years ago does not call for coffee)."""
    import pandas as pd

    from regulars.models.recommend._kernels import best_follow_ups

    if not len(pairs) or not len(history.customer):
        return {k: np.zeros(0, dtype=np.int64 if k in ("customer", "product", "after") else float)
                for k in ("customer", "product", "after", "in_days", "confidence", "lag_days")}
    follow = pd.DataFrame({"a": history.products.get_indexer(pairs["product_id"]),
                           "b": history.products.get_indexer(pairs["other_id"]),
                           "confidence": pairs["confidence"].to_numpy(), "customers": pairs["customers"].to_numpy(),
                           "lag": pairs["lag_days"].to_numpy(dtype=float)})
    follow = follow.sort_values(["a", "confidence", "customers"], ascending=[True, False, False], kind="stable")
    follow = follow[follow.groupby("a").cumcount() < per_product]
    starts = np.searchsorted(follow["a"].to_numpy(), np.arange(len(history.products) + 1))
    # the best offer per customer: highest confidence, then most customers
    strength = follow["confidence"].to_numpy() + follow["customers"].to_numpy() * 1e-9
    lag = follow["lag"].to_numpy()
    row, pick = best_follow_ups(history.customer, history.product, history.last_day, len(history.customers), starts,
                                follow["b"].to_numpy(), strength, np.round(lag).astype(np.int64), owned.indptr,
                                owned.indices, cutoff_day, stale_days)
    has = np.flatnonzero(row >= 0)
    rows, pick = row[has], pick[has]
    return {"customer": has, "product": follow["b"].to_numpy()[pick], "after": history.product[rows],
            "in_days": history.last_day[rows] + np.round(lag[pick]) - cutoff_day,
            "confidence": follow["confidence"].to_numpy()[pick], "lag_days": lag[pick]}


def cross_sells(history: PurchaseHistory, owned: sparse.csr_matrix, pairs: pd.DataFrame, cutoff_day: int,
                per_product: int = 20, stale_days: int = 30) -> pd.DataFrame:
    """``follow_ups`` with customer and product ids: customer_id, product_id, after, in_days,
    confidence, lag_days."""
    import pandas as pd

    found = follow_ups(history, owned, pairs, cutoff_day, per_product, stale_days)
    return pd.DataFrame({"customer_id": history.customers[found["customer"]],
                         "product_id": history.products[found["product"]], "after": history.products[found["after"]],
                         **{k: found[k] for k in ("in_days", "confidence", "lag_days")}})


def due_rows(history: PurchaseHistory, cutoff: date, min_repeaters: int = 3,
             prior_weight: float = 2.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows of ``history``, usual days, due day) for every customer who bought a product on at
    least two days, where at least ``min_repeaters`` customers rebuy it. The customer's own
    interval is their average gap (first to last purchase over the gaps between), pulled
    towards the product's median interval by ``prior_weight`` gaps' worth (so two purchases do
    not set a rhythm). A habit overdue by more than one more interval is over and left out."""
    import pandas as pd

    rows = np.flatnonzero(history.days >= 2)
    gaps = history.days[rows] - 1
    own = (history.last_day[rows] - history.first_day[rows]) / gaps
    product = history.product[rows]
    typical = pd.DataFrame({"p": product, "own": own}).groupby("p")["own"].agg(["median", "size"])
    typical = typical[typical["size"] >= min_repeaters]["median"]
    product_days = typical.reindex(product).to_numpy()
    keep = ~np.isnan(product_days)
    rows, gaps, own, product_days = rows[keep], gaps[keep], own[keep], product_days[keep]
    usual = (gaps * own + prior_weight * product_days) / (gaps + prior_weight)
    last = history.last_day[rows]
    due = last + np.round(usual)
    cutoff_day = (pd.Timestamp(cutoff) - pd.Timestamp(EPOCH)).days
    live = due + usual >= cutoff_day  # a habit missed by a whole interval more is over: nothing is due
    return rows[live], usual[live], due[live].astype(np.int64)


def replenishment(history: PurchaseHistory, cutoff: date, min_repeaters: int = 3,
                  prior_weight: float = 2.0) -> pd.DataFrame:
    """``due_rows`` with ids and dates: customer_id, product_id, purchases (days it was bought),
    usual_days, last_bought, due_on."""
    import pandas as pd

    rows, usual, due = due_rows(history, cutoff, min_repeaters, prior_weight)
    epoch = np.datetime64(EPOCH, "D")
    return pd.DataFrame({"customer_id": history.customers[history.customer[rows]],
                         "product_id": history.products[history.product[rows]],
                         "purchases": history.days[rows], "usual_days": usual,
                         "last_bought": epoch + history.last_day[rows].astype("timedelta64[D]"),
                         "due_on": epoch + due.astype("timedelta64[D]")})
