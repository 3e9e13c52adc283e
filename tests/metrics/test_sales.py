"""The shop's sales measures on a handful of purchases whose answers are worked out by hand."""

from __future__ import annotations

from datetime import datetime

import ibis
import numpy as np
import pytest

from regulars.metrics import activity, main_currency, monthly, population_stability


def sales(rows):
    import pyarrow as pa

    return ibis.memtable(pa.table({"customer_id": pa.array([r[0] for r in rows], pa.string()),
                                   "ordered_at": pa.array([datetime.fromisoformat(r[1]) for r in rows], pa.timestamp("us")),
                                   "amount": pa.array([r[2] for r in rows], pa.float64()),
                                   "currency": pa.array([r[3] for r in rows], pa.string())}))


ROWS = [("a", "2024-04-03", 10.0, "GBP"), ("a", "2024-05-05", 20.0, "GBP"), ("b", "2024-05-20", 5.5, "GBP"),
        (None, "2024-05-21", 4.0, "GBP"), ("b", "2024-06-30 18:00", 7.25, "GBP"), ("c", "2024-06-01", 3.0, "USD"),
        ("c", "2024-01-10", 1.0, "GBP")]


def test_months_count_revenue_anonymous_sales_buyers_and_who_bought_before():
    got = monthly(sales(ROWS), "GBP", 3)
    assert got == [
        {"month": "2024-04", "revenue": 10.0, "orders": 1, "anonymous_revenue": 0.0, "buyers": 1, "repeat_buyers": 0},
        {"month": "2024-05", "revenue": 29.5, "orders": 3, "anonymous_revenue": 4.0, "buyers": 2, "repeat_buyers": 1},
        {"month": "2024-06", "revenue": 7.25, "orders": 1, "anonymous_revenue": 0.0, "buyers": 1, "repeat_buyers": 1},
    ]  # January is more than three months before June; the dollar sale is another currency
    assert monthly(sales(ROWS), "EUR", 12) == []


def test_activity_counts_buyers_by_period_and_the_share_who_came_back():
    got = activity(sales(ROWS))
    # latest sale 30 June 18:00; the last 90 days reach back to 2 April 18:00
    assert got["active"] == 3 and got["active_before"] == 1  # c's January sale is in the period before
    assert got["revenue_30d"] == pytest.approx(7.25 + 3.0)  # 1 June is within 30 days of 30 June
    assert got["revenue_30d_before"] == pytest.approx(20.0 + 5.5 + 4.0)
    assert got["latest_order"] == "2024-06-30 18:00:00"
    assert got["repeat_rate"] == 1.0  # a, b and c each bought more than once; the anonymous sale is nobody's
    assert activity(sales(ROWS[:1]))["repeat_rate"] == 0.0
    assert activity(sales([]))["active"] == 0 and activity(sales([]))["repeat_rate"] is None


def test_the_main_currency_is_the_most_used_and_the_first_by_name_on_a_tie():
    assert main_currency(sales(ROWS)) == "GBP"
    assert main_currency(sales([("a", "2024-01-01", 1.0, "USD"), ("b", "2024-01-01", 1.0, "EUR")])) == "EUR"
    assert main_currency(sales([])) is None


def test_population_stability_is_zero_for_the_same_scores_and_large_for_a_shift():
    rng = np.random.default_rng(0)
    then = rng.uniform(size=5000)
    assert population_stability(then, then) == pytest.approx(0, abs=1e-9)
    assert population_stability(rng.uniform(size=5000), then) < 0.02
    assert population_stability(np.clip(then + 0.3, 0, 1), then) > 0.25
    assert population_stability(then, np.zeros(100)) is None  # nothing to cut into tenths
