"""Per-customer lifetime value from a purchase-count model and the Gamma-Gamma spend model."""

from __future__ import annotations

import numpy as np
import pandas as pd

from regulars.models.clv._gammagamma import GammaGammaFitter

__all__ = ["DAYS_PER_MONTH", "customer_lifetime_value", "distinct_rows", "predict_customers"]

#: Average month length (365.25 / 12 days), used to step CLV month by month.
DAYS_PER_MONTH = 365.25 / 12


def distinct_rows(data: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The distinct (frequency, recency, T) rows and, per customer, the index of its row:
    count predictions then cost per distinct row, not per customer."""
    columns = ["frequency", "recency", "T"]
    frame = data[columns].astype(float)
    # with sort=False groups are numbered by first appearance, the order drop_duplicates keeps
    inverse = frame.groupby(columns, sort=False).ngroup().to_numpy()
    return frame.drop_duplicates().reset_index(drop=True), inverse


def _discounted_purchases(counts, rows: pd.DataFrame, months: int, monthly_discount: float, unit_days: float) -> np.ndarray:
    step = DAYS_PER_MONTH / unit_days
    expected = counts.expected_purchases_at([i * step for i in range(months + 1)], rows)
    discount = (1 + monthly_discount) ** -np.arange(1, months + 1)
    return discount @ np.diff(expected, axis=0)


def customer_lifetime_value(counts, spend: GammaGammaFitter, data: pd.DataFrame, *, months: int = 12,
                            monthly_discount: float = 0.01, unit_days: float = 1.0) -> np.ndarray:
    """Discounted expected spend over ``months``: Σ_i (E[X(i)] − E[X(i−1)]) · E[M] / (1 + d)^i."""
    rows, inverse = distinct_rows(data)
    purchases = _discounted_purchases(counts, rows, months, monthly_discount, unit_days)[inverse]
    return purchases * spend.conditional_expected_average_profit(data)


def predict_customers(counts, spend: GammaGammaFitter | None, data: pd.DataFrame, *, horizon_days: float = 90,
                      months: int = 12, monthly_discount: float = 0.01, unit_days: float = 1.0) -> pd.DataFrame:
    """Every prediction for every customer in ``data``, keyed by customer_id."""
    rows, inverse = distinct_rows(data)
    out = pd.DataFrame({"customer_id": data["customer_id"].to_numpy()})
    out["p_alive"] = counts.conditional_probability_alive(rows)[inverse]
    out["expected_orders"] = counts.conditional_expected_number_of_purchases_up_to_time(horizon_days / unit_days, rows)[inverse]
    out["expected_orders_12m"] = counts.conditional_expected_number_of_purchases_up_to_time(365.25 / unit_days, rows)[inverse]
    out["median_days_to_next_order"] = counts.median_time_to_next_purchase(rows)[inverse] * unit_days
    if spend is not None:
        out["expected_order_value"] = spend.conditional_expected_average_profit(data)
        discounted = _discounted_purchases(counts, rows, months, monthly_discount, unit_days)[inverse]
        out["clv"] = discounted * out["expected_order_value"].to_numpy()
    return out
