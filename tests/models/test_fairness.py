"""The fairness check's figures are fairlearn's, its verdict reads chance honestly, and group
thresholds show their effect the same way for the same seed."""

from __future__ import annotations

import numpy as np
import pytest

from regulars.models.fairness import fairness_audit, fairness_summary, group_thresholds

# fairlearn's documented example (user guide, "Common fairness metrics")
Y_TRUE = [0, 1, 1, 1, 1, 0, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1]
Y_PRED = [0, 0, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 0]
GROUPS = ["b", "b", "a", "b", "b", "c", "c", "c", "a", "a", "c", "a", "b", "c", "c", "b", "c", "c"]


def test_the_measures_equal_fairlearns_documented_example():
    found = fairness_audit(Y_TRUE, Y_PRED, GROUPS, threshold=0.5, attribute="letter", min_group=1)
    assert found["demographic_parity_difference"] == pytest.approx(0.25)
    assert found["demographic_parity_ratio"] == pytest.approx(0.6667, abs=1e-4)
    assert found["equalized_odds_difference"] == pytest.approx(1.0)
    rates = {g["group"]: g["selection_rate"] for g in found["groups"]}
    assert rates == pytest.approx({"a": 0.75, "b": 0.5, "c": 0.5})
    # 18 customers: a gap this size is what chance gives groups so small
    assert found["verdict"].startswith("no clear difference by letter")


def _shop(planted: float, seed: int = 1, n: int = 3000):
    rng = np.random.default_rng(seed)
    groups = rng.choice(["GB", "IE", "FR"], n)
    p = np.clip(rng.beta(2, 3, n) + (groups == "GB") * planted, 0, 1)
    y = (rng.random(n) < p).astype(int)
    return y, p, groups


def test_a_planted_gap_reads_uneven_and_random_groups_do_not():
    y, p, groups = _shop(planted=0.15)
    uneven = fairness_audit(y, p, groups, threshold=0.5, attribute="country")
    assert uneven["verdict"].startswith("uneven by country: GB")
    assert uneven["chance"][0] < 0.01 and uneven["demographic_parity_difference"] > 0.2
    shuffled = np.random.default_rng(7).permutation(groups)
    fair = fairness_audit(y, p, shuffled, threshold=0.5, attribute="country")
    assert not fair["verdict"].startswith("uneven") and fair["demographic_parity_difference"] < 0.1


def test_small_groups_are_pooled_and_missing_ones_named():
    y, p, groups = _shop(planted=0.0, n=400)
    groups = groups.astype(object)
    groups[:10], groups[10:15], groups[15:20] = None, "LU", "MT"
    found = fairness_audit(y, p, groups, threshold=0.5, attribute="country")
    names = {g["group"] for g in found["groups"]}
    assert {"other groups", "GB", "IE", "FR"} == names  # "not known" (10), LU and MT (5 each) pooled
    assert sum(g["customers"] for g in found["groups"]) == 400


def test_group_thresholds_narrow_a_planted_gap_the_same_way_for_the_same_seed():
    y, p, groups = _shop(planted=0.15)
    first = group_thresholds(y, p, groups, threshold=0.5, attribute="country", seed=3)
    again = group_thresholds(y, p, groups, threshold=0.5, attribute="country", seed=3)
    assert first == again
    before, after = first["before"], first["after"]
    assert before["demographic_parity_difference"] > 0.2 > 0.1 > after["demographic_parity_difference"]
    assert first["reading"].startswith("narrows the gap")
    levels = first["levels"]  # plain levels a playbook can use: the favoured group's is the highest
    assert set(levels) == {"GB", "IE", "FR"} and levels["GB"] > max(levels["IE"], levels["FR"])
    assert first["learned_on"] + first["checked_on"] == len(y)
    other = group_thresholds(y, p, groups, threshold=0.5, attribute="country", seed=4)
    assert other["after"]["demographic_parity_difference"] < 0.1  # another split, the same reading
    odds = group_thresholds(y, p, groups, threshold=0.5, attribute="country", constraint="equalized_odds", seed=3)
    assert odds["after"]["equalized_odds_difference"] < odds["before"]["equalized_odds_difference"]


def test_the_summary_names_each_reading():
    y, p, groups = _shop(planted=0.15)
    uneven = fairness_audit(y, p, groups, threshold=0.5, attribute="country")
    even = fairness_audit(y, p, np.random.default_rng(2).permutation(groups), threshold=0.5, attribute="gender")
    said = fairness_summary([uneven, even], threshold=0.4, playbook="churn-nurture", checked_on=3000, not_held=[])
    assert said.startswith("Fairness, picking at 40% as the playbook churn-nurture does, on 3,000 customers")
    assert "uneven by country" in said and "by gender" in said
    assert "none was checked" in fairness_summary([], threshold=0.5, playbook="", checked_on=10, not_held=["gender"])
