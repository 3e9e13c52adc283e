"""The demo shop's two years, and days from their start as timestamps."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

__all__ = ["DAYS", "END", "START", "dates"]

START = datetime(2023, 1, 1)
END = datetime(2024, 12, 31, 23, 59)
DAYS = (END - START).days


def dates(offsets_days: np.ndarray) -> pd.Series:
    """Days after ``START`` (fractions are times of day) as timestamps, to the minute."""
    return pd.Series(pd.Timestamp(START) + pd.to_timedelta(offsets_days, unit="D")).dt.floor("min")
