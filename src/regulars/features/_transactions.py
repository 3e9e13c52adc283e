"""The point-in-time transaction summary that buy-till-you-die models are fitted on.

Per customer, as of a cutoff (orders strictly before it count):

- ``frequency``: repeat purchase days (purchase days - 1; orders on the same day are one
  purchase, as in Fader, Hardie & Lee 2005 and lifetimes),
- ``recency``: time from the first to the last purchase day,
- ``T``: time from the first purchase day to the last day observed (the day before the cutoff),
- ``monetary_value``: mean spend of the repeat purchase days (the first purchase excluded).

Refund rule: only ``completed`` orders are purchases; refunds and cancellations are neither
counted nor subtracted (a refund does not undo a visit). Written once in Ibis, so it runs on
DuckDB here and on any Ibis backend.
"""

from __future__ import annotations

from datetime import date, datetime

import ibis
import ibis.expr.types as ir
import pandas as pd

from regulars._time import cutoff_start
from regulars.features._purchases import purchase_days

__all__ = ["TIME_UNITS", "summary_frame", "summary_from_transactions", "transaction_summary"]

#: Length of each supported time unit in days.
TIME_UNITS = {"days": 1.0, "weeks": 7.0}


def transaction_summary(orders: ir.Table, cutoff: date | datetime, unit: str = "days",
                        shares: ir.Table | None = None) -> ir.Table:
    """One row per customer with at least one purchase before ``cutoff``.

    ``orders`` needs customer_id, ordered_at, amount and (optionally) status columns; ``shares``
    are the store's refund shares (``features.purchases``).
    """
    if unit not in TIME_UNITS:
        raise ValueError(f"unit must be one of {sorted(TIME_UNITS)}, got {unit!r}")
    scale = TIME_UNITS[unit]
    cutoff_ts = ibis.literal(cutoff_start(cutoff))
    last_day = (cutoff_ts - ibis.interval(days=1)).date()
    days = purchase_days(orders, end=cutoff_ts, shares=shares)
    out = days.group_by("customer_id").aggregate(
        first_day=days.day.min(), last_day=days.day.max(), n_days=days.day.count(),
        total=days.spend.sum(), first_amount=days.spend.argmin(days.day),
    )
    repeat = (out.n_days - 1).cast("int64")
    return out.select(
        customer_id=out.customer_id,
        frequency=repeat,
        recency=(out.last_day - out.first_day).cast("int64") / scale,
        T=(last_day - out.first_day).cast("int64") / scale,
        monetary_value=ibis.ifelse(repeat > 0, (out.total - out.first_amount) / repeat.cast("float64"), 0.0),
    )


def summary_frame(orders: ir.Table, cutoff: date | datetime, unit: str = "days",
                  shares: ir.Table | None = None) -> pd.DataFrame:
    """``transaction_summary`` executed, as a pandas frame (through Arrow, the fast path)."""
    return transaction_summary(orders, cutoff, unit, shares).to_pyarrow().to_pandas()


def summary_from_transactions(
    transactions: pd.DataFrame, cutoff: date | datetime, *, customer_col: str = "customer_id",
    date_col: str = "ordered_at", amount_col: str = "amount", status_col: str | None = None,
    unit: str = "days",
) -> pd.DataFrame:
    """The same summary from a plain pandas frame of transactions (for notebooks)."""
    columns = {customer_col: "customer_id", date_col: "ordered_at", amount_col: "amount"}
    if status_col:
        columns[status_col] = "status"
    missing = [c for c in columns if c not in transactions.columns]
    if missing:
        raise ValueError(f"columns not in the transactions frame: {missing}")
    frame = transactions[list(columns)].rename(columns=columns)
    frame["ordered_at"] = pd.to_datetime(frame["ordered_at"])
    return summary_frame(ibis.memtable(frame), cutoff, unit)
