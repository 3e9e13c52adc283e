"""Lifecycle stages follow each customer's own rhythm and the chance they are still a customer."""

from __future__ import annotations

import numpy as np
import pandas as pd

from regulars.config import SegmentSettings
from regulars.segments import lifecycle_stages


def frame(rows):
    return pd.DataFrame(rows, columns=["customer_id", "orders_total", "days_since_last_order",
                                       "days_since_first_order", "mean_days_between_orders"]).set_index("customer_id")


def test_own_rhythm_not_fixed_days():
    f = frame([
        ("weekly", 30, 40, 400, 7),        # 40 quiet days is 5.7 of their gaps: lapsed
        ("yearly", 3, 200, 800, 300),      # 200 quiet days is under one of their gaps: loyal? no, 3 orders: active
        ("lead", 0, np.nan, np.nan, np.nan),
        ("first", 1, 5, 5, np.nan),
        ("regular", 8, 10, 300, 20),
        ("gone", 5, 400, 900, 30),
        ("late", 6, 35, 400, 20),          # 1.75 gaps: at risk
    ])
    stages = lifecycle_stages(f, None, SegmentSettings())["lifecycle_stage"]
    assert stages.to_dict() == {"weekly": "lapsed", "yearly": "active", "lead": "prospect", "first": "new",
                                "regular": "loyal", "gone": "churned", "late": "at risk"}


def test_probability_alive_moves_the_stage():
    f = frame([("a", 8, 10, 300, 20), ("b", 8, 10, 300, 20), ("c", 8, 10, 300, 20)])
    alive = pd.Series({"a": 0.95, "b": 0.5, "c": 0.05})
    out = lifecycle_stages(f, alive, SegmentSettings())
    assert out["lifecycle_stage"].to_dict() == {"a": "loyal", "b": "at risk", "c": "churned"}
    assert "usually every 20 days" in out.loc["a", "lifecycle_reason"]
    assert "50% likely still a customer" in out.loc["b", "lifecycle_reason"]


def test_one_stage_each():
    rng = np.random.default_rng(3)
    n = 2000
    f = frame([(f"c{i}", o, rng.exponential(90), 500, rng.exponential(40) if o > 1 else np.nan)
               for i, o in enumerate(rng.poisson(2, n))])
    stages = lifecycle_stages(f, pd.Series(rng.random(n), index=f.index), SegmentSettings())["lifecycle_stage"]
    assert stages.notna().all() and len(stages) == n
