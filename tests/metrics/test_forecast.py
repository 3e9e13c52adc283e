"""Forecasts: which days a shop was shut, the fallback for a short series, and on UCI Online
Retail's revenue the chosen model beating seasonal naive with intervals that hold what they say."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from regulars import app
from regulars.errors import InsufficientDataError, NotFoundError, SettingsError
from regulars.metrics import daily_measure, holdout_check, predict_series, read_days, weekly
from regulars.store import open_workspace, stored_tables

MONDAY = date(2024, 1, 1)


def _busy_shop(weeks: int = 10) -> dict[date, float]:
    """Twenty sales a day, none on Sundays, and shut on the third Wednesday (a holiday)."""
    days = {MONDAY + timedelta(days=i): 20.0 + i % 7 for i in range(weeks * 7)}
    for d in days:
        if d.weekday() == 6:
            days[d] = 0.0
    days[MONDAY + timedelta(days=16)] = 0.0
    return days


def test_a_weekday_never_traded_is_left_out_and_a_holiday_is_filled_not_read_as_zero():
    shop = read_days(_busy_shop())
    assert shop.closed_weekdays == (6,)
    assert all(d.weekday() != 6 for d in shop.days)
    holiday = MONDAY + timedelta(days=16)
    assert shop.closures == [holiday]
    i = shop.days.index(holiday)
    assert shop.filled[i] and shop.values[i] == 22.0  # the Wednesdays around it sold 22
    assert "closed on Sundays" in shop.described() and "1 other day shut" in shop.described()


def test_a_quiet_shop_keeps_its_days_without_sales():
    # about one sale a day: a day or a Sunday with none is nothing unusual
    quiet = {MONDAY + timedelta(days=i): float(i % 3 == 0) for i in range(70)}
    shop = read_days(quiet)
    assert shop.closed_weekdays == () and shop.closures == []
    assert len(shop.days) == 70 and shop.values.count(0.0) == sum(1 for v in quiet.values() if v == 0)


def test_when_the_shop_says_zeros_are_sales_nothing_is_read_as_shut():
    shop = read_days(_busy_shop(), zeros_are_sales=True)
    assert shop.closed_weekdays == () and shop.closures == [] and len(shop.days) == 70


def test_weekly_sums_leave_out_partial_weeks():
    days = {MONDAY + timedelta(days=i): 1.0 for i in range(2, 7 * 3 + 3)}  # Wednesday to the Wednesday 3 weeks on
    weeks, sums = weekly(read_days(days))
    assert weeks == [MONDAY + timedelta(weeks=1), MONDAY + timedelta(weeks=2)] and sums == [7.0, 7.0]


def test_a_ten_point_series_falls_back_and_says_so():
    days = [MONDAY + timedelta(days=i) for i in range(10)]
    made = predict_series(days, [5, 7, 6, 8, 5, 9, 7, 6, 8, 7], "day", 3)
    assert made.model == "Naive" and made.candidates == []
    assert "only 10 days of history" in made.notes[0] and "repeats the last value" in made.notes[0]
    assert [p["value"] for p in made.points] == [7.0, 7.0, 7.0]
    assert all(p["low_80"] <= p["value"] <= p["high_80"] <= p["high_95"] for p in made.points)
    assert made.points[0]["low_95"] >= 5 and made.points[0]["high_95"] <= 9  # the range so far, not a random walk's
    jumped = predict_series(days, [0, 0, 0, 0, 0, 0, 0, 0, 3000, 2800], "day", 3)
    assert max(p["high_95"] for p in jumped.points) <= 3000 and "range of the values so far" in jumped.notes[-1]
    assert [p["period"] for p in made.points] == [days[-1] + timedelta(days=k) for k in (1, 2, 3)]


def test_forecast_asks_for_a_measure_it_knows_and_enough_days(workspace, write):
    with pytest.raises(NotFoundError, match="orders, revenue, tickets"):
        app.forecast(workspace, "visits")
    with pytest.raises(SettingsError, match="day or week"):
        app.forecast(workspace, "orders", by="month")
    app.ingest(workspace, [write("o.csv", "order_id,customer_id,ordered_at,amount\nA1,c1,2024-01-05,10\n")],
               table="orders")
    with pytest.raises(InsufficientDataError, match="at least two days of sales; there are 1"):
        app.forecast(workspace, "orders")


def _series(path, measure: str, before: datetime | None = None):
    from regulars.metrics import main_currency

    with open_workspace(path).store(read_only=True) as store:
        tables = stored_tables(store, "purchases", "tickets")
        return daily_measure(measure, tables["purchases"], tables["tickets"], main_currency(tables["purchases"]),
                             before)


def test_uci_revenue_the_chosen_model_beats_seasonal_naive_on_the_last_eight_weeks(online_retail):
    values, counts = _series(online_retail, "revenue")
    shop = read_days(values, counts)
    assert shop.closed_weekdays == (5,)  # UCI's shop never sells on a Saturday
    assert date(2010, 12, 27) in shop.closures  # nor between Christmas and New Year
    # daily: refit each week (six open days) over the last eight weeks
    daily = holdout_check(shop.days, shop.values, "day", 48, 6, shop.closed_weekdays)
    print("daily", daily)
    assert daily["mase"] < daily["baseline_mase"]
    assert 0.70 <= daily["coverage_80"] <= 0.90 and daily["points"] == 48
    weeks, sums = weekly(shop)
    week = holdout_check(weeks, sums, "week", 8, 1)
    print("weekly", week)
    assert week["mase"] < week["baseline_mase"]
    assert week["coverage_80"] >= 0.70 and week["coverage_95"] >= week["coverage_80"]


def test_a_forecast_as_of_a_past_date_shows_what_then_happened(online_retail):
    found = app.forecast(online_retail, "orders", horizon=6, cutoff="2011-11-01")
    assert found.cutoff == "2011-11-01" and found.model in {c["model"] for c in found.candidates}
    assert [p["period"].weekday() for p in found.points] == [1, 2, 3, 4, 6, 0]  # no Saturday
    values, _ = _series(online_retail, "orders")
    assert [p["actual"] for p in found.points] == [values[p["period"]] for p in found.points]
    assert all(p["low_95"] <= p["low_80"] <= p["value"] <= p["high_80"] <= p["high_95"] for p in found.points)


def test_a_series_mostly_of_zeros_is_forecast_with_intermittent_demand_models():
    import numpy as np

    sold = [float(x) for x in np.random.default_rng(7).poisson(0.6, 200)]
    days = [MONDAY + timedelta(days=i) for i in range(200)]
    made = predict_series(days, sold, "day", 14)
    assert {c["model"] for c in made.candidates} == {"Seasonal naive", "Croston", "ADIDA"}
    assert "have none: models for intermittent demand" in made.notes[0]
    assert len(made.points) == 14 and all(0 <= p["low_95"] <= p["value"] <= p["high_95"] for p in made.points)


def test_a_product_s_demand_is_its_units_on_the_days_the_shop_traded(workspace, write):
    from regulars.metrics import product_units, top_products

    with pytest.raises(InsufficientDataError, match="needs order lines"):
        app.forecast(workspace, "demand")
    orders = "order_id,customer_id,ordered_at,amount,status\n" + "".join(
        f"O{d},c{d % 3},2024-03-{d:02d} 10:00,10,completed\n" for d in range(1, 29)) + \
        "X1,c1,2024-03-05 12:00,10,cancelled\n"
    lines = "order_id,product_id,quantity,unit_price\n" + "".join(
        f"O{d},bread,{1 + d % 2},2\nO{d},{'cake' if d in (7, 14, 21) else 'milk'},1,3\n" for d in range(1, 29)) + \
        "X1,cake,50,3\n"
    app.ingest(workspace, [write("orders.csv", orders)], table="orders")
    app.ingest(workspace, [write("lines.csv", lines)], table="order_items")
    with open_workspace(workspace).store(read_only=True) as store:
        t = stored_tables(store, "purchases", "order_items")
        units, traded = product_units(t["purchases"], t["order_items"], "cake")
        best = top_products(t["purchases"], t["order_items"], top=2)
    # cake sold on the 7th, 14th and 21st, none to the 28th; the cancelled order's 50 are no sale
    assert units == {**{date(2024, 3, d): 1.0 for d in (7, 14, 21)}, date(2024, 3, 28): 0.0} and len(traded) == 28
    assert [(b["product_id"], b["units"]) for b in best] == [("bread", 42), ("milk", 25)]
    found = app.forecast(workspace, "demand", horizon=7)  # the best seller when none is named
    assert found.product == "bread" and len(found.points) == 7 and found.measure == "demand"
    cake = app.forecast(workspace, "demand", product="cake", horizon=7)
    assert [h["value"] for h in cake.history][-8:] == [1, 0, 0, 0, 0, 0, 0, 0]  # days without cake are zeros
    with pytest.raises(NotFoundError, match="no sale of a product 'tea'"):
        app.forecast(workspace, "demand", product="tea")
    with pytest.raises(SettingsError, match="--product goes with the demand forecast"):
        app.forecast(workspace, "orders", product="cake")
