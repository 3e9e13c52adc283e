"""Cohorts against matrices worked out by hand, both retention kinds named and given."""

from __future__ import annotations

import pytest

from regulars import app
from regulars.metrics import cohort_table
from regulars.store import open_workspace, stored_tables

#: Three customers buy first on 1 January; a returns on day 1, b on day 5, c never; d starts on day 6
ORDERS = """order_id,customer_id,ordered_at,amount
a0,a,2024-01-01 10:00,10
b0,b,2024-01-01 11:00,10
c0,c,2024-01-01 12:00,10
a1,a,2024-01-02 10:00,20
b5,b,2024-01-06 10:00,30
d6,d,2024-01-07 10:00,40
"""


def _cohorts(workspace, grain: str, **options):
    with open_workspace(workspace).store(read_only=True) as store:
        tables = stored_tables(store, "purchases", "customer_map", *(["customers"] if options else []))
        sources = None
        if options:
            c = tables["customers"]
            sources = c.select("customer_id", source=c.lead_source)
        return cohort_table(tables["purchases"], tables["customer_map"], grain, sources=sources)


def test_the_three_customers_example_in_days_both_kinds(workspace, write):
    app.ingest(workspace, [write("orders.csv", ORDERS)], table="orders")
    first, last = _cohorts(workspace, "day")
    assert (first["cohort"], first["customers"]) == ("2024-01-01", 3)
    assert [round(x * 100) for x in first["retention"]] == [100, 33, 0, 0, 0, 33, 0]
    assert [round(x * 100) for x in first["retention_on_or_after"]] == [100, 67, 33, 33, 33, 33, 0]
    assert first["revenue_per_customer"] == [10, pytest.approx(6.67), 0, 0, 0, 10, 0]
    assert (last["cohort"], last["customers"], last["retention"]) == ("2024-01-07", 1, [1])
    (weekly,) = _cohorts(workspace, "week")[:1]
    assert weekly["cohort"] == "week of 2024-01-01" and weekly["customers"] == 4  # all four in the first week
    assert weekly["retention"] == [1]


def test_cohorts_by_where_customers_came_from(workspace, write):
    people = "customer_id,lead_source\na,ads\nb,ads\nc,referral\ne,ads\n"
    app.ingest(workspace, [write("customers.csv", people)], table="customers")
    app.ingest(workspace, [write("orders.csv", ORDERS + "e6,e,2024-01-07 11:00,5\n")], table="orders")
    by_source = {c["cohort"]: c for c in _cohorts(workspace, "day", sources=True)}
    assert set(by_source) == {"ads", "referral", "unknown"}
    ads = by_source["ads"]  # e started on the last day: counted at day 0 only
    assert ads["customers"] == 3 and ads["observed"] == [3, 2, 2, 2, 2, 2, 2]
    assert ads["retention"] == [1, 0.5, 0, 0, 0, 0.5, 0] and ads["retention_on_or_after"][:3] == [1, 1, 0.5]
    assert by_source["referral"]["retention_on_or_after"][1] == 0
    assert by_source["unknown"]["customers"] == 1  # d, who has no profile


def test_the_command_shows_either_kind(workspace, write):
    from typer.testing import CliRunner

    from regulars.cli import app as cli

    app.ingest(workspace, [write("orders.csv", ORDERS)], table="orders")
    shown = CliRunner().invoke(cli, ["cohorts", str(workspace), "--by", "day"], env={"COLUMNS": "80"})
    assert shown.exit_code == 0 and "bought again in that period, by days" in shown.output
    assert "33%" in shown.output and "67%" not in shown.output
    unbounded = CliRunner().invoke(cli, ["cohorts", str(workspace), "--by", "day", "--on-or-after"],
                                   env={"COLUMNS": "80"})
    assert "in that period or later" in unbounded.output and "67%" in unbounded.output
    assert app.cohorts(workspace, by="day", last=1).cohorts[0]["cohort"] == "2024-01-07"
