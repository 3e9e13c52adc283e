"""What the Business page and the report show of the kept figures."""

from __future__ import annotations

from regulars._glance import glance_view


def _found(through: str | None) -> dict:
    series = [{"label": "2024-10", "revenue": 100.0, "through": None},
              {"label": "2024-11", "revenue": 120.0, "through": through}]
    cohorts = [{"cohort": "2024-10", "customers": 10, "retention": [1.0, 0.1]},
               {"cohort": "2024-11", "customers": 4, "retention": [1.0]}]
    return {"figures": {"kpis": {"series": series}, "cohorts": cohorts, "forecasts": {}},
            "measures": {"revenue": {"title": "Revenue", "formula": "sum", "unit": "money"}}}


def test_a_month_under_way_is_left_out_of_cohorts_and_kpis():
    shown = glance_view(_found("2024-11-09"))
    assert [(c["cohort"], c["retention"]) for c in shown["cohorts"]] == [("2024-10", [1.0])]
    assert [(k["month"], k["now"], k["month_before"]) for k in shown["kpis"]] == [("2024-10", 100.0, None)]
    whole = glance_view(_found(None))
    assert [c["retention"] for c in whole["cohorts"]] == [[1.0, 0.1], [1.0]] and whole["width"] == 2
    assert [(k["now"], k["before"]) for k in whole["kpis"]] == [(120.0, 100.0)]
