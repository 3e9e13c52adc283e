"""Recommendations: co-purchase (frequently bought together, next products), lagged cross-sell,
replenishment; computed in the engine from orders and their lines."""

from regulars.models.recommend._copurchase import CoPurchase
from regulars.models.recommend._sequences import (
    PurchaseHistory,
    cross_sells,
    due_rows,
    follow_ups,
    lagged_pairs,
    replenishment,
)

__all__ = ["CoPurchase", "PurchaseHistory", "cross_sells", "due_rows", "follow_ups", "lagged_pairs", "replenishment"]
