"""Recommendations for every customer as of a cutoff: the next products (co-purchase, popular
products for customers with no history), a lagged cross-sell with its day, and the product due
for replenishment soonest, each with a reason in words."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from regulars.errors import InsufficientDataError
from regulars.scores._scorer import RunContext, Scored

if TYPE_CHECKING:
    import ibis.expr.types as ir


__all__ = ["RecommendScorer"]

#: A cross-sell follows a purchase by at most this many days.
LAG_DAYS = 30


def _namer(tables: dict[str, ir.Table]):
    """A function from an array of product ids to their names (the id where the shop's product
    list has no name)."""
    products = tables.get("products")
    if products is None or "name" not in products.columns:
        return lambda ids: ids
    frame = products.filter(products.name.notnull()).select("product_id", "name").to_pyarrow().to_pandas()
    index, names = pd.Index(frame["product_id"]), frame["name"].to_numpy(dtype=object)
    if not len(names):  # a product list without names
        return lambda ids: ids

    def name(ids: np.ndarray) -> np.ndarray:
        where = index.get_indexer(ids)
        return np.where(where >= 0, names[np.maximum(where, 0)], ids)
    return name


class RecommendScorer:
    """Next products, a lagged cross-sell and the next replenishment per customer."""

    name = "recommend"

    def skip_reason(self, ctx: RunContext) -> str | None:
        if "order_items" not in ctx.tables:
            return "no order lines (products per order) are loaded; recommendations need what was bought"
        return None

    def score(self, ctx: RunContext) -> Scored:
        import pyarrow as pa
        import pyarrow.compute as pc

        from regulars._time import cutoff_start
        from regulars.models.recommend import CoPurchase, PurchaseHistory, due_rows, follow_ups, lagged_pairs
        from regulars.scores._propensity import fingerprint

        population = ctx.frames.at(ctx.cutoff).index
        not_products = tuple(ctx.settings.recommend.not_products)
        history = PurchaseHistory.from_tables(ctx.tables, ctx.cutoff, population, not_products)
        if not len(history.customer):
            return _till(ctx, not_products)
        baskets = PurchaseHistory.anonymous_baskets(ctx.tables, ctx.cutoff, history.products,
                                                    not_products=not_products)
        model = CoPurchase().fit_history(history, baskets)
        row, rank, item, _, because = model.top(np.arange(len(population)), ctx.settings.recommend.keep)
        ids = pa.array(history.products.to_numpy(), pa.string())
        names = pa.array(_namer(ctx.tables)(history.products.to_numpy()), pa.string())
        # one sentence per product that led to a recommendation; the last one for popular products
        said = pa.concat_arrays([pc.binary_join_element_wise("customers who bought ", names, " also bought it", ""),
                                 pa.array(["popular with customers lately"])])
        reason = np.where(because >= 0, because, len(history.products))
        lists = _lists(population, ids, row, item, because, said.take(pa.array(reason)))
        together = model.pairs()
        lagged = lagged_pairs(history.buyers_sample(model.max_buyers) or history, LAG_DAYS)
        cutoff_day = int((pd.Timestamp(cutoff_start(ctx.cutoff)) - pd.Timestamp("1970-01-01")).days)
        cross = follow_ups(history, model.X_, lagged, cutoff_day, stale_days=LAG_DAYS)
        due, usual, due_day = due_rows(history, ctx.cutoff)
        due_customer = history.customer[due]
        order = np.lexsort((due_day, due_customer))  # each customer's soonest due first
        soonest = order[np.r_[True, due_customer[order][1:] != due_customer[order][:-1]]] if len(order) else order

        n, best = len(population), rank == 1
        frame = pd.DataFrame({"customer_id": population.to_numpy()})
        frame["next_product"] = _spread(n, row[best], ids.take(pa.array(item[best]))).to_pandas()
        at = cross["customer"]
        frame["cross_sell_product"] = _spread(n, at, ids.take(pa.array(cross["product"]))).to_pandas()
        frame["cross_sell_in_days"] = _placed(n, at, cross["in_days"].astype(float), np.nan)
        at_due = due_customer[soonest]
        frame["replenish_product"] = _spread(n, at_due, ids.take(pa.array(history.product[due[soonest]]))).to_pandas()
        frame["replenish_in_days"] = _placed(n, at_due, (due_day[soonest] - (ctx.cutoff - date(1970, 1, 1)).days)
                                             .astype(float), np.nan)
        due_on = pa.array(due_day.astype(np.int32)).cast(pa.date32())
        frame["reasons"] = _reasons(
            _spread(n, row[best], pc.binary_join_element_wise(
                "next: ", names.take(pa.array(item[best])), " (", said.take(pa.array(reason[best])), ")", "")),
            _spread(n, at, pc.binary_join_element_wise(
                "then ", names.take(pa.array(cross["product"])), ", usually ", _whole(cross["lag_days"]),
                " days after ", names.take(pa.array(cross["after"])), "")),
            _spread(n, at_due, pc.binary_join_element_wise(
                "restock ", names.take(pa.array(history.product[due[soonest]])), " due ",
                pc.strftime(due_on.take(pa.array(soonest)), "%Y-%m-%d"), " (usually every ",
                _whole(usual[soonest]), " days)", "")))
        lag_rows = lagged.assign(kind="after", support=lagged["customers"] / max(model.pair_buyers_, 1))
        pair_rows = pd.concat([together.assign(kind="together", lag_days=np.nan), lag_rows], ignore_index=True)[
            ["product_id", "other_id", "kind", "customers", "support", "confidence", "lift", "lag_days"]]
        replenish = pa.table({
            "customer_id": pa.array(population.to_numpy(), pa.string()).take(pa.array(due_customer)),
            "product_id": ids.take(pa.array(history.product[due])),
            "purchases": pa.array(history.days[due], pa.int64()), "usual_days": pa.array(usual, pa.float64()),
            "last_bought": pa.array(history.last_day[due].astype(np.int32)).cast(pa.date32()), "due_on": due_on})
        tables = {"recommendations": pa.table(lists),
                  "product_pairs": pa.Table.from_pandas(pair_rows.astype({"customers": "int64"}), preserve_index=False),
                  "replenishment": replenish}
        card = {"products": len(model.products_), "buyers": model.n_buyers_,
                "pairs_bought_together": len(together), "pairs_bought_after": len(lagged),
                "anonymous_baskets": model.baskets_, "replenishment_rows": len(due), "neighbours": model.neighbours,
                "min_shared_buyers": model.min_count,
                "lag_days": LAG_DAYS, "notes": _notes(model, lagged)}
        version = fingerprint(recommend=[len(history.customer), str(ctx.cutoff), model.neighbours])
        return Scored(frame=frame, card=card, version=version, tables=tables)


def _till(ctx: RunContext, not_products: tuple[str, ...]) -> Scored:
    """A shop whose sales name no customer (a till): what sells together, from its anonymous
    baskets, each basket counted as one buyer. Per-customer lists need customers."""
    import pyarrow as pa

    from regulars.models.recommend import CoPurchase, PurchaseHistory
    from regulars.scores._propensity import fingerprint

    baskets = PurchaseHistory.anonymous_baskets(ctx.tables, ctx.cutoff, None, not_products=not_products)
    if not len(baskets.customer):
        raise InsufficientDataError(f"no sales with products before {ctx.cutoff}: recommendations need what was bought "
                                    "together")
    model = CoPurchase().fit_history(baskets)
    together = model.pairs().assign(kind="together", lag_days=np.nan)[
        ["product_id", "other_id", "kind", "customers", "support", "confidence", "lift", "lag_days"]]
    frame = pd.DataFrame({c: pd.Series(dtype=t) for c, t in (
        ("customer_id", "string"), ("next_product", "string"), ("cross_sell_product", "string"),
        ("cross_sell_in_days", float), ("replenish_product", "string"), ("replenish_in_days", float),
        ("reasons", "string"))})
    empty = {"recommendations": pa.table({"customer_id": pa.array([], pa.string()),
                                          "products": pa.array([], pa.list_(pa.string())),
                                          "sources": pa.array([], pa.list_(pa.string())),
                                          "reasons": pa.array([], pa.list_(pa.string()))}),
             "replenishment": pa.table({"customer_id": pa.array([], pa.string()), "product_id": pa.array([], pa.string()),
                                        "purchases": pa.array([], pa.int64()), "usual_days": pa.array([], pa.float64()),
                                        "last_bought": pa.array([], pa.date32()), "due_on": pa.array([], pa.date32())})}
    card = {"products": len(model.products_), "anonymous_baskets": len(baskets.customers),
            "pairs_bought_together": len(together),
            "notes": [f"what sells together comes from {len(baskets.customers):,} anonymous baskets (sales without a "
                      "customer): `regulars recommend DIR --product NAME` shows them; recommendations per customer, "
                      "follow-ups and replenishment need sales that name their customer"]}
    return Scored(frame=frame, card=card, version=fingerprint(till=[len(baskets.customers), str(ctx.cutoff)]),
                  tables={**empty, "product_pairs": pa.Table.from_pandas(together.astype({"customers": "int64"}),
                                                                        preserve_index=False)})


def _lists(population: pd.Index, ids: Any, row: np.ndarray, item: np.ndarray, because: np.ndarray,
           reasons: Any) -> dict[str, Any]:
    """The stored lists, one row per customer (rows sorted): products, their sources, reasons."""
    import pyarrow as pa

    offsets = pa.array(np.searchsorted(row, np.arange(len(population) + 1)).astype(np.int32))
    sources = pa.array(["bought together", "popular"]).take(pa.array((because < 0).astype(np.int64)))
    return {"customer_id": pa.array(population.to_numpy(), pa.string()),
            "products": pa.ListArray.from_arrays(offsets, ids.take(pa.array(item))),
            "sources": pa.ListArray.from_arrays(offsets, sources),
            "reasons": pa.ListArray.from_arrays(offsets, reasons)}


def _reasons(*parts: Any) -> pd.Series:
    """Each customer's parts (Arrow strings, null where a part does not apply) joined by "; "."""
    import pyarrow.compute as pc

    return pc.fill_null(pc.binary_join_element_wise(*parts, "; ", null_handling="skip"), "").to_pandas()


