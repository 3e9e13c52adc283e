"""Treatment against holdout on one measure: the difference of the two means with Welch's
confidence interval (unequal variances; for a yes/no measure this is the usual interval for a
difference of two proportions), stated in points and relative to the holdout, and a verdict in
words. When the interval still includes zero, the verdict says roughly how many more customers
the test needs: the two-sided sample size for 80% power at the observed difference (or at the
smallest effect worth finding, when nothing has moved yet)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

__all__ = ["Effect", "compare", "customers_needed"]

#: The chance of finding a real effect of the assumed size that the sample size aims for.
POWER = 0.8


@dataclass(frozen=True)
class Effect:
    """One measure, treated against holdout. ``difference`` and its interval are in the
    measure's units (a share for yes/no measures: 0.0766 is 7.66 points); ``relative`` is the
    difference over the holdout's mean (None when the holdout's mean is 0)."""

    measure: str
    treated: float
    holdout: float
    n_treated: int
    n_holdout: int
    difference: float
    low: float
    high: float
    level: float
    relative: float | None
    relative_low: float | None
    relative_high: float | None
    p_value: float
    share: bool
    more_needed: int
    verdict: str

    @property
    def detected(self) -> bool:
        """Whether the interval excludes no effect at all."""
        return self.low > 0 or self.high < 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _quantile(level: float, df: float | None = None) -> float:
    from scipy import stats

    tail = 0.5 + level / 2
    return float(stats.t.ppf(tail, df) if df is not None and math.isfinite(df) else stats.norm.ppf(tail))


def customers_needed(var_treated: float, var_holdout: float, difference: float, level: float = 0.95,
                     power: float = POWER) -> int | None:
    """Customers per group for a two-sided test at ``level`` to find ``difference`` with
    ``power`` (normal approximation); None when the difference is 0."""
    from scipy import stats

    if difference == 0 or not math.isfinite(difference):
        return None
    z = _quantile(level) + float(stats.norm.ppf(power))
    return max(2, math.ceil(z * z * (var_treated + var_holdout) / (difference * difference)))


def compare(treated: Any, holdout: Any, measure: str, level: float = 0.95, smallest_effect: float | None = None
            ) -> Effect:
    """Treated against holdout on one measure (one value per customer: 0/1 for yes/no measures,
    amounts for revenue). ``smallest_effect``: the difference worth finding, used for the
    customers still needed when the observed difference is 0 (defaults to 10% of the holdout's
    mean)."""
    from scipy import stats

    a, b = np.asarray(treated, dtype=float), np.asarray(holdout, dtype=float)
    if len(a) < 2 or len(b) < 2:
        raise ValueError(f"{measure}: at least 2 customers are needed in each group "
                         f"(treated {len(a)}, holdout {len(b)})")
    share = bool(np.isin(a, (0.0, 1.0)).all() and np.isin(b, (0.0, 1.0)).all())
    mean_a, mean_b = float(a.mean()), float(b.mean())
    var_a, var_b = float(a.var(ddof=1)), float(b.var(ddof=1))
    se2 = var_a / len(a) + var_b / len(b)
    difference = mean_a - mean_b
    if se2 > 0:
        df = se2 ** 2 / ((var_a / len(a)) ** 2 / (len(a) - 1) + (var_b / len(b)) ** 2 / (len(b) - 1))
        half = _quantile(level, df) * math.sqrt(se2)
        p_value = float(2 * stats.t.sf(abs(difference) / math.sqrt(se2), df))
    else:  # every customer has the same value in both groups
        half, p_value = 0.0, 1.0 if difference == 0 else 0.0
    low, high = difference - half, difference + half
    rel = (lambda x: x / mean_b) if mean_b != 0 else (lambda x: None)
    target = difference if difference != 0 else (smallest_effect or 0.1 * mean_b)
    needed = customers_needed(var_a, var_b, target, level)
    have = min(len(a), len(b))
    more = 0 if (low > 0 or high < 0) or needed is None else max(0, needed - have) * 2
    effect = Effect(measure, mean_a, mean_b, len(a), len(b), difference, low, high, level, rel(difference),
                    rel(low), rel(high), p_value, share, more, "")
    return Effect(**{**asdict(effect), "verdict": _verdict(effect)})


def _amount(value: float, share: bool) -> str:
    return f"{value * 100:.2f}%" if share else f"{value:,.2f}"


def _difference(value: float, share: bool) -> str:
    return f"{value * 100:+.2f} points" if share else f"{value:+,.2f}"


def _verdict(e: Effect) -> str:
    """One sentence a shop owner can act on."""
    sure = f"{e.level * 100:g}%"
    means = (f"{_amount(e.treated, e.share)} of treated against {_amount(e.holdout, e.share)} held out"
             if e.share else f"{_amount(e.treated, e.share)} per treated customer against "
                             f"{_amount(e.holdout, e.share)} per held-out one")
    span = (f"{e.low * 100:+.2f} and {e.high * 100:+.2f} points" if e.share
            else f"{e.low:+,.2f} and {e.high:+,.2f}")
    relative = f" ({e.relative * 100:+.0f}%)" if e.relative is not None else ""
    if e.treated == e.holdout == 0:
        return f"{e.measure}: none in either group ({e.n_treated:,} treated, {e.n_holdout:,} held out)"
    if e.low > 0 or e.high < 0:
        direction = "raised" if e.low > 0 else "lowered"
        return (f"{e.measure}: the outreach {direction} it, {means}: {_difference(e.difference, e.share)}"
                f"{relative}; with {sure} confidence between {span}")
    more = (f"; about {e.more_needed:,} more customers needed to tell" if e.more_needed
            else "")
    return f"{e.measure}: no detectable effect yet, {means}; with {sure} confidence between {span}{more}"
