"""Recommendations for every customer as of a cutoff: the next products (co-purchase, popular
products for customers with no history), a lagged cross-sell with its day, and the product due
for replenishment soonest, each with a reason in words."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from regulars.errors import InsufficientDataError
from regulars.scores._scorer import RunContext, Scored

if TYPE_CHECKING:
    import ibis.expr.types as ir


__all__ = ["RecommendScorer"]

#: Products listed per customer.
TOP = 5
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

    def name(ids: np.ndarray) -> np.ndarray:
        where = index.get_indexer(ids)
        return np.where(where >= 0, names[where], ids)
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
        from regulars.models.recommend import (
            CoPurchase,
            PurchaseHistory,
            cross_sells,
            lagged_pairs,
            replenishment,
        )
        from regulars.scores._propensity import fingerprint

        population = ctx.frames.at(ctx.cutoff).index
        history = PurchaseHistory.from_tables(ctx.tables, ctx.cutoff, population)
        if not len(history.customer):
            raise InsufficientDataError(f"no purchases with products before {ctx.cutoff}")
        due = replenishment(history, ctx.cutoff)
        model = CoPurchase().fit_history(history)
        row, rank, item, _, because = model.top(np.arange(len(population)), TOP)
        name = _namer(ctx.tables)
        names = pa.array(name(history.products.to_numpy()), pa.string())
        # one sentence per product that led to a recommendation; the last one for popular products
        said = pa.array(np.r_[("customers who bought " + names.to_pandas() + " also bought it").to_numpy(),
                              ["popular with customers lately"]], pa.string())
        reason = np.where(because >= 0, because, len(history.products))
        lists = _lists(population, history.products, row, item, because, said.take(pa.array(reason)))
        together = model.pairs()
        lagged = lagged_pairs(history.buyers_sample(model.max_buyers) or history, LAG_DAYS)
        cutoff_day = int((pd.Timestamp(cutoff_start(ctx.cutoff)) - pd.Timestamp("1970-01-01")).days)
        cross = cross_sells(history, model.X_, lagged, cutoff_day, stale_days=LAG_DAYS)
        soonest = due.sort_values(["customer_id", "due_on"], kind="stable").drop_duplicates("customer_id")

        n, best = len(population), rank == 1
        frame = pd.DataFrame({"customer_id": population.to_numpy()})
        frame["next_product"] = _placed(n, row[best], history.products.to_numpy()[item[best]], None)
        at = population.get_indexer(cross["customer_id"])
        frame["cross_sell_product"] = _placed(n, at, cross["product_id"].to_numpy(), None)
        frame["cross_sell_in_days"] = _placed(n, at, cross["in_days"].to_numpy(float), np.nan)
        at_due = population.get_indexer(soonest["customer_id"])
        frame["replenish_product"] = _placed(n, at_due, soonest["product_id"].to_numpy(), None)
        frame["replenish_in_days"] = _placed(n, at_due, (
            pd.to_datetime(soonest["due_on"]) - pd.Timestamp(ctx.cutoff)).dt.days.to_numpy(float), np.nan)
        next_text = pc.binary_join_element_wise("next: ", names.take(pa.array(item[best])), " (",
                                                said.take(pa.array(reason[best])), ")", "")
        frame["reasons"] = _reasons(
            _placed(n, row[best], next_text.to_numpy(zero_copy_only=False), None),
            _placed(n, at, "then " + name(cross["product_id"].to_numpy()) + ", usually "
                    + cross["lag_days"].round().astype(int).astype(str).to_numpy() + " days after "
                    + name(cross["after"].to_numpy()), None),
            _placed(n, at_due, "restock " + name(soonest["product_id"].to_numpy()) + " due "
                    + soonest["due_on"].dt.strftime("%Y-%m-%d").to_numpy() + " (usually every "
                    + soonest["usual_days"].round().astype(int).astype(str).to_numpy() + " days)", None))
        pair_rows = pd.concat([
            together.assign(kind="together", lag_days=np.nan),
            lagged.assign(kind="after", support=lagged["customers"] / max(model.pair_buyers_, 1)),
        ], ignore_index=True)[["product_id", "other_id", "kind", "customers", "support", "confidence", "lift",
                               "lag_days"]]
        due_rows = due[["customer_id", "product_id", "purchases", "usual_days", "last_bought", "due_on"]]
        replenish = pa.Table.from_pandas(due_rows.astype({"purchases": "int64"}), preserve_index=False)
        for column in ("last_bought", "due_on"):  # days, as the store keeps them
            replenish = replenish.set_column(replenish.schema.get_field_index(column), column,
                                             replenish[column].cast(pa.date32()))
        tables = {"recommendations": pa.table(lists),
                  "product_pairs": pa.Table.from_pandas(pair_rows.astype({"customers": "int64"}), preserve_index=False),
                  "replenishment": replenish}
        card = {"products": len(model.products_), "buyers": model.n_buyers_,
                "pairs_bought_together": len(together), "pairs_bought_after": len(lagged),
                "replenishment_rows": len(due), "neighbours": model.neighbours, "min_shared_buyers": model.min_count,
                "lag_days": LAG_DAYS, "notes": _notes(model, lagged)}
        version = fingerprint(recommend=[len(history.customer), str(ctx.cutoff), model.neighbours])
        return Scored(frame=frame, card=card, version=version, tables=tables)


def _lists(population: pd.Index, products: pd.Index, row: np.ndarray, item: np.ndarray, because: np.ndarray,
           reasons: Any) -> dict[str, Any]:
    """The stored lists, one row per customer (rows sorted): products, their sources, reasons."""
    import pyarrow as pa

    offsets = pa.array(np.searchsorted(row, np.arange(len(population) + 1)).astype(np.int32))
    sources = pa.array(["bought together", "popular"]).take(pa.array((because < 0).astype(np.int64)))
    return {"customer_id": pa.array(population.to_numpy(), pa.string()),
            "products": pa.ListArray.from_arrays(offsets, pa.array(products.to_numpy(), pa.string()).take(
                pa.array(item))),
            "sources": pa.ListArray.from_arrays(offsets, sources),
            "reasons": pa.ListArray.from_arrays(offsets, reasons)}


def _reasons(*parts: np.ndarray) -> pd.Series:
    """Each customer's parts (None where a part does not apply) joined by "; ", by Arrow."""
    import pyarrow as pa
    import pyarrow.compute as pc

    joined = pc.binary_join_element_wise(*(pa.array(p, pa.string()) for p in parts), "; ", null_handling="skip")
    return pc.fill_null(joined, "").to_pandas()


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
    if model.n_buyers_ < 200:
        notes.append(f"co-purchase rests on {model.n_buyers_} buyers: most customers get popular products")
    if not len(lagged):
        notes.append(f"no product is bought after another by 3 or more customers within {LAG_DAYS} days yet")
    return notes