def _spread(n: int, at: np.ndarray, values: Any) -> Any:
    """An Arrow array of ``n`` with ``values`` at positions ``at`` and nulls elsewhere."""
    import pyarrow as pa

    where = np.full(n, -1, dtype=np.int64)
    where[at] = np.arange(len(at))
    return values.take(pa.array(where, mask=where < 0))


def _whole(days: np.ndarray) -> Any:
    """Numbers of days, rounded to whole days, as Arrow strings."""
    import pyarrow as pa

    return pa.array(np.round(days).astype(np.int64)).cast(pa.string())


def _placed(n: int, at: np.ndarray, values: np.ndarray, empty) -> np.ndarray:
    """An array of ``n`` with ``values`` at positions ``at`` and ``empty`` elsewhere (one line per
    customer is built this way, not with a join on customer ids)."""
    out = np.full(n, empty, dtype=object if empty is None else type(empty))
    out[at] = values
    return out


def _notes(model: Any, lagged: pd.DataFrame) -> list[str]:
    notes = []
    if model.sampled_:
        notes.append(f"products bought together and after one another are counted in a random "
                     f"{model.sampled_:,} of the {model.n_buyers_:,} buyers")
    if model.baskets_:
        notes.append(f"products bought together also count {model.baskets_:,} anonymous baskets "
                     "(sales without a customer)")
    if model.n_buyers_ < 200:
        notes.append(f"co-purchase rests on {model.n_buyers_} buyers: most customers get popular products")
    if not len(lagged):
        notes.append(f"no product is bought after another by 3 or more customers within {LAG_DAYS} days yet")
    return notes
