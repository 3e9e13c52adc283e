"""Journeys on hand-made shops: the paths before a first purchase and before churn, and the
flows between lifecycle stages from run to run, worked out by hand."""

from __future__ import annotations

from datetime import date

import ibis
import pytest

from regulars import app
from regulars.errors import InsufficientDataError
from regulars.metrics import stage_flows

ORDERS = """order_id,customer_id,ordered_at,amount
o1,c1,2024-03-10 10:00,10
o2,c2,2024-03-12 10:00,10
o3,c3,2024-01-05 10:00,10
o4,c4,2024-03-15 10:00,10
o5,c5,2024-05-01 10:00,10
"""
EVENTS = """customer_id,occurred_at,event_type,url
c1,2024-01-20 10:00,pricing_view,/pricing
c1,2024-03-01 10:00,page_view,https://shop.example/shoes/a
c1,2024-03-02 10:00,page_view,/shoes/b?colour=red
c1,2024-03-05 10:00,email_open,
c1,2024-03-09 10:00,product_view,/p/1
c1,2024-03-10 09:00,cart_add,/cart
c2,2024-03-11 10:00,page_view,/shoes
c2,2024-03-11 10:05,product_view,/p/2
c2,2024-03-12 09:00,cart_add,/cart
c2,2024-03-12 09:10,lead_converted,
c3,2024-01-05 09:00,product_view,/p/3
"""
TICKETS = "ticket_id,customer_id,opened_at\nt1,c3,2024-01-20 12:00\n"


def test_the_paths_before_a_first_purchase_and_before_churn(workspace, write):
    for name, text in (("orders", ORDERS), ("events", EVENTS), ("tickets", TICKETS)):
        app.ingest(workspace, [write(f"{name}.csv", text)], table=name)
    paths = app.journeys(workspace).paths
    first = paths["first_purchase"]
    # c1's page views of one group count once; the pricing view 50 days before is too early; c4 and c5 did nothing
    assert (first["people"], first["without_steps"]) == (5, 2)
    assert {(p["path"], p["people"]) for p in first["paths"]} == {
        ("page /shoes → email open → product view → cart add", 1), ("page /shoes → product view → cart add", 1),
        ("product view", 1)}
    # c3 bought once in January and was last heard from with a ticket; nobody else has been quiet 90 days
    churn = paths["churn"]
    assert churn["people"] == 1 and churn["paths"] == [
        {"path": "product view → order → support ticket", "people": 1, "share": 1.0}]


def test_stages_and_the_flows_between_the_last_two_runs():
    members = ibis.memtable({
        "run_id": ["r1", "r1", "r2", "r2", "r2", "r3", "r3", "r3"],
        "customer_id": ["a", "b", "a", "b", "c", "a", "b", "c"],
        "segments": [["lifecycle: new", "value: top"], ["lifecycle: active"], ["lifecycle: active"],
                     ["lifecycle: active"], ["lifecycle: prospect"], ["lifecycle: active"], ["lifecycle: at risk"],
                     ["lifecycle: prospect"]]})
    runs = [("r1", date(2024, 1, 1)), ("r2", date(2024, 2, 1)), ("r3", date(2024, 3, 1))]
    found = stage_flows(members, runs)
    assert found["stages"] == [  # in the lifecycle's order; a became active at r2 (b was active from r1, then left)
        {"stage": "prospect", "customers": 1, "median_days": 29, "since_first_run": 0},
        {"stage": "active", "customers": 1, "median_days": 29, "since_first_run": 0},
        {"stage": "at risk", "customers": 1, "median_days": 0, "since_first_run": 0}]
    assert {(f["was"], f["now"], f["customers"]) for f in found["flows"]} == {
        ("active", "active", 1), ("active", "at risk", 1), ("prospect", "prospect", 1)}
    first = stage_flows(members, runs[:1])
    assert first["flows"] == [] and first["stages"][0]["since_first_run"] == 1


def test_orders_alone_make_no_paths(workspace, write):
    app.ingest(workspace, [write("orders.csv", ORDERS)], table="orders")
    with pytest.raises(InsufficientDataError, match="journeys need orders with web events or tickets"):
        app.journeys(workspace)
