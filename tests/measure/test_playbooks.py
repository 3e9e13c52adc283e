"""Each playbook's results from its customers' outcomes: measurable only with closed windows on
both sides, cost from the record or the playbook's price per message, ROI at the margin."""

from __future__ import annotations

import pandas as pd
import pytest

from regulars.measure import playbook_effects


def _outcomes() -> pd.DataFrame:
    rows = []
    for i in range(200):
        treated = i % 2 == 0
        rows.append({"playbook": "win-back", "variant": "treatment" if treated else "holdout", "closed": i < 190,
                     "converted": float(i % (3 if treated else 6) == 0), "revenue": 30.0 if i % 3 == 0 else 0.0,
                     "retained": 1.0, "unsubscribed": 0.0, "cost": None, "messages": 1})
    rows += [{"playbook": "thank-you", "variant": v, "closed": True, "converted": 0.0, "revenue": 0.0, "retained": 1.0,
              "unsubscribed": 0.0, "cost": 0.5, "messages": 1} for v in ("treatment", "treatment", "holdout")]
    return pd.DataFrame(rows)


def test_a_playbook_is_measured_on_closed_windows_with_its_cost_and_roi():
    found = {r["playbook"]: r for r in playbook_effects(_outcomes(), {"win-back": 0.25}, level=0.95, margin=0.4)}
    back = found["win-back"]
    assert back["treated"] == 95 and back["held_out"] == 95 and back["still_open"] == 10
    assert [e["measure"] for e in back["effects"]] == ["conversion", "revenue per customer", "retention",
                                                        "unsubscribes"]
    assert back["cost"] == pytest.approx(95 * 0.25)
    revenue = back["effects"][1]["difference"]
    assert back["benefit"] == pytest.approx(revenue * 95 * 0.4)
    assert back["roi_percent"] == pytest.approx((back["benefit"] - back["cost"]) / back["cost"] * 100)
    few = found["thank-you"]
    assert "not measurable yet" in few["verdict"] and "effects" not in few


def test_a_split_timing_is_compared_best_hour_against_planned_time():
    rows = [{"playbook": "nudge", "variant": "treatment", "closed": True, "timing": "best" if i % 2 else "fixed",
             "converted": float(i % 4 == 1 or i % 8 == 0), "revenue": 0.0, "retained": 1.0, "unsubscribed": 0.0,
             "cost": None, "messages": 1} for i in range(400)]
    rows += [{**rows[0], "variant": "holdout", "timing": None} for _ in range(20)]
    (found,) = playbook_effects(pd.DataFrame(rows), {}, level=0.95, margin=0.4)
    timing = found["timing"]
    assert (timing["best"], timing["fixed"]) == (200, 200)
    effect = timing["effect"]  # best: i % 4 == 1 of odd i, half; fixed: i % 8 == 0 of even i, a quarter
    assert effect["treated"] == pytest.approx(0.5) and effect["holdout"] == pytest.approx(0.25)
    assert effect["low"] > 0 and "the best hour converted more" in timing["sentence"]
    assert timing["sentence"].startswith("Best hour against the planned time: 50.00% of 200 sent at their best hour")
    unsplit = playbook_effects(pd.DataFrame([{**r, "timing": "best"} for r in rows]), {}, level=0.95, margin=0.4)
    assert "timing" not in unsplit[0]
