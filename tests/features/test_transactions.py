"""The point-in-time transaction summary: definitions, refunds, and no leakage past the cutoff."""

from __future__ import annotations

from datetime import date

import ibis
import pandas as pd
import pytest

from regulars.features import transaction_summary

ORDERS = pd.DataFrame({
    "customer_id": ["a", "a", "a", "a", "b", "a", "a"],
    "ordered_at": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 17:00", "2024-01-11", "2024-01-21",
                                  "2024-01-05", "2024-01-25", "2024-02-10"], format="ISO8601"),
    "amount": [10.0, 5.0, 20.0, 30.0, 7.0, 99.0, 1000.0],
    "status": ["completed", "completed", "completed", "completed", "completed", "refunded", "completed"],
})


def summary(frame: pd.DataFrame, cutoff: date, unit: str = "days") -> pd.DataFrame:
    table = ibis.duckdb.connect().create_table("orders", frame)
    return transaction_summary(table, cutoff, unit).to_pandas().set_index("customer_id").sort_index()


def test_definitions():
    s = summary(ORDERS, date(2024, 2, 1))
    assert tuple(s.loc["a", ["frequency", "recency", "T"]]) == (2, 20.0, 30.0)  # same-day orders: one purchase
    assert s.loc["a", "monetary_value"] == pytest.approx(25.0)  # mean of the repeat days; the first excluded
    assert tuple(s.loc["b", ["frequency", "T", "monetary_value"]]) == (0, 26.0, 0.0)
    weeks = summary(ORDERS, date(2024, 2, 1), "weeks")
    assert weeks.loc["a", "T"] == pytest.approx(30 / 7)


def test_rows_after_the_cutoff_change_nothing():
    before = summary(ORDERS, date(2024, 2, 1))
    planted = pd.concat([ORDERS, pd.DataFrame({
        "customer_id": ["a", "c", "b"], "ordered_at": pd.to_datetime(["2024-02-01", "2024-03-01", "2024-02-01 00:00:01"], format="ISO8601"),
        "amount": [1e6, 1e6, 1e6], "status": ["completed"] * 3})])
    pd.testing.assert_frame_equal(summary(planted, date(2024, 2, 1)), before)


def test_refunds_are_not_purchases():
    s = summary(ORDERS, date(2024, 2, 1))
    assert s.loc["a", "frequency"] == 2  # the refunded order on 2024-01-25 does not count


def test_bad_unit():
    with pytest.raises(ValueError, match="unit must be one of"):
        transaction_summary(ibis.duckdb.connect().create_table("o", ORDERS), date(2024, 2, 1), "months")


def test_plain_dataframe_api():
    from regulars.features import summary_from_transactions

    frame = ORDERS.rename(columns={"customer_id": "who", "ordered_at": "when", "amount": "paid"})
    got = summary_from_transactions(frame, date(2024, 2, 1), customer_col="who", date_col="when",
                                    amount_col="paid", status_col="status").set_index("customer_id").sort_index()
    pd.testing.assert_frame_equal(got, summary(ORDERS, date(2024, 2, 1)), check_dtype=False)
    with pytest.raises(ValueError, match="not in the transactions frame"):
        summary_from_transactions(frame, date(2024, 2, 1))


def test_a_cutoff_with_a_time_of_day_is_the_whole_day():
    """Cutoffs are whole days: 2024-03-10 15:00 means the start of 2024-03-10, so an order that
    morning is not counted and recency never exceeds T."""
    from datetime import datetime

    import pandas as pd

    from regulars.features import summary_from_transactions

    orders = pd.DataFrame({"customer_id": ["a", "a", "a"], "amount": [5.0, 6.0, 7.0],
                           "ordered_at": ["2024-03-01 10:00", "2024-03-05 09:00", "2024-03-10 08:00"]})
    noon = summary_from_transactions(orders, datetime(2024, 3, 10, 15, 0))
    midnight = summary_from_transactions(orders, datetime(2024, 3, 10))
    assert noon.equals(midnight)
    assert (noon["recency"] <= noon["T"]).all() and noon.loc[0, "frequency"] == 1
