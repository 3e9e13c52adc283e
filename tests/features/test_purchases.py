"""The one definition of a purchase: completed orders net of their refunds, as of a cutoff."""

from __future__ import annotations

from datetime import datetime

import ibis
import pandas as pd

from regulars.features import purchases
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
