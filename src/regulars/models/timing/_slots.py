"""Counting each customer's activity by slot in one compiled pass (Numba): each event adds to
its customer's hour, weekday, order weekday and channel in one row of one matrix, so the
counts of a million customers' 40M events touch memory once per event rather than once per
matrix (3x quicker than four numpy bincounts at 1M customers, see bench/segments.py)."""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["HOUR", "ORDER", "WEEKDAY", "CHANNEL", "NO_CHANNEL", "slot_counts", "warm_up"]

#: Bits of an event's packed slot: hour (0-23), weekday (0-6, Monday first), channel (0-30;
#: NO_CHANNEL for one not counted) and whether it is an order, as multipliers.
HOUR, WEEKDAY, CHANNEL, ORDER = 1, 1 << 5, 1 << 8, 1 << 13
NO_CHANNEL = 31


@njit(cache=True)
def _slot_counts(row, slot, n, channels):
    """Per customer row (0..n-1): columns 0-23 hours, 24-30 weekdays, 31-37 weekdays of orders,
    then ``channels`` channels, counted from each event's ``row`` and packed ``slot``."""
    out = np.zeros((n, 38 + channels), dtype=np.int32)
    for i in range(row.shape[0]):
        r, s = row[i], slot[i]
        weekday = (s >> 5) & 7
        channel = (s >> 8) & 31
        out[r, s & 31] += 1
        out[r, 24 + weekday] += 1
        if s >> 13:
            out[r, 31 + weekday] += 1
        if channel < channels:
            out[r, 38 + channel] += 1
    return out


def slot_counts(row, slot, n: int, channels: int) -> np.ndarray:
    """See ``_slot_counts``; rows as 32-bit and slots as 16-bit integers (one compiled signature)."""
    return _slot_counts(np.ascontiguousarray(row, dtype=np.int32), np.ascontiguousarray(slot, dtype=np.int16),
                        int(n), int(channels))


def warm_up() -> None:
    """Compile the loop on a tiny input (Numba caches the machine code for later runs)."""
    slot_counts(np.zeros(1), np.zeros(1), 1, 1)
