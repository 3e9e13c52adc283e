"""The KPIs on a hand-made shop whose answers are worked out by hand: four months, one of them
empty, an anonymous sale, a person with two records, a refund and a sale in another currency."""

from __future__ import annotations

from datetime import date

import pytest

from regulars import app
from regulars.errors import NotFoundError, SettingsError

ORDERS = """order_id,customer_id,ordered_at,amount,status,currency
o1,c1,2024-01-05 10:00,10,completed,EUR
o2,c2,2024-01-20 10:00,40,completed,EUR
o3,c1,2024-02-03 10:00,20,completed,EUR
o4,c3,2024-02-10 10:00,50,completed,EUR
o5,c3,2024-02-11 10:00,10,completed,EUR
o6,,2024-02-15 10:00,5,completed,EUR
o7,c1,2024-04-01 10:00,30,completed,EUR
o8,c1-shop,2024-04-02 10:00,16,completed,EUR
r8,c1-shop,2024-04-03 10:00,-6,refunded,EUR
o9,c2,2024-04-05 10:00,99,completed,USD
"""
#: c1 and c1-shop share an email: one person
CUSTOMERS = "customer_id,email\nc1,ann@example.com\nc1-shop,Ann@Example.com\nc2,bob@example.com\nc3,cy@example.com\n"


@pytest.fixture
def hand_shop(workspace, write):
    app.ingest(workspace, [write("customers.csv", CUSTOMERS)], table="customers")
    app.ingest(workspace, [write("orders.csv", ORDERS)], table="orders")
    return workspace


def test_every_kpi_per_month_as_worked_out_by_hand(hand_shop):
    found = app.metrics(hand_shop)
    assert found.currency == "EUR" and found.other_currency_orders == 1  # c2's dollar order is left out
    by = {row["period"]: row for row in found.series}
    assert list(by) == [date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1), date(2024, 4, 1)]  # March: empty
    jan, feb, mar, apr = by.values()
    assert (jan["revenue"], jan["orders"], jan["average_order_value"]) == (50, 2, 25)
    assert (jan["active_customers"], jan["new_customers"], jan["returning_customers"]) == (2, 2, 0)
    assert jan["repeat_purchase_rate"] == 0 and jan["retention_rate"] is None and jan["purchase_frequency"] == 1
    # February: the anonymous sale counts in revenue and orders, not in customers
    assert (feb["revenue"], feb["orders"], feb["average_order_value"]) == (85, 4, 21.25)
    assert (feb["active_customers"], feb["new_customers"], feb["returning_customers"]) == (2, 1, 1)
    assert feb["repeat_purchase_rate"] == 0.5 and feb["purchase_frequency"] == 1.5
    assert (feb["retention_rate"], feb["churn_rate"]) == (0.5, 0.5)  # of c1 and c2, c1 came back
    assert feb["retention_rate_of"]["hits"] == 1 and feb["retention_rate_of"]["n"] == 2
    assert 0 < feb["retention_rate_of"]["low"] < 0.5 < feb["retention_rate_of"]["high"] < 1
    assert (mar["revenue"], mar["orders"], mar["active_customers"]) == (0, 0, 0)
    assert mar["average_order_value"] is None and mar["repeat_purchase_rate"] is None
    assert (mar["retention_rate"], mar["churn_rate"]) == (0, 1)  # nobody of February came back in March
    # April: c1 and c1-shop are one person; the refund nets 16 down to 10
    assert (apr["revenue"], apr["orders"], apr["active_customers"]) == (40, 2, 1)
    assert apr["repeat_purchase_rate"] == 1 and apr["retention_rate"] is None  # nobody active in March to keep


