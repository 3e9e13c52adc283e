"""The alert watch's detector: a planted spike in low counts is found with its expected range,
ordinary days raise nothing, a new series is never a spike, shut days are never alerts; and on
NAB's nine real series it finds most labelled windows with few alarms outside them."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import numpy as np
import pytest

from regulars.metrics import ShopDays, alert_words, alerts_in, episodes, find_anomalies
from tests.conftest import SHARED_DATA


def _poisson(rate: float, days: int, seed: int) -> list[float]:
    return [float(x) for x in np.random.default_rng(seed).poisson(rate, days)]


def test_a_planted_spike_in_low_counts_is_found_with_its_expected_range():
    tickets = _poisson(3, 120, seed=1)
    tickets[100] = 25.0
    found = find_anomalies(tickets, 7, counts=True)
    assert [a.index for a in found] == [100]
    spike = found[0]
    assert spike.direction == "up" and spike.observed == 25
    assert 0 <= spike.low <= spike.expected <= spike.high < 25
    assert 2 <= spike.expected <= 4  # about the usual three a day


@pytest.mark.parametrize("seed", range(5))
def test_a_year_of_ordinary_days_raises_nothing(seed):
    assert find_anomalies(_poisson(3, 365, seed), 7, counts=True) == []
    assert find_anomalies(_poisson(0.3, 365, seed), 7, counts=True) == []  # mostly zeros: a 2 is no spike


def test_a_weekly_pattern_is_no_spike_and_a_drop_against_it_is():
    # busy Saturdays are the pattern; one Saturday as quiet as a Tuesday is a drop
    orders = [60.0 if d % 7 == 5 else 20.0 for d in range(140)]
    orders = [o + n for o, n in zip(orders, np.random.default_rng(3).normal(0, 2, 140), strict=True)]
    assert find_anomalies(orders, 7, counts=True) == []
    orders[117] = 20.0  # day 117 is a Saturday
    found = find_anomalies(orders, 7, counts=True)
    assert [(a.index, a.direction) for a in found] == [(117, "down")]


def test_a_new_series_is_never_a_spike():
    assert find_anomalies([1, 2, 1, 3, 2, 1, 2, 2, 1, 90], 7, counts=True) == []
    early = _poisson(3, 60, seed=2)
    early[5] = 40.0  # within its first two weeks: no normal to depart from yet
    assert all(a.index != 5 for a in find_anomalies(early, 7, counts=True))


def test_days_the_shop_was_shut_are_never_alerts_and_days_in_a_row_make_one():
    start = date(2024, 1, 1)
    values = _poisson(20, 120, seed=4)
    values[50] = 0.0  # shut: filled in by read_days and marked
    values[80] = values[81] = 60.0
    shop = ShopDays(days=[start + timedelta(days=i) for i in range(120)], values=values,
                    filled=[i == 50 for i in range(120)], closed_weekdays=(), closures=[start + timedelta(days=50)])
    found = alerts_in("orders", shop)
    assert [(a["since"], a["until"], a["days"], a["direction"]) for a in found] == [
        (start + timedelta(days=80), start + timedelta(days=81), 2, "up")]
    words = alert_words(found[0], "Orders")
    assert words.startswith("Orders up since 2024-03-21 (2 days): 60 at the highest, where ")
    assert "is usual and more than" in words and words.endswith("unlikely")


def test_the_last_day_may_be_cut_short_so_only_a_rise_on_it_is_an_alert():
    start = date(2024, 1, 1)

    def shop(values):
        return ShopDays(days=[start + timedelta(days=i) for i in range(len(values))], values=values,
                        filled=[False] * len(values), closed_weekdays=(), closures=[])

    visits = _poisson(80, 120, seed=5)
    assert alerts_in("web_visits", shop([*visits[:-1], 8.0])) == []  # an export taken in the morning
    middle = [*visits]
    middle[100] = 8.0
    assert [a["direction"] for a in alerts_in("web_visits", shop(middle))] == ["down"]
    assert [a["direction"] for a in alerts_in("web_visits", shop([*visits[:-1], 300.0]))] == ["up"]


def test_alert_words_for_a_drop_in_money():
    alert = {"direction": "down", "since": date(2024, 6, 3), "days": 1, "observed": 120.0, "expected": 2400.0,
             "low": 900.0, "high": 4000.0}
    assert alert_words(alert, "Revenue", "£") == ("Revenue down: £120 on 2024-06-03, where £2,400 is usual and "
                                                  "less than £900 unlikely")


@pytest.mark.slow
def test_on_nab_it_finds_most_labelled_windows_with_few_alarms_outside():
    from bench.anomalies import PUBLISHED, SERIES, nab_score, read_series

    windows = json.loads((SHARED_DATA / "nab" / "labels" / "combined_windows.json").read_text())
    found = total = false = 0
    raw = 0.0
    series_found = 0
    for key, (per_day, counts) in SERIES.items():
        stamps, values = read_series(key)
        alarms = [e[0].index for e in episodes(find_anomalies(values, per_day, counts=counts, piece=14 * per_day,
                                                              min_history=per_day), gap=per_day)]
        spans = [(datetime.fromisoformat(a[:19]), datetime.fromisoformat(b[:19])) for a, b in windows[key]]
        score, hit, outside = nab_score(stamps, alarms, spans)
        found, total, false, raw = found + hit, total + len(spans), false + outside, raw + score
        series_found += hit > 0
    print(f"NAB nine series: {found}/{total} windows, {false} alarms outside, raw standard score {raw:.2f}")
    assert found >= 0.65 * total and series_found >= 7  # most windows, in most series
    assert false <= 10 * len(SERIES)  # about one alarm a week outside the windows
    assert raw > sum(advec for advec, _ in PUBLISHED.values())  # better than Twitter's ADVec on these files
