"""Plain words for behavioural features."""

from __future__ import annotations

import math

from regulars.models.propensity._phrases import phrase


def test_rhythm_and_counts_read_as_sentences():
    row = {"mean_days_between_orders": 30.4}
    assert phrase("days_since_last_order", 142.2, row) == "no order for 142 days (usually every 30)"
    assert phrase("days_since_last_order", 142.2, {}) == "no order for 142 days"
    assert phrase("pricing_views_30d", 2, row) == "viewed pricing 2 times in 30 days"
    assert phrase("pricing_views_30d", 1, row) == "viewed pricing once in 30 days"
    assert phrase("pricing_views_30d", 0, row) == "did not view pricing in 30 days"
    assert phrase("days_since_last_event", 0.2, row) == "last active today"
    assert phrase("email_open_rate_90d", math.nan, row) == "no emails sent in 90 days"
    assert phrase("orders_total", 1, row) == "1 order in all" and phrase("orders_total", 4, row) == "4 orders in all"
    assert phrase("Contract", "Month-to-month", row) is None  # a business's own column: the model words it
