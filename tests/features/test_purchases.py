"""The one definition of a purchase: completed orders net of their refunds, as of a cutoff."""

from __future__ import annotations

from datetime import datetime

import ibis
import pandas as pd

from regulars.features import purchases, refund_shares
from regulars.features._purchases import purchase_days


def _orders(rows):
    frame = pd.DataFrame(rows, columns=["order_id", "customer_id", "ordered_at", "amount", "status"])
    frame["ordered_at"] = pd.to_datetime(frame["ordered_at"])
    return ibis.memtable(frame)


ROWS = [
    ("a", "u", "2024-01-01 10:00", 10.0, "completed"),
    ("b", "u", "2024-02-01 10:00", 50.0, "completed"),
    ("r1", "u", "2024-02-01 10:05", -55.0, "refunded"),   # all of b and 5 of a
    ("c", "v", "2024-01-05 10:00", 20.0, None),
    ("r2", "v", "2024-03-06 10:00", -5.0, "refunded"),    # part of c, a month later
    ("d", "w", "2024-01-01 10:00", 168000.0, "completed"),
    ("r3", "w", "2024-01-01 10:09", -168000.0, "refunded"),  # ordered and cancelled minutes later
    ("e", "w", "2024-01-02 10:00", 3.0, "completed"),
    ("x", "w", "2024-01-02 11:00", 30.0, "cancelled"),    # never completed: no purchase, no offset
    ("r4", "z", "2024-01-02 10:00", -7.0, "refunded"),    # a refund of nothing loaded
]


def test_refunds_offset_their_purchases_latest_first():
    got = purchases(_orders(ROWS)).to_pandas().set_index("order_id")["amount"].to_dict()
    assert got == {"a": 5.0, "c": 15.0, "e": 3.0}  # b and d were refunded in full: no purchases


def test_a_refund_after_the_cutoff_is_not_known_at_it():
    before = purchases(_orders(ROWS), datetime(2024, 3, 1)).to_pandas().set_index("order_id")["amount"]
    assert before["c"] == 20.0
    days = purchase_days(_orders(ROWS), end=datetime(2024, 3, 1)).to_pandas()
    assert sorted(zip(days["customer_id"], days["spend"])) == [("u", 5.0), ("v", 20.0), ("w", 3.0)]


def test_kept_refund_shares_net_as_working_them_out_does_at_every_cutoff():
    """The store keeps ``refund_shares`` per load; netting with them as of any cutoff gives what
    working the refunds out at that cutoff gives (a refund takes only from purchases before it)."""
    orders = _orders(ROWS)
    kept = ibis.memtable(refund_shares(orders).to_pandas())

    def amounts(frame):
        return frame.to_pandas().set_index("order_id")["amount"].sort_index().to_dict()

    for end in (None, datetime(2024, 1, 1, 10, 5), datetime(2024, 1, 2), datetime(2024, 2, 1, 10, 3),
                datetime(2024, 2, 2), datetime(2024, 3, 7)):
        assert amounts(purchases(orders, end, kept)) == amounts(purchases(orders, end)), end


def test_the_store_keeps_refund_shares_of_resolved_customers(tmp_path):
    """Two records of one person (same email): a refund on one offsets a purchase on the other,
    in the store's kept shares as in the rule worked out over the resolved orders."""
    from regulars import app
    from regulars.features import purchases_of
    from regulars.store import open_workspace

    app.init(tmp_path / "w")
    (tmp_path / "customers.csv").write_text(
        "customer_id,email\nc1,jo@example.com\nc2,JO@example.com\n", encoding="utf-8")
    (tmp_path / "orders.csv").write_text(
        "order_id,customer_id,ordered_at,amount,status\n"
        "o1,c1,2024-01-01,40,completed\no2,c1,2024-01-10,10,completed\n"
        "r1,c2,2024-01-20,-25,refunded\no3,c2,2024-02-01,30,completed\n", encoding="utf-8")
    app.ingest(tmp_path / "w", [tmp_path / "customers.csv"], table="customers")
    app.ingest(tmp_path / "w", [tmp_path / "orders.csv"], table="orders")
    with open_workspace(tmp_path / "w").store(read_only=True) as store:
        tables = store.feature_inputs()
        for end in (datetime(2024, 1, 15), datetime(2024, 1, 25), None):
            kept = purchases_of(tables, end).to_pandas().set_index("order_id")["amount"].to_dict()
            assert kept == purchases(tables["orders"], end).to_pandas().set_index("order_id")["amount"].to_dict()
        assert kept == {"o1": 25.0, "o3": 30.0}  # r1 took all of o2 and 15 of o1, across the two records