def test_by_quarter_and_week_and_one_measure(hand_shop):
    quarters = app.metrics(hand_shop, by="quarter").series
    assert [(r["period"], r["revenue"], r["active_customers"], r["retention_rate"]) for r in quarters] == [
        (date(2024, 1, 1), 135, 3, None), (date(2024, 4, 1), 40, 1, pytest.approx(1 / 3, abs=1e-4))]
    weeks = app.metrics(hand_shop, by="week", periods=100).series
    assert weeks[0]["period"] == date(2024, 1, 1) and all(r["period"].weekday() == 0 for r in weeks)
    assert sum(r["orders"] for r in weeks) == 8 and len(weeks) == 14  # 1 January to the week of 1 April
    one = app.metrics(hand_shop, "retention_rate", periods=2)
    assert [k["name"] for k in one.kpis] == ["retention_rate"] and "stayed" not in one.kpis[0]["formula"]
    assert set(one.series[0]) == {"period", "label", "through", "retention_rate", "retention_rate_of"}
    assert len(one.series) == 2


def test_one_customer_and_an_empty_shop(workspace, write):
    assert app.metrics(workspace).series == []
    app.ingest(workspace, [write("o.csv", "order_id,customer_id,ordered_at,amount\nx1,solo,2024-05-01,9\n")],
               table="orders")
    (only,) = app.metrics(workspace).series
    assert (only["revenue"], only["active_customers"], only["new_customers"], only["retention_rate"]) == (9, 1, 1, None)


def test_a_bad_measure_or_period_is_named(hand_shop):
    with pytest.raises(NotFoundError, match="did you mean retention_rate"):
        app.metrics(hand_shop, "retention")
    with pytest.raises(SettingsError, match="--by must be one of day, week, month, quarter"):
        app.metrics(hand_shop, by="year")


def test_the_command_shows_the_kpis_with_their_change_and_one_with_its_formula(hand_shop):
    import json

    from typer.testing import CliRunner

    from regulars.cli import app as cli

    def run(*args: str):
        return CliRunner().invoke(cli, ["metrics", str(hand_shop), *args], env={"COLUMNS": "80"})

    every = run()
    assert every.exit_code == 0, every.output
    assert "KPIs by month (money in EUR)" in every.output and "2024-03" in every.output
    assert "(to 02 Apr)" in every.output and "change" not in every.output  # April so far: not against a whole month
    assert "1 sales in other currencies are left out" in every.output
    one = run("retention_rate", "--by", "quarter")
    assert "2024 Q1" in one.output and "1 of 3" in one.output
    assert "Retention rate = customers active in both the period and the one before" in " ".join(one.output.split())
    data = json.loads(run("repeat_purchase_rate", "--json").output)
    assert [r["repeat_purchase_rate"] for r in data["series"]] == [0, 0.5, None, 1]
    bad = run("nothing")
    assert bad.exit_code != 0 and "no measure 'nothing'" in bad.output


def test_the_formulas_page_is_written_from_the_measures():
    from pathlib import Path

    from regulars.metrics import KPIS, formulas_page

    page = (Path(__file__).resolve().parents[2] / "docs" / "metrics.md").read_text(encoding="utf-8")
    assert page == formulas_page(), "docs/metrics.md is out of date: run make docs"
    assert all(f"`{name}`" in page for name in KPIS)


FEEDBACK = """customer_id,submitted_at,kind,score
c1,2024-01-10,nps,10
c2,2024-01-11,nps,9
c3,2024-01-12,nps,8
c1,2024-01-13,nps,7
c2,2024-01-14,nps,6
c3,2024-01-15,nps,0
c1,2024-02-01,csat,5
c2,2024-02-02,csat,4
c3,2024-02-03,csat,3
c1,2024-02-04,csat,1
c1,2024-02-05,ces,2
c2,2024-02-06,ces,4
"""
TICKETS = "ticket_id,customer_id,opened_at\nt1,c1,2024-01-03\nt2,c2,2024-01-04\nt3,c2,2024-01-30\n"


