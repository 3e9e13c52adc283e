"""Segments, recommendations and timing in a run: point in time, tiny shops, rules and pins."""

from __future__ import annotations

import re

import numpy as np
import pytest

from regulars import app
from regulars.segments import LIFECYCLE_STAGES, RFM_SEGMENTS
from tests.conftest import query

PRODUCTS = "product_id,name,category\n" + "".join(
    f"P{i},{name},{cat}\n" for i, (name, cat) in enumerate(
        [("Sourdough", "bread"), ("Rye", "bread"), ("Flat white", "coffee"), ("Beans 250g", "coffee"),
         ("Carrot cake", "cakes"), ("Croissant", "pastry")]))


def tiny_shop(customers: int = 50, seed: int = 1, start: str = "2024-01-01", days: int = 300, prefix: str = "c"):
    """Orders, lines and events of a small bakery: most customers buy a few times."""
    rng = np.random.default_rng(seed)
    orders, items, events = ["order_id,customer_id,ordered_at,amount"], ["order_id,product_id,quantity,unit_price"], \
        ["customer_id,occurred_at,event_type,channel,product_id"]
    base = np.datetime64(start, "m")
    n = 0
    for c in range(customers):
        for _ in range(1 + rng.poisson(3)):
            n += 1
            when = base + np.timedelta64(int(rng.integers(0, days)), "D") + np.timedelta64(9 + int(rng.integers(0, 8)), "h")
            picks = rng.choice(6, 1 + rng.integers(0, 3), replace=False)
            orders.append(f"{prefix}{seed}o{n},{prefix}{c},{str(when).replace('T', ' ')},{5.0 * len(picks):.2f}")
            items += [f"{prefix}{seed}o{n},P{p},1,5.0" for p in picks]
        for _ in range(rng.poisson(4)):
            when = base + np.timedelta64(int(rng.integers(0, days)), "D") + np.timedelta64(int(rng.integers(8, 20)), "h")
            events.append(f"{prefix}{c},{str(when).replace('T', ' ')},product_view,web,P{rng.integers(0, 6)}")
    return "\n".join(orders) + "\n", "\n".join(items) + "\n", "\n".join(events) + "\n"


def load(workspace, write, shop, name=""):
    orders, items, events = shop
    app.ingest(workspace, [write(f"orders{name}.csv", orders)], table="orders")
    app.ingest(workspace, [write(f"items{name}.csv", items)], table="order_items")
    app.ingest(workspace, [write(f"events{name}.csv", events)], table="events")


@pytest.fixture
def bakery(workspace, write):
    app.ingest(workspace, [write("products.csv", PRODUCTS)], table="products")
    load(workspace, write, tiny_shop())
    return workspace


def memberships(workspace, run_id):
    return {c: sorted(s) for c, s in query(workspace, f"SELECT customer_id, segments FROM segment_members "
                                                      f"WHERE run_id = '{run_id}'")}


def test_tiny_shop_gets_segments_recommendations_and_timing_with_honest_notes(bakery):
    result = app.run(bakery)
    assert {"segments", "recommend", "timing"} <= set(result.models)
    assert any("rest on 50 buyers" in n for n in result.models["segments"]["notes"])
    assert any("rests on 50 buyers" in n for n in result.models["recommend"]["notes"])
    members = memberships(bakery, result.run_id)
    assert len(members) == 50
    for segs in members.values():  # exactly one RFM segment and one lifecycle stage each
        assert sum(s in RFM_SEGMENTS for s in segs) == 1
        assert sum(s.removeprefix("lifecycle: ") in LIFECYCLE_STAGES for s in segs if s.startswith("lifecycle")) == 1
    listed = app.segments(bakery)
    sizes = {r["segment"]: r["size"] for r in listed.segments}
    assert sizes["lifecycle: prospect"] == 0  # an empty segment is listed, not an error
    assert any(s.startswith("interested in ") and n > 0 for s, n in sizes.items())
    rec = app.recommend(bakery, "c1")
    owned = {r[0] for r in query(bakery, "SELECT DISTINCT product_id FROM order_items JOIN orders USING (order_id) "
                                         "WHERE customer_id = 'c1'")}
    assert [p["product_id"] for p in rec.products] and all(p["name"] for p in rec.products)
    assert len(rec.products) == min(5, 6 - len(owned)) and not owned & {p["product_id"] for p in rec.products}
    who = app.customer(bakery, "c1").scores
    assert who["best_weekday"] and re.search(r"\b1 event\)|\d+ events\)", who["timing_reason"])


def test_segments_use_only_data_before_the_cutoff(bakery, write):
    before = app.run(bakery, cutoff="2024-09-01")
    # later orders from known customers, brand-new customers, later views: none may count
    load(bakery, write, tiny_shop(customers=30, seed=9, start="2024-09-02", days=60), name="_late")
    load(bakery, write, tiny_shop(customers=20, seed=5, start="2024-09-02", days=60, prefix="n"), name="_new")
    after = app.run(bakery, cutoff="2024-09-01")
    assert memberships(bakery, after.run_id) == memberships(bakery, before.run_id)
    sizes = "SELECT segment, size FROM run_segments WHERE run_id = '{}' ORDER BY segment"
    assert query(bakery, sizes.format(after.run_id)) == query(bakery, sizes.format(before.run_id))
    recs = "SELECT customer_id, products FROM recommendations WHERE run_id = '{}' ORDER BY customer_id"
    assert query(bakery, recs.format(after.run_id)) == query(bakery, recs.format(before.run_id))


