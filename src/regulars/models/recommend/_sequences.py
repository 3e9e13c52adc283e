"""What follows what: lagged cross-sell ("bought X, then Y within N days", with the typical lag)
and replenishment (each customer's usual interval per product and when the next one is due).
Both are aggregates over purchase lines, written in Ibis so they run in the database."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from regulars._time import cutoff_start

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pandas as pd

__all__ = ["lagged_pairs", "purchase_lines", "replenishment"]


def purchase_lines(tables: dict[str, ir.Table], cutoff: date) -> ir.Table | None:
    """customer_id, product_id, ordered_at, day (days since 1970): every line of every purchase
    before ``cutoff``; None without order lines."""
    import ibis

    from regulars.features import purchases

    if "orders" not in tables or "order_items" not in tables:
        return None
    orders = purchases(tables["orders"])
    orders = orders.filter(orders.ordered_at < ibis.literal(cutoff_start(cutoff)))
    lines = tables["order_items"].join(orders.select("order_id", "customer_id", "ordered_at"), "order_id")
    lines = lines.filter(lines.product_id.notnull())
    return lines.select("customer_id", "product_id", "ordered_at",
                        day=(lines.ordered_at.date().epoch_seconds() / 86400).round().cast("int64"))


def lagged_pairs(lines: ir.Table, max_days: int = 30, min_customers: int = 3) -> pd.DataFrame:
    """product_id, other_id, customers (who first bought other_id 1..max_days days after first
    buying product_id), confidence (their share of product_id's buyers), lift, lag_days (median)."""
    first = lines.group_by("customer_id", "product_id").aggregate(day=lines.day.min())
    buyers_total = first.customer_id.nunique()
    later = first.view()
    joined = first.join(later, (first.customer_id == later.customer_id) & (later.day > first.day)
                        & (later.day <= first.day + max_days) & (first.product_id != later.product_id))
    joined = joined.select(product_id=first.product_id, other_id=later.product_id, lag=later.day - first.day)
    pairs = joined.group_by("product_id", "other_id").aggregate(customers=joined.count(), lag_days=joined.lag.median())
    pairs = pairs.filter(pairs.customers >= min_customers)
    buyers = first.group_by("product_id").aggregate(buyers=first.count())
    out = pairs.join(buyers, "product_id").join(buyers.select(other_id="product_id", other_buyers="buyers"), "other_id")
    out = out.mutate(confidence=out.customers / out.buyers.cast("float64"))
    out = out.mutate(lift=out.confidence / (out.other_buyers / buyers_total.cast("float64")))
    return (out.select("product_id", "other_id", "customers", "confidence", "lift", "lag_days")
            .order_by("product_id", "other_id").to_pyarrow().to_pandas())


def replenishment(lines: ir.Table, cutoff: date, min_repeaters: int = 3, prior_weight: float = 2.0) -> pd.DataFrame:
    """customer_id, product_id, purchases (days it was bought), usual_days, last_bought, due_on for
    every customer who bought a product on at least two days, where at least ``min_repeaters``
    customers rebuy it. The usual interval is the customer's median gap, pulled towards the
    product's median gap by ``prior_weight`` gaps' worth (so two purchases do not set a rhythm).
    A habit overdue by more than one more interval is over and left out."""
    import ibis
    import pandas as pd

    days = lines.group_by("customer_id", "product_id", "day").aggregate()
    window = ibis.window(group_by=["customer_id", "product_id"], order_by="day")
    gaps = days.mutate(gap=days.day - days.day.lag().over(window))
    own = gaps.group_by("customer_id", "product_id").aggregate(
        purchases=gaps.count(), own_days=gaps.gap.median(), last_day=gaps.day.max())
    own = own.filter(own.purchases >= 2)
    product = gaps.filter(gaps.gap.notnull()).group_by("product_id").aggregate(
        product_days=gaps.gap.median(), repeaters=gaps.customer_id.nunique())
    product = product.filter(product.repeaters >= min_repeaters)
    out = own.join(product, "product_id")
    k = (out.purchases - 1).cast("float64")
    out = out.mutate(usual_days=(k * out.own_days + prior_weight * out.product_days) / (k + prior_weight))
    frame = out.select("customer_id", "product_id", "purchases", "usual_days", "last_day") \
        .order_by("customer_id", "product_id").to_pyarrow().to_pandas()
    epoch = pd.Timestamp("1970-01-01")
    frame["last_bought"] = (epoch + pd.to_timedelta(frame.pop("last_day"), unit="D")).dt.date
    due = pd.to_datetime(frame["last_bought"]) + pd.to_timedelta(frame["usual_days"].round(), unit="D")
    frame["due_on"] = due.dt.date
    # a habit missed by a whole interval more is over: nothing is due any more
    live = due + pd.to_timedelta(frame["usual_days"], unit="D") >= pd.Timestamp(cutoff)
    return frame[live.to_numpy()].reset_index(drop=True)
