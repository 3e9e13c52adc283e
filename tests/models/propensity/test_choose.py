"""The holdout chooses which model answers, and says when none beats chance."""

from __future__ import annotations

import pytest

from regulars.models.propensity import auc_interval, choose_model


def _metrics(trees: float, logistic: float, rule: float | None, n: int = 100, rate: float = 0.5):
    deciles = [{"customers": n // 10}] * 10
    out = {"model": {"auc": trees, "base_rate": rate, "deciles": deciles}, "baseline_logistic": {"auc": logistic}}
    if rule is not None:
        out["baseline_rule"] = {"rule": "recency", "auc": rule}
    return out


def test_the_interval_is_hanley_and_mcneils():
    low, high = auc_interval(0.75, 50, 50)  # standard error 0.0488 (Hanley & McNeil 1982, eq. 2)
    assert low == pytest.approx(0.75 - 1.96 * 0.04884, abs=1e-4) and high == pytest.approx(0.75 + 1.96 * 0.04884,
                                                                                             abs=1e-4)


def test_the_best_answers_and_a_simpler_one_within_noise_is_preferred():
    assert choose_model(_metrics(0.50, 0.86, 0.90))["candidate"] == "rule"
    assert choose_model(_metrics(0.83, 0.82, 0.78))["candidate"] == "trees"
    assert choose_model(_metrics(0.802, 0.800, None))["candidate"] == "logistic"  # within 0.005: the simpler
    assert choose_model(_metrics(0.50, 0.86, 0.90), ("model", "baseline_logistic"))["candidate"] == "logistic"


def test_a_coin_toss_is_said():
    chosen = choose_model(_metrics(0.50, 0.55, None, n=40))
    assert not chosen["beats_chance"] and chosen["auc_interval"][0] < 0.5 < chosen["auc_interval"][1]
    assert choose_model(_metrics(0.70, 0.60, None, n=2000))["beats_chance"]
