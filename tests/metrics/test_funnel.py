"""Funnels on tiny timelines: ordered against strict, the conversion window's boundary, an
event out of order, and the repeat purchase."""

from __future__ import annotations

from datetime import datetime, timedelta

from regulars.metrics._funnel import _Step, funnel_steps

T0 = datetime(2024, 1, 1, 10)
NAMES = ["visit", "product view", "cart", "checkout", "purchase", "repeat purchase"]
AGAIN = {5: 4}


def _timeline(*steps: tuple[float, int]) -> list[_Step]:
    """(hours after T0, stage)."""
    return [_Step(T0 + timedelta(hours=h), s) for h, s in steps]


def _counts(timelines, strict=False, days=14):
    found = funnel_steps(timelines, NAMES, timedelta(days=days), strict, AGAIN)
    return [s["customers"] for s in found], found


def test_ordered_and_strict_differ_when_something_comes_between():
    # b: visit, cart, product, cart, checkout: in order with a detour
    people = {"a": _timeline((0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (48, 4)),
              "b": _timeline((0, 0), (1, 2), (2, 1), (3, 2), (4, 3))}
    ordered, found = _counts(people)
    assert ordered == [2, 2, 2, 2, 1, 1]
    assert found[4]["dropped"] == 1 and found[4]["of_previous"] == 0.5 and found[5]["median_hours"] == 44
    strict, _ = _counts(people, strict=True)
    assert strict == [2, 1, 1, 1, 1, 1]  # b's cart came before any product view


def test_the_window_counts_from_the_first_visit_and_its_end_is_out():
    inside = {"a": _timeline((0, 0), (1, 1), (14 * 24 - 0.01, 2))}
    edge = {"a": _timeline((0, 0), (1, 1), (14 * 24, 2))}
    assert _counts(inside)[0][:3] == [1, 1, 1]
    assert _counts(edge)[0][:3] == [1, 1, 0]


def test_an_event_before_the_first_visit_does_not_count_and_nobody_without_a_visit_enters():
    people = {"a": _timeline((-1, 2), (0, 0), (1, 1)),  # the cart came before the visit
              "b": _timeline((0, 1), (1, 2))}  # never visited: not in the funnel
    counts, found = _counts(people)
    assert counts == [1, 1, 0, 0, 0, 0] and found[0]["of_entered"] == 1


def test_one_order_is_a_purchase_and_not_also_a_repeat():
    counts, _ = _counts({"a": _timeline((0, 0), (1, 1), (2, 2), (3, 3), (4, 4))})
    assert counts == [1, 1, 1, 1, 1, 0]


def test_a_shop_that_records_no_carts_goes_from_product_views_to_purchases(workspace, write):
    from regulars import app

    events = "customer_id,occurred_at,event_type\n" + "".join(
        f"{c},2024-03-0{d} 10:00,{kind}\n" for c, d, kind in (
            ("a", 1, "page_view"), ("a", 2, "product_view"), ("b", 1, "page_view"), ("b", 3, "product_view"),
            ("c", 2, "page_view"), ("z", 9, "page_view")))
    orders = "order_id,customer_id,ordered_at,amount\no1,a,2024-03-04 10:00,5\no2,a,2024-03-06 10:00,5\n" \
             "o3,b,2024-03-05 10:00,5\no4,x,2024-03-05 10:00,5\n"
    app.ingest(workspace, [write("events.csv", events)], table="events")
    app.ingest(workspace, [write("orders.csv", orders)], table="orders")
    found = app.funnel(workspace, days=30, window=6)
    assert [(s["stage"], s["customers"]) for s in found.stages] == [
        ("visit", 3), ("product view", 2), ("purchase", 2), ("repeat purchase", 1)]  # z's visit is past the span
    assert found.until == "2024-03-04" and found.stages[3]["median_hours"] == 48
