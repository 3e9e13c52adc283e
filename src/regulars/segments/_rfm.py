"""RFM segments: recency, frequency and money as quintile scores 1-5, named by the classic grid.

Scores are quintiles among the customers with orders; tied customers share the lower score (so
every one-time buyer has F = 1, however many there are), never split at random. The grid reads
the R score against FM, the mean of the F and M scores rounded half up:

    R \\ FM  1               2-3                 4-5
    5       New             Potential loyalist  Champions
    4       Promising       Potential loyalist  Loyal
    3       About to sleep  About to sleep (2), Need attention (3)  Loyal
    2       Hibernating     Hibernating (2), At risk (3)            At risk (4), Can't lose them (5)
    1       Lost            Lost (2), At risk (3)                   At risk (4), Can't lose them (5)

Every customer with an order is in exactly one of the eleven segments.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["GRID", "RFM_SEGMENTS", "quintile_scores", "rfm_segments"]

RFM_SEGMENTS = ("Champions", "Loyal", "Potential loyalist", "New", "Promising", "Need attention",
                "About to sleep", "At risk", "Can't lose them", "Hibernating", "Lost")

# GRID[r - 1][fm - 1]: the segment of R score r and FM score fm
GRID = (
    ("Lost", "Lost", "At risk", "At risk", "Can't lose them"),
    ("Hibernating", "Hibernating", "At risk", "At risk", "Can't lose them"),
    ("About to sleep", "About to sleep", "Need attention", "Loyal", "Loyal"),
    ("Promising", "Potential loyalist", "Potential loyalist", "Loyal", "Loyal"),
    ("New", "Potential loyalist", "Potential loyalist", "Champions", "Champions"),
)


def quintile_scores(values: np.ndarray) -> np.ndarray:
    """1-5 by quintile of ``values`` (higher value, higher score); ties share the lower score."""
    values = np.asarray(values, dtype=float)
    if len(values) == 0:
        return np.zeros(0, dtype=int)
    ranks = pd.Series(values).rank(method="min").to_numpy()  # 1 = lowest; ties take the lowest rank
    return (1 + np.floor(5 * (ranks - 1) / len(values))).astype(int)


def rfm_segments(days_since_last: np.ndarray, orders: np.ndarray, spend: np.ndarray) -> pd.DataFrame:
    """R, F and M scores and the segment name of each customer (rows in the given order)."""
    r = quintile_scores(-np.asarray(days_since_last, dtype=float))  # more recent, higher R
    f = quintile_scores(orders)
    m = quintile_scores(spend)
    fm = np.floor((f + m) / 2 + 0.5).astype(int)
    grid = np.array(GRID, dtype=object)
    names = grid[r - 1, fm - 1] if len(r) else np.array([], dtype=object)
    return pd.DataFrame({"r_score": r, "f_score": f, "m_score": m, "rfm_segment": names})
