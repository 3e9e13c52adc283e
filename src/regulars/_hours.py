"""Business hours: a weekly schedule in the shop's time zone, less holidays.

Service times are counted in calendar minutes and in business minutes, as Zendesk counts them:
only minutes inside the schedule's weekly intervals (wall-clock time in the shop's zone, so a
change to summer time moves nothing) and outside holidays. Counting is a difference of one
running total ("business minutes since a fixed Monday"), so a million tickets take one pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from regulars.errors import SettingsError

__all__ = ["DAYS", "BusinessHours", "parse_hours"]

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEK = 7 * 1440
#: Business minutes are counted from this Monday (wall-clock, in the schedule's zone).
_EPOCH = datetime(2000, 1, 3)
_PART = re.compile(r"(mon|tue|wed|thu|fri|sat|sun)(?:-(mon|tue|wed|thu|fri|sat|sun))?\s+"
                   r"([01]?\d|2[0-4]):([0-5]\d)-([01]?\d|2[0-4]):([0-5]\d)")


def parse_hours(text: str, where: str = "hours") -> tuple[tuple[int, int], ...]:
    """Weekly intervals, as minutes from Monday 00:00, from text such as
    ``"mon-fri 09:00-17:00, sat 10:00-14:00"`` (``"always"``: every minute)."""
    text = text.strip().lower()
    if text == "always":
        return ((0, WEEK),)
    out: list[tuple[int, int]] = []
    for part in (p.strip() for p in text.split(",")):
        m = _PART.fullmatch(part)
        if not m:
            raise SettingsError(f"{where}: {part!r} is not days and hours such as \"mon-fri 09:00-17:00\" "
                                "(or \"always\")")
        first, last = DAYS.index(m[1]), DAYS.index(m[2] or m[1])
        start, end = int(m[3]) * 60 + int(m[4]), int(m[5]) * 60 + int(m[6])
        if last < first or not start < end <= 1440:
            raise SettingsError(f"{where}: {part!r}: days run Monday to Sunday and a day's hours end after "
                                "they start, by midnight")
        out += [(d * 1440 + start, d * 1440 + end) for d in range(first, last + 1)]
    return _merged(out)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _merged(intervals: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    out: list[list[int]] = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return tuple((s, e) for s, e in out)


@dataclass(frozen=True)
class BusinessHours:
    """Open intervals of the week (minutes from Monday 00:00 local), the zone and holidays."""

    weekly: tuple[tuple[int, int], ...] = ((0, WEEK),)
    zone: str = "UTC"
    holidays: tuple[date, ...] = ()

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(f"time zone {self.zone!r} is unknown; use a name such as \"Europe/London\"") from None

    @classmethod
    def of(cls, hours: str, zone: str = "UTC", holidays: Any = (), where: str = "service") -> BusinessHours:
        """From settings: ``hours`` text, a zone name and holidays as ISO dates."""
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(f"{where}.time_zone: {zone!r} is no time zone; use a name such as "
                                "\"Europe/London\"") from None
        days = []
        for h in holidays:
            try:
                days.append(h if isinstance(h, date) else date.fromisoformat(str(h)))
            except ValueError:
                raise SettingsError(f"{where}.holidays: {h!r} is not a date as YYYY-MM-DD") from None
        return cls(parse_hours(hours, f"{where}.hours"), zone, tuple(sorted(set(days))))

    @classmethod
    def from_sunday_minutes(cls, intervals: list[tuple[int, int]], zone: str = "UTC",
                            holidays: tuple[date, ...] = ()) -> BusinessHours:
        """From Zendesk's form: minutes from Sunday 00:00 (an interval may run past the week's end)."""
        out: list[tuple[int, int]] = []
        for start, end in intervals:
            start, end = start - 1440, end - 1440
            for s, e in ((start, end), (start + WEEK, end + WEEK), (start - WEEK, end - WEEK)):
                if e > 0 and s < WEEK:
                    out.append((max(s, 0), min(e, WEEK)))
        return cls(_merged(out), zone, tuple(sorted(holidays)))

    @property
    def always(self) -> bool:
        return self.weekly == ((0, WEEK),) and not self.holidays

    def describe(self) -> str:
        """The schedule in words, as the settings take it."""
        if self.weekly == ((0, WEEK),):
            return "every hour of every day"
        runs: list[list[Any]] = []  # consecutive days open the same hours: "Mon-Fri 09:00-17:00"
        for s, e in self.weekly:
            day, hours = s // 1440, f"{_clock(s % 1440)}-{_clock(e - s // 1440 * 1440)}"
            if runs and runs[-1][2] == hours and runs[-1][1] == day - 1:
                runs[-1][1] = day
            else:
                runs.append([day, day, hours])
        parts = [f"{DAYS[a].title()}{'-' + DAYS[b].title() if b > a else ''} {h}" for a, b, h in runs]
        return ", ".join(parts) + f" ({self.zone})" + (f", {len(self.holidays)} holidays" if self.holidays else "")

    def _raw(self, minutes: Any) -> Any:
        """Open minutes from the epoch to each wall-clock minute count, holidays not yet taken off."""
        import numpy as np

        minutes = np.asarray(minutes, dtype=float)
        weeks = np.floor(minutes / WEEK)
        rest = minutes - weeks * WEEK
        open_per_week = sum(e - s for s, e in self.weekly)
        done = sum(np.clip(rest - s, 0, e - s) for s, e in self.weekly)
        return weeks * open_per_week + done

    def _local_minutes(self, times: Any) -> Any:
        """Wall-clock minutes since the epoch of UTC instants (naive UTC or aware)."""
        import pandas as pd

        t = pd.to_datetime(pd.Series(times), utc=True).dt.tz_convert(self.zone).dt.tz_localize(None)
        return ((t - pd.Timestamp(_EPOCH)) / pd.Timedelta(minutes=1)).to_numpy(dtype=float)

    def minutes_until(self, times: Any) -> Any:
        """Business minutes from the epoch to each instant (NaN for a missing one)."""
        import numpy as np

        local = self._local_minutes(times)
        out = self._raw(local)
        if self.holidays:
            starts = np.array([(d - _EPOCH.date()).days * 1440 for d in self.holidays], dtype=float)
            lost = self._raw(starts + 1440) - self._raw(starts)
            before = np.concatenate([[0.0], np.cumsum(lost)])
            whole = np.searchsorted(starts + 1440, local, side="right")  # holidays over before each time
            out = out - before[np.minimum(whole, len(starts))]
            inside = (whole < len(starts)) & (local >= starts[np.minimum(whole, len(starts) - 1)])
            if inside.any():
                day = starts[whole[inside]]
                out[inside] -= self._raw(local[inside]) - self._raw(day)
        return out

    def between(self, starts: Any, ends: Any) -> Any:
        """Business minutes from each start to its end (NaN where either is missing)."""
        return self.minutes_until(ends) - self.minutes_until(starts)

    def after(self, start: datetime, minutes: float) -> datetime:
        """The instant ``minutes`` business minutes after ``start`` (naive UTC in, naive UTC out)."""
        import pandas as pd

        return pd.Timestamp(self.after_each([start], [minutes])[0]).to_pydatetime()

    def after_each(self, starts: Any, minutes: Any) -> Any:
        """For each start (naive UTC), the instant its ``minutes`` business minutes run out: a
        search over all of them at once (to a millisecond)."""
        import numpy as np
        import pandas as pd

        starts = pd.to_datetime(pd.Series(starts)).reset_index(drop=True)
        need = np.asarray(minutes, dtype=float)
        if not len(starts):
            return starts.to_numpy()
        base = self.minutes_until(starts)
        low, high = np.zeros(len(starts)), np.maximum(need, 1.0)

        def short(offset: Any) -> Any:
            return self.minutes_until(starts + pd.to_timedelta(offset, unit="m")) - base < need

        for _ in range(30):  # widen until every target fits (a year of closed days at most)
            more = short(high)
            if not more.any():
                break
            low, high = np.where(more, high, low), np.where(more, high * 2, high)
        else:
            raise SettingsError("the business hours have no open minute in a year")
        for _ in range(50):
            mid = (low + high) / 2
            more = short(mid)
            low, high = np.where(more, mid, low), np.where(more, high, mid)
        return (starts + pd.to_timedelta(np.round(high * 60_000) / 60_000, unit="m")).dt.round("ms").to_numpy()
