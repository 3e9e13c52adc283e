"""The one conversion of a cutoff: cutoffs are whole days.

A cutoff is the midnight that starts its day; a time of day given with it is dropped, so
"before the cutoff" and "the last day observed" always agree (with a time of day, a purchase
earlier that day would count while the day itself was not yet observed: recency > T).
"""

from __future__ import annotations

from datetime import date, datetime

__all__ = ["cutoff_day", "cutoff_start"]


def cutoff_day(cutoff: date | datetime) -> date:
    """The day a cutoff names."""
    return cutoff.date() if isinstance(cutoff, datetime) else cutoff


def cutoff_start(cutoff: date | datetime) -> datetime:
    """The instant a cutoff begins: midnight at the start of its day."""
    return datetime.combine(cutoff_day(cutoff), datetime.min.time())
