"""The feature registry: every feature declared with its kind, its fill and its words."""

from __future__ import annotations

import math

import pytest

from regulars.features import FEATURES, phrase


def test_rhythm_and_counts_read_as_sentences():
    row = {"mean_days_between_orders": 30.4}
    assert phrase("days_since_last_order", 142.2, row) == "no order for 142 days, 4.7 times their usual 30"
    assert phrase("days_since_last_order", 20, row) == "no order for 20 days (usually every 30)"
    assert phrase("days_since_last_order", 142.2, {}) == "no order for 142 days"
    assert phrase("pricing_views_30d", 2, row) == "viewed pricing 2 times in 30 days"
    assert phrase("pricing_views_30d", 1, row) == "viewed pricing once in 30 days"
    assert phrase("pricing_views_30d", 0, row) == "did not view pricing in 30 days"
    assert phrase("days_since_last_event", 0.2, row) == "last active today"
    assert phrase("email_open_rate_90d", math.nan, row) == "no emails sent in 90 days"
    assert phrase("orders_total", 1, row) == "1 order in all" and phrase("orders_total", 4, row) == "4 orders in all"
    assert phrase("Contract", "Month-to-month", row) is None  # a business's own column: the model words it


@pytest.mark.demo
def test_every_feature_has_a_spec_and_counts_are_filled_with_zero(tmp_path):
    """The features of a shop with every table are all declared; counts are never missing."""
    from datetime import date

    from regulars.app import demo
    from regulars.features import customer_features
    from regulars.store import open_workspace

    demo(tmp_path / "shop", customers=300, seed=2)
    with open_workspace(tmp_path / "shop").store(read_only=True) as store:
        frame = customer_features(store.feature_inputs(), date(2024, 7, 1)).to_pandas()
    produced = set(frame.columns) - {"customer_id"}
    assert produced <= set(FEATURES), produced - set(FEATURES)
    for name in produced:
        spec = FEATURES[name]
        if spec.fill is not None:
            assert frame[name].notna().all(), name
        if spec.kind != "category":
            assert spec.say is not None, name
