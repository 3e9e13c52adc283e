"""Reasons an owner can check: they name the average a chance is measured from, lead with what
moves it the way it went, and say one thing once."""

from __future__ import annotations

import re

from regulars import app


def test_the_slipping_away_list_explains_each_chance_from_what_happened_before(demo_copy):
    """Each chance is measured from the share who left in the last horizon, said as such, and
    above it the first reason is what raises the chance (a cause, or the pattern the model saw)."""
    shown = app.overview(demo_copy, top=50).run["at_risk_valuable"]
    assert shown and sum(r["churn_reasons"].startswith("close to") for r in shown) < len(shown) / 5
    for row in shown:
        said = re.match(r"(above|below|close to) the (\d+)% of buyers who did not order in the last 90 days: (.*)",
                        row["churn_reasons"])
        assert said, row["churn_reasons"]
        first = said.group(3).split("; ")[0]
        if said.group(1) == "above":
            assert first.endswith(("(raises the chance)", "(customers like this leave more often)")), row
        average = int(said.group(2)) / 100  # rounded: a chance within half a point of it may be either
        if said.group(1) != "close to" and abs(row["churn_probability"] - average) > 0.005:
            assert (row["churn_probability"] > average) == (said.group(1) == "above")


def test_the_gap_since_the_last_order_is_said_once(demo_copy):
    rows = app.scores(demo_copy, sort="churn", top=400).frame["churn_reasons"].dropna()
    assert len(rows) > 50
    rhythm = ("no order for", "their usual gap", "usually orders every", "gaps between orders vary")
    assert all(sum(part in text for part in rhythm) <= 1 for text in rows), [
        t for t in rows if sum(p in t for p in rhythm) > 1][:3]


def test_the_customers_list_starts_with_the_most_valuable_at_risk(demo_copy):
    rows = app.scores(demo_copy, sort="at_stake", top=20, only_top=True).frame
    stake = rows["churn_probability"] * rows["clv"]
    assert rows["value_at_stake"].notna().all()
    assert (abs(rows["value_at_stake"] - stake) < 1e-9).all() and rows["value_at_stake"].is_monotonic_decreasing
