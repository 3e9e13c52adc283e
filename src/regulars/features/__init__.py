"""Features: per-customer values computed as of a cutoff, from data strictly before it."""

from regulars.features._customer import customer_features
from regulars.features._transactions import (
    TIME_UNITS,
    summary_frame,
    summary_from_transactions,
    transaction_summary,
)

__all__ = [
    "TIME_UNITS",
    "customer_features",
    "summary_frame",
    "summary_from_transactions",
    "transaction_summary",
]
