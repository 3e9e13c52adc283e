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


def _names(tables: dict[str, ir.Table]) -> dict[str, str]:
    """Product id -> name, where the shop's product list has names."""
    products = tables.get("products")
    if products is None or "name" not in products.columns:
        return {}
    frame = products.filter(products.name.notnull()).select("product_id", "name").to_pyarrow().to_pandas()
    return dict(zip(frame["product_id"], frame["name"]))


def _lists(frame: pd.DataFrame, columns: list[str]) -> Any:
    """One Arrow row per customer with a list per column, from rows sorted by customer."""
    import pyarrow as pa

    ids = frame["customer_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if len(ids) else np.zeros(0, dtype=int)
    offsets = pa.array(np.r_[starts, len(ids)].astype(np.int32))
    data = {"customer_id": pa.array(ids[starts], pa.string())}
    for c in columns:
        data[c] = pa.ListArray.from_arrays(offsets, pa.array(frame[c].to_numpy(), pa.string()))
    return pa.table(data)


def cross_sells(lines: pd.DataFrame, pairs: pd.DataFrame, cutoff_day: int) -> pd.DataFrame:
    """Per customer, the best lagged follow-up to what they bought on their last purchase day
    that they have never bought: customer_id, product_id, after (the product that led to it),
    in_days (from the cutoff; negative when the usual day has passed), confidence, lag_days."""
    if not len(pairs):
        return pd.DataFrame(columns=["customer_id", "product_id", "after", "in_days", "confidence", "lag_days"])
    last = lines.groupby("customer_id", sort=False)["day"].transform("max")
    latest = lines.loc[lines["day"] == last, ["customer_id", "product_id", "day"]].drop_duplicates()
    offers = latest.merge(pairs, on="product_id")
    owned = lines[["customer_id", "product_id"]].drop_duplicates().rename(columns={"product_id": "other_id"})
    offers = offers.merge(owned.assign(_owned=True), on=["customer_id", "other_id"], how="left")
    offers = offers[offers["_owned"].isna()]
    offers = offers.sort_values(["customer_id", "confidence", "customers"], ascending=[True, False, False],
                                kind="stable").drop_duplicates("customer_id")
    return pd.DataFrame({"customer_id": offers["customer_id"], "product_id": offers["other_id"],
                         "after": offers["product_id"],
                         "in_days": offers["day"] + offers["lag_days"].round() - cutoff_day,
                         "confidence": offers["confidence"], "lag_days": offers["lag_days"]})


class RecommendScorer:
    """Next products, a lagged cross-sell and the next replenishment per customer."""

    name = "recommend"

    def skip_reason(self, ctx: RunContext) -> str | None:
        if "order_items" not in ctx.tables:
            return "no order lines (products per order) are loaded; recommendations need what was bought"
        return None

    def score(self, ctx: RunContext) -> Scored:
        import pyarrow as pa

        from regulars._time import cutoff_start
        from regulars.models.recommend import CoPurchase, lagged_pairs, purchase_lines, replenishment
        from regulars.scores._propensity import fingerprint

        lines_table = purchase_lines(ctx.tables, ctx.cutoff)
        lines = lines_table.to_pyarrow().to_pandas()
        if not len(lines):
            raise InsufficientDataError(f"no purchases with products before {ctx.cutoff}")
        model = CoPurchase().fit(lines)
        population = ctx.frames.at(ctx.cutoff).index
        recs = model.recommend(population, n=TOP)
        names = _names(ctx.tables)
        name = np.vectorize(lambda p: names.get(p, p), otypes=[object]) if names else (lambda a: a)
        recs["source"] = np.where(recs["because"] != "", "bought together", "popular")
        because = pd.Series(name(recs["because"].to_numpy()), index=recs.index)
        recs["reason"] = ("customers who bought " + because + " also bought it").where(
            recs["because"] != "", "popular with customers lately")
        recs = recs.sort_values(["customer_id", "rank"], kind="stable")
        together = model.pairs()
        lagged = lagged_pairs(lines_table, LAG_DAYS)
        cutoff_day = int((pd.Timestamp(cutoff_start(ctx.cutoff)) - pd.Timestamp("1970-01-01")).days)
        cross = cross_sells(lines, lagged, cutoff_day).set_index("customer_id")
        due = replenishment(lines_table, ctx.cutoff)
        soonest = due.sort_values(["customer_id", "due_on"], kind="stable").drop_duplicates("customer_id")
        soonest = soonest.set_index("customer_id")

        frame = pd.DataFrame(index=population)
        first = recs[recs["rank"] == 1].set_index("customer_id")
        frame["next_product"] = first["product_id"].reindex(population)
        frame["cross_sell_product"] = cross["product_id"].reindex(population)
        frame["cross_sell_in_days"] = cross["in_days"].reindex(population).astype(float)
        frame["replenish_product"] = soonest["product_id"].reindex(population)
        frame["replenish_in_days"] = (pd.to_datetime(soonest["due_on"]) - pd.Timestamp(ctx.cutoff)).dt.days \
            .reindex(population).astype(float)
        frame["reasons"] = _reasons(frame, first, cross, soonest, name)
        frame = frame.rename_axis("customer_id").reset_index()

        pair_rows = pd.concat([
            together.assign(kind="together", lag_days=np.nan),
            lagged.assign(kind="after", support=lagged["customers"] / max(len(model.customers_), 1)),
        ], ignore_index=True)[["product_id", "other_id", "kind", "customers", "support", "confidence", "lift",
                               "lag_days"]]
        due_rows = due[["customer_id", "product_id", "purchases", "usual_days", "last_bought", "due_on"]]
        tables = {"recommendations": _lists(recs.assign(product_id=recs["product_id"].astype(str)),
                                            ["product_id", "source", "reason"]).rename_columns(
                      ["customer_id", "products", "sources", "reasons"]),
                  "product_pairs": pa.Table.from_pandas(pair_rows.astype({"customers": "int64"}),
                                                        preserve_index=False),
                  "replenishment": pa.Table.from_pandas(due_rows.astype({"purchases": "int64"}),
                                                        preserve_index=False)}
        card = {"products": len(model.products_), "buyers": len(model.customers_),
                "pairs_bought_together": len(together), "pairs_bought_after": len(lagged),
                "replenishment_rows": len(due), "neighbours": model.neighbours, "min_shared_buyers": model.min_count,
                "lag_days": LAG_DAYS, "notes": _notes(model, lagged)}
        version = fingerprint(recommend=[len(lines), str(ctx.cutoff), model.neighbours])
        return Scored(frame=frame, card=card, version=version, tables=tables)


def _reasons(frame: pd.DataFrame, first: pd.DataFrame, cross: pd.DataFrame, soonest: pd.DataFrame, name) -> pd.Series:
    """One line per customer: the next product and why, the cross-sell and the replenishment."""
    idx = frame.index
    parts = []
    nxt = first.reindex(idx)
    has = nxt["product_id"].notna()
    text = pd.Series("", index=idx, dtype=object)
    text[has] = "next: " + pd.Series(name(nxt.loc[has, "product_id"].to_numpy()), index=idx[has]) + " (" + \
        nxt.loc[has, "reason"] + ")"
    parts.append(text)
    c = cross.reindex(idx)
    has = c["product_id"].notna()
    text = pd.Series("", index=idx, dtype=object)
    text[has] = ("then " + pd.Series(name(c.loc[has, "product_id"].to_numpy()), index=idx[has]) + ", usually "
                 + c.loc[has, "lag_days"].round().astype(int).astype(str) + " days after "
                 + pd.Series(name(c.loc[has, "after"].to_numpy()), index=idx[has]))
    parts.append(text)
    r = soonest.reindex(idx)
    has = r["product_id"].notna()
    text = pd.Series("", index=idx, dtype=object)
    text[has] = ("restock " + pd.Series(name(r.loc[has, "product_id"].to_numpy()), index=idx[has]) + " due "
                 + r.loc[has, "due_on"].astype(str) + " (usually every " + r.loc[has, "usual_days"].round()
                 .astype(int).astype(str) + " days)")
    parts.append(text)
    joined = parts[0]
    for p in parts[1:]:
        joined = joined + np.where((joined != "") & (p != ""), "; ", "") + p
    return joined


def _notes(model: Any, lagged: pd.DataFrame) -> list[str]:
    notes = []
    if len(model.customers_) < 200:
        notes.append(f"co-purchase rests on {len(model.customers_)} buyers: most customers get popular products")
    if not len(lagged):
        notes.append(f"no product is bought after another by 3 or more customers within {LAG_DAYS} days yet")
    return notes
