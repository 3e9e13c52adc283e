"""Learning points from conversions: a lead's first order is a conversion, marked or not."""

from __future__ import annotations

from datetime import date

from regulars import app

CUTOFF = date(2024, 7, 1)  # learning looks at leads on 2024-06-01 and who converted by the cutoff


def test_a_lead_that_buys_counts_as_converted_without_a_mark(workspace, write):
    events = ["customer_id,occurred_at,event_type"]
    orders = ["order_id,customer_id,ordered_at,amount", "o0,regular,2024-01-10,20", "o1,regular,2024-06-10,20"]
    for i in range(40):
        keen = i < 20
        events += [f"l{i},2024-05-{20 + k},{'pricing_view' if keen else 'page_view'}" for k in range(3)]
        if (keen and i < 16) or i == 39:  # most keen leads and one casual lead buy; none is marked
            orders.append(f"n{i},l{i},2024-06-15,30")
    app.ingest(workspace, [write("e.csv", "\n".join(events) + "\n")], table="events")
    app.ingest(workspace, [write("o.csv", "\n".join(orders) + "\n")], table="orders")
    learned = app.engagement(workspace, cutoff=str(CUTOFF), learn=True).learned
    # 17 leads placed a first order; the regular customer's repeat order is no conversion
    assert (learned["converted"], learned["customers"]) == (17, 40)
    assert learned["points"]["pricing_view"] > learned["points"].get("page_view", 0)