def test_rule_segments_and_pins_are_kept_across_runs(bakery):
    first = app.run(bakery)
    defined = app.define_segment(bakery, "coffee regulars", 'orders_total >= 4 and "interested in coffee" in segments')
    assert defined.size > 0 and not defined.replaced
    shown = app.segment(bakery, "coffee regulars", top=100)  # its members at once, not after the next run
    assert shown.size == len(shown.members) == defined.size
    app.pin(bakery, "coffee regulars", "c0", pinned_in=False, why="asked not to be contacted")
    app.pin(bakery, "Champions", "c3", pinned_in=True, why="our oldest customer")
    second = app.run(bakery)
    members = memberships(bakery, second.run_id)
    assert "coffee regulars" not in members["c0"] and "Champions" in members["c3"]
    assert sum(s in RFM_SEGMENTS for s in members["c3"]) == 1  # pinned in: moved, not doubled
    third = app.run(bakery)
    assert memberships(bakery, third.run_id) == members
    history = app.segment_history_of(bakery, "coffee regulars").runs
    assert [r["run_id"] for r in history] == [first.run_id, second.run_id, third.run_id]
    assert history[1]["size"] == defined.size - ("coffee regulars" in memberships(bakery, first.run_id)["c0"] or
                                                 _rule_would_hold(bakery, "c0"))
    # the rule's members are recorded in the run it was checked against, at once: nobody enters later
    assert history[0]["size"] == defined.size and history[1]["entered"] == history[2]["entered"] == 0
    assert history[1]["left"] == defined.size - history[1]["size"]  # c0, pinned out, if the rule held them
    explained = app.segment_customer(bakery, "c3")
    assert any(s["segment"] == "Champions" and "our oldest customer" in s["why"] for s in explained.segments)


def _rule_would_hold(workspace, customer):
    orders = query(workspace, f"SELECT count(*) FROM orders WHERE customer_id = '{customer}'")[0][0]
    return orders >= 4


def test_a_shop_with_no_items_events_or_repeat_buyers(workspace, write):
    rows = "order_id,customer_id,ordered_at,amount\n" + "".join(f"o{i},c{i},2024-0{1 + i % 9}-1{i % 9},9.5\n"
                                                                for i in range(40))
    app.ingest(workspace, [write("o.csv", rows)], table="orders")
    result = app.run(workspace)
    assert "segments" in result.models and "timing" in result.models
    assert "no order lines" in result.skipped["recommend"] and "no events" in result.skipped["engagement"]
    assert "clv" in result.skipped
    members = memberships(workspace, result.run_id)
    assert all("behaviour: one-time" in s or "behaviour: inactive" in s for s in members.values())


def test_bad_segment_input_is_refused_and_nothing_changes(bakery):
    from regulars.errors import SettingsError
    from regulars.segments.rules import RuleError
    from tests.conftest import snapshot

    app.run(bakery)
    before = snapshot(bakery)
    for call, says in [
        (lambda: app.define_segment(bakery, "x", "orders_total > "), "ends too early"),
        (lambda: app.define_segment(bakery, "x", "os.system('ls')"), "unexpected character"),
        (lambda: app.define_segment(bakery, "Champions", "orders_total > 1"), "built-in segment"),
        (lambda: app.define_segment(bakery, "<script>", "orders_total > 1"), "a segment name is"),
        (lambda: app.segment(bakery, "Nobody"), "no segment 'Nobody'"),
        (lambda: app.pin(bakery, "Champions", "c1", pinned_in=True, why=" "), "say why"),
        (lambda: app.pin(bakery, "Nobody", "c1", pinned_in=True, why="x"), "no segment 'Nobody'"),
        (lambda: app.pin(bakery, "Champions", "zz", pinned_in=True, why="x"), "no customer 'zz'"),
        (lambda: app.drop_segment(bakery, "Nobody"), "no rule segment"),
    ]:
        with pytest.raises((SettingsError, RuleError), match=says):
            call()
    assert snapshot(bakery) == before


def test_every_built_in_segment_says_what_it_is(bakery):
    """A label an owner reads comes with its definition, from the settings that draw it."""
    app.run(bakery)
    found = app.segments(bakery).segments
    built_in = [s for s in found if s["family"] in ("rfm", "lifecycle", "behaviour", "value", "engagement")]
    assert built_in and all(s["description"] for s in built_in), [s["segment"] for s in built_in
                                                                   if not s["description"]]
    said = {s["segment"]: s["description"] for s in found}
    assert said["Loyal"].startswith("recency 3-4 and orders-and-spend 4-5 of 5")
    assert said["lifecycle: churned"].startswith("no order for 365 days")  # the settings' numbers
