"""Charts a person reads: round ticks, month names, a legend, values on hover, text as text."""

from __future__ import annotations

import re

from regulars._charts import band, bars, line, ticks


def test_ticks_are_round_and_reach_the_top():
    assert ticks(5123) == [0, 2000, 4000, 6000]
    assert ticks(145) == [0, 50, 100, 150]
    assert ticks(0.87) == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]
    assert ticks(0) == [0.0, 1.0]


def test_a_bar_chart_labels_its_axis_months_and_values():
    months = [f"2024-{m:02d}" for m in range(1, 13)]
    svg = bars(months, [4000 + 100 * m for m in range(12)], title="Revenue per month", unit="GBP")
    assert re.findall(r'text-anchor="end">([^<]+)<', svg)[:4] == ["0", "2k", "4k", "6k"]  # y ticks
    assert ">Jan 2024<" in svg and ">Feb<" in svg and ">24-01<" not in svg
    assert "<title>Mar 2024: 4.2k GBP</title>" in svg and svg.count('class="grid"') >= 3


def test_a_line_chart_has_a_legend_and_says_each_value_on_hover():
    svg = line(["2023-12", "2024-01", "2024-02"], {"buyers": [10, 12, None], "<b>bought before</b>": [5, 6, 7]},
               title="Buyers")
    assert svg.count('class="key s') == 2 and "&lt;b&gt;bought before&lt;/b&gt;" in svg and "<b>" not in svg
    assert "<title>buyers, Jan 2024: 12 </title>" in svg and svg.count("<circle") == 5
    assert ">Dec 2023<" in svg and ">Jan 2024<" in svg


def test_a_band_of_chances_reads_as_percentages():
    assert band("(-0.001, 0.1]") == "0-10%" and band("(0.9, 1.0]") == "90-100%"
    assert band("(0.25, 0.375]") == "25-38%" and band("all") == "all"