def test_nps_csat_ces_and_tickets_by_hand(hand_shop, write):
    assert [k["name"] for k in app.metrics(hand_shop).kpis][-1] == "historical_clv"  # nothing said yet
    with pytest.raises(Exception, match="Net Promoter Score needs its survey answers; none are loaded"):
        app.metrics(hand_shop, "nps")
    app.ingest(hand_shop, [write("feedback.csv", FEEDBACK)], table="feedback")
    app.ingest(hand_shop, [write("tickets.csv", TICKETS)], table="tickets")
    jan, feb, mar, _ = app.metrics(hand_shop).series
    # January: 2 promoters (10, 9), 2 detractors (6, 0) of 6 answers: NPS 0, with its interval
    assert jan["nps"] == 0 and jan["nps_of"]["n"] == 6 and -70 < jan["nps_of"]["low"] < 0 < jan["nps_of"]["high"] < 70
    assert (feb["csat"], feb["csat_of"]["n"], feb["ces"]) == (0.5, 4, 3.0)  # 5 and 4 of 5, 4, 3, 1; mean of 2 and 4
    assert (jan["tickets"], feb["tickets"], mar["tickets"]) == (3, 0, 0)
    assert jan["csat"] is None and feb["nps"] is None


def test_historical_clv_is_revenue_of_known_customers_so_far_per_customer_so_far(hand_shop):
    jan, feb, mar, apr = (row["historical_clv"] for row in app.metrics(hand_shop).series)
    # 50 from 2 customers; then 80 more (the anonymous 5 left out) and a third; none in March; then 40
    assert (jan, feb, mar, apr) == (25, round(130 / 3, 2), round(130 / 3, 2), round(170 / 3, 2))
    with pytest.raises(Exception, match="Predicted CLV ahead needs a run that scored lifetime value"):
        app.metrics(hand_shop, "predicted_clv")


EVENTS = """customer_id,occurred_at,event_type
c1,2024-01-05 09:00,page_view
c1,2024-01-05 09:05,cart_add
c1-shop,2024-01-05 11:00,page_view
c2,2024-01-19 20:00,page_view
c2,2024-01-19 20:01,cart_add
c3,2024-01-10 12:00,product_view
c3,2024-01-10 12:02,cart_add
v9,2024-01-11 08:00,page_view
v9,2024-01-11 18:00,page_view
v9,2024-01-12 08:00,page_view
v8,2024-01-15 08:00,cart_add
v8,2024-01-15 08:09,checkout
c2,2024-01-25 08:00,email_open
c3,2024-02-10 09:00,page_view
"""


def test_web_visits_conversion_and_cart_abandonment_by_hand(hand_shop, write):
    app.ingest(hand_shop, [write("events.csv", EVENTS)], table="events")
    jan, feb, mar, _ = app.metrics(hand_shop).series
    # visits (a person's web day): c1 and c1-shop on the 5th are one; v9 twice; the email open is none
    assert jan["web_visits"] == 6 and feb["web_visits"] == 1 and mar["web_visits"] == 0
    # bought the day of the visit: c1 (order o1) and v8 (a checkout); c2 ordered the next day
    assert jan["conversion_rate"] == round(2 / 6, 4) and jan["conversion_rate_of"]["n"] == 6
    assert feb["conversion_rate"] == 1 and mar["conversion_rate"] is None
    # carts: c1 (bought), c2 (bought the next day), c3 (nothing followed), v8 (checked out)
    assert jan["cart_abandonment_rate"] == 0.25 and jan["cart_abandonment_rate_of"]["n"] == 4
    assert feb["cart_abandonment_rate"] is None  # no cart, no rate


def test_new_customers_a_day_are_first_purchases_of_people(hand_shop):
    from regulars.metrics import daily_measure
    from regulars.store import open_workspace, stored_tables

    with open_workspace(hand_shop).store(read_only=True) as store:
        t = stored_tables(store, "purchases", "tickets")
        firsts, traded = daily_measure("new_customers", t["purchases"], t["tickets"], None)
    # c1 (and c1-shop, the same person) on 5 January, c2 on the 20th, c3 on 10 February; none after
    assert firsts == {date(2024, 1, 5): 1, date(2024, 1, 20): 1, date(2024, 2, 10): 1}
    assert len(traded) == 9  # every day with a sale: the anonymous one and the dollar one too
