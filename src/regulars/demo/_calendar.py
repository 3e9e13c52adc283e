"""The demo shop's two years, and days from their start as timestamps."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

__all__ = ["DAYS", "END", "OPEN_HOURS", "START", "dates", "working_time_after"]

START = datetime(2023, 1, 1)
END = datetime(2024, 12, 31, 23, 59)
DAYS = (END - START).days
#: When the demo shop's support works (the ``[service] hours`` default): Monday to Friday, 9 to 5.
OPEN_HOURS = (9, 17)


def dates(offsets_days: np.ndarray) -> pd.Series:
    """Days after ``START`` (fractions are times of day) as timestamps, to the minute."""
    return pd.Series(pd.Timestamp(START) + pd.to_timedelta(offsets_days, unit="D")).dt.floor("min")


def working_time_after(starts: pd.Series, minutes: np.ndarray) -> pd.Series:
    """The moment ``minutes`` of support's working time after each start (a ticket written at
    night is answered the next working morning), to the minute."""
    from datetime import timedelta

    opens, closes = OPEN_HOURS
    out = []
    for start, left in zip(pd.to_datetime(starts), minutes, strict=True):
        at = start.to_pydatetime()
        while True:
            if at.weekday() >= 5 or at.hour >= closes:
                at = (at + timedelta(days=1)).replace(hour=opens, minute=0, second=0, microsecond=0)
                continue
            if at.hour < opens:
                at = at.replace(hour=opens, minute=0, second=0, microsecond=0)
            room = (at.replace(hour=closes, minute=0, second=0, microsecond=0) - at).total_seconds() / 60
            if left <= room:
                out.append(at + timedelta(minutes=float(left)))
                break
            left -= room
            at = at.replace(hour=closes, minute=0, second=0, microsecond=0)
    return pd.Series(out, index=starts.index, dtype="datetime64[ns]").dt.floor("min")
