"""Recommendations: co-purchase (frequently bought together, next products), lagged cross-sell,
replenishment; computed in the engine from orders and their lines."""

from regulars.models.recommend._copurchase import CoPurchase
from regulars.models.recommend._sequences import lagged_pairs, purchase_lines, replenishment

__all__ = ["CoPurchase", "lagged_pairs", "purchase_lines", "replenishment"]
