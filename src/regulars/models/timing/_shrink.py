"""Shrinkage of a customer's shares of activity (by hour, weekday, channel) towards their group's
(customers whose main channel is the same) and the group's towards the shop's: a customer with 3
events mostly follows their group; one with 100 follows their own habit.

A customer's share at slot s is (n(s) + a * group share(s)) / (n + a), with ``a`` = ``PRIOR``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["PRIOR", "group_prior", "shrunk_best"]

#: Events' worth of weight the group's shares carry.
PRIOR = 10.0


def shrunk_best(counts: np.ndarray, group: np.ndarray, prior: float = PRIOR) -> tuple[np.ndarray, np.ndarray]:
    """Per row of ``counts`` (customers x slots), the slot with the highest shrunk share and that
    share. ``group`` holds each row's prior shares (rows x slots, each row summing to 1)."""
    n = counts.sum(axis=1, keepdims=True)
    shares = (counts + prior * group) / (n + prior)
    best = shares.argmax(axis=1)
    return best, shares[np.arange(len(best)), best]


def group_prior(counts: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Each row's prior: its group's shares, shrunk towards the shop's."""
    shop = counts.sum(axis=0) + 1e-9
    shop = shop / shop.sum()
    totals = np.stack([np.bincount(groups, weights=counts[:, j], minlength=groups.max(initial=0) + 1)
                       for j in range(counts.shape[1])], axis=1)  # groups x slots
    return ((totals + PRIOR * shop) / (totals.sum(axis=1, keepdims=True) + PRIOR))[groups]


