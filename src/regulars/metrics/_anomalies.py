"""Days a measure moved beyond what its own history makes likely, by Twitter's S-H-ESD
(Hochenbaum, Vallis and Kejariwal, 2017): the series less its weekly pattern (STL) and its median
leaves residuals, and a generalized ESD test with the median and the MAD in place of the mean and
the standard deviation finds the outlying ones, a few at a time, at a stated false-alarm rate.
Counts (orders, tickets) are first put on the Anscombe scale, where a Poisson count's spread is 1
whatever its level, so ten tickets on a day that usually has two is a spike and three is not. A
series is judged in pieces of a few months (its level may drift), and its first ``min_history``
points are never flagged: a measure just added has no normal to depart from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["ALPHA", "Anomaly", "episodes", "find_anomalies"]

#: The chance, per piece, of flagging a point when none is an outlier (on NAB's series, 0.001
#: gave the best score of 0.01, 0.001 and 0.0001; bench/anomalies.py).
ALPHA = 0.001
#: At most this share of a piece's points (and at least 3) can be outliers: the ESD test's bound.
MAX_SHARE = 0.01


@dataclass(frozen=True)
class Anomaly:
    """Point ``index`` lay ``direction`` ('up' or 'down') of its expected range [low, high]
    (``expected`` in the middle), all in the series' own units."""

    index: int
    direction: str
    observed: float
    expected: float
    low: float
    high: float


def _to_scale(x: Any, counts: bool) -> Any:
    import numpy as np

    return 2.0 * np.sqrt(np.clip(x, 0, None) + 0.375) if counts else np.asarray(x, float)


def _from_scale(y: float, counts: bool) -> float:
    return max(0.0, (y / 2.0) ** 2 - 0.375) if counts else y


def _seasonal(y: Any, period: int) -> Any:
    """The repeating pattern: per position in the cycle, the median of the series less its
    median (STL with a periodic seasonal, made robust), for a series of two cycles or more."""
    import numpy as np

    if period < 2 or len(y) < 2 * period:
        return np.zeros(len(y))
    centred = y - np.median(y)
    phase = np.arange(len(y)) % period
    pattern = np.array([np.median(centred[phase == k]) for k in range(period)])
    return pattern[phase]


def _esd(r: Any, floor: float, alpha: float, max_outliers: int) -> tuple[list[int], float, float, float]:
    """Generalized ESD on ``r`` with median and MAD: (outlying positions, centre, scale, the last
    critical value), the scale never under ``floor``."""
    import numpy as np
    from scipy import stats

    n = len(r)
    steps = np.arange(1, max_outliers + 1)
    t = stats.t.ppf(1 - alpha / (2 * (n - steps + 1)), n - steps - 1)
    lams = (n - steps) * t / np.sqrt((n - steps - 1 + t * t) * (n - steps + 1))
    centre = float(np.median(r))
    scale = max(1.4826 * float(np.median(np.abs(r - centre))), floor, 1e-12)
    left = np.arange(n)
    found, last_hit = [], 0
    for i, lam in enumerate(lams, start=1):
        vals = r[left]
        c = float(np.median(vals))
        s = max(1.4826 * float(np.median(np.abs(vals - c))), floor, 1e-12)
        dev = np.abs(vals - c) / s
        j = int(np.argmax(dev))
        found.append(int(left[j]))
        if dev[j] > lam:
            last_hit = i
        left = np.delete(left, j)
    critical = float(lams[0])
    return found[:last_hit], centre, scale, critical


def find_anomalies(values: list[float], period: int, *, counts: bool, alpha: float = ALPHA,
                   piece: int | None = None, min_history: int | None = None,
                   skip: set[int] | None = None, spread: float = 1.0) -> list[Anomaly]:
    """The outlying points of ``values`` (a seasonal cycle of ``period`` points), oldest first.
    ``counts``: the values are counts (Anscombe scale, spread at least that of a Poisson count);
    ``piece``: points judged together (12 cycles, at least 60, by default); ``skip``: positions
    never flagged (days filled in for a closure); ``spread``: a count's least spread on the
    Anscombe scale (1 for a Poisson count; more for sums of uneven amounts)."""
    import numpy as np

    x = np.asarray(values, float)
    n = len(x)
    min_history = 2 * max(period, 7) if min_history is None else min_history
    if n <= min_history:
        return []
    y = _to_scale(x, counts)
    expected = _seasonal(y, period)
    piece = piece or max(12 * period, 60)
    out: list[Anomaly] = []
    for start in range(0, n, piece):
        stop = min(n, start + piece)
        if stop - start < piece // 2 and start:  # a short tail joins the piece before it
            start = max(0, stop - piece)
        part = y[start:stop] - expected[start:stop]
        flagged, centre, scale, critical = _esd(part, spread if counts else 0.0, alpha,
                                                max(3, int(MAX_SHARE * len(part))))
        for j in flagged:
            i = start + j
            if i < min_history or (skip and i in skip) or any(a.index == i for a in out):
                continue
            middle = expected[i] + centre
            out.append(Anomaly(index=i, direction="up" if part[j] > centre else "down", observed=float(x[i]),
                               expected=round(_from_scale(middle, counts), 2),
                               low=round(_from_scale(middle - critical * scale, counts), 2),
                               high=round(_from_scale(middle + critical * scale, counts), 2)))
    return sorted(out, key=lambda a: a.index)


def episodes(found: list[Anomaly], gap: int = 1) -> list[list[Anomaly]]:
    """Anomalies grouped into episodes: the same direction, at most ``gap`` points apart."""
    out: list[list[Anomaly]] = []
    for a in found:
        if out and out[-1][-1].direction == a.direction and a.index - out[-1][-1].index <= gap:
            out[-1].append(a)
        else:
            out.append([a])
    return out
