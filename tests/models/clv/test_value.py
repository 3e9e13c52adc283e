"""CLV and the per-customer predictions, computed on distinct rows, equal the direct formulas."""

from __future__ import annotations

import numpy as np

from regulars.models.clv import (
    BetaGeoFitter,
    GammaGammaFitter,
    customer_lifetime_value,
    predict_customers,
)


def test_compressed_predictions_equal_direct_ones(cdnow_summary):
    counts = BetaGeoFitter().fit(cdnow_summary)
    spend = GammaGammaFitter().fit(cdnow_summary)
    got = customer_lifetime_value(counts, spend, cdnow_summary, months=12, monthly_discount=0.01, unit_days=7)
    value = spend.conditional_expected_average_profit(cdnow_summary)
    direct, previous = np.zeros(len(cdnow_summary)), np.zeros(len(cdnow_summary))
    for i in range(1, 13):
        e = counts.conditional_expected_number_of_purchases_up_to_time(i * 365.25 / 12 / 7, cdnow_summary)
        direct += (e - previous) * value / 1.01**i
        previous = e
    np.testing.assert_allclose(got, direct, rtol=1e-10)
    table = predict_customers(counts, spend, cdnow_summary, horizon_days=91, unit_days=7)
    np.testing.assert_allclose(table["p_alive"], counts.conditional_probability_alive(cdnow_summary))
    np.testing.assert_allclose(table["expected_orders"],
                               counts.conditional_expected_number_of_purchases_up_to_time(13, cdnow_summary))
    assert list(table["customer_id"]) == list(cdnow_summary["customer_id"])
    assert (table["clv"] >= 0).all()
