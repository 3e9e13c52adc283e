"""A significant drift in what a model scores, or a realised accuracy below its check, is said
to a person; a customer's age growing with the calendar is shown but never alerted."""

from __future__ import annotations

import numpy as np
import pandas as pd

from regulars.models.drift import training_profile
from regulars.scores import model_alerts
from regulars.scores._checks import model_drift


def _features(rng, n, shift=0.0):
    return pd.DataFrame({"orders_90d": rng.poisson(2 + 4 * shift, n).astype(float),
                         "days_since_signup": rng.uniform(0, 700, n) + 90})


def test_a_planted_shift_raises_an_alert_and_unchanged_data_does_not():
    rng = np.random.default_rng(5)
    learned = _features(rng, 3000)
    profile = training_profile(learned - [0, 90], rng.random(3000))  # everyone 90 days younger then
    calm = model_drift(profile, _features(rng, 3000), rng.random(3000))
    assert calm["significant"] == [] and "grows with time" in calm["summary"]
    assert model_alerts({"churn": {"drift": calm}}) == []
    moved = model_drift(profile, _features(rng, 3000, shift=1.0), rng.random(3000))
    assert moved["significant"] == ["orders_90d"]
    said = model_alerts({"churn": {"drift": moved}, "support": None})
    assert len(said) == 1 and said[0].startswith("Churn model: a significant shift since it learned")
    assert "orders in the last 90 days" in said[0]


def test_a_fall_in_realised_accuracy_is_said():
    realised = {"fell": True, "summary": "the scores of 2024-09-03 ranked with AUC 0.58"}
    assert model_alerts({"churn": {"realised": realised}}) == [
        "Churn model: the scores of 2024-09-03 ranked with AUC 0.58"]
    assert model_alerts({"churn": {"realised": {**realised, "fell": False}}}) == []
