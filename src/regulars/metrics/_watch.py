"""The alert watch: each daily measure's whole history read for days beyond the expected range
(``find_anomalies``), days in a row in one direction making one alert that says what moved, by how
much against the range, and since when. Days the shop was shut are never alerts."""

from __future__ import annotations

import math
from typing import Any

from regulars.metrics._anomalies import episodes, find_anomalies
from regulars.metrics._days import ShopDays

__all__ = ["COUNTED", "alert_words", "alerts_in", "folded"]

#: Measures that count things (judged on the scale where a count's spread is known).
COUNTED = {"orders", "tickets", "new_customers", "web_visits", "unhappy_texts"}


def alerts_in(measure: str, shop: ShopDays, amounts: tuple[float, float] | None = None, *, about: str | None = None,
              min_history: int | None = None) -> list[dict[str, Any]]:
    """The alerts in one measure's days, oldest first: per episode its first and last day, the
    direction, and on its most outlying day the value seen and the expected value and range.

    Money (``amounts``: the mean and standard deviation of a sale's amount) is judged as a count
    of typical sales: a day's revenue is a sum of a Poisson number of uneven amounts, whose
    spread on the Anscombe scale is sqrt(1 + cv^2) (cv: the amounts' coefficient of variation),
    so one large order on a quiet day is not a spike in a small shop. The last day may be cut
    short by the export, so a drop on it is not an alert. ``about`` names the part of the measure
    the days are (a source of texts); no day is judged before ``min_history`` days of it."""
    skip = {i for i, f in enumerate(shop.filled) if f}
    cycle = max(shop.open_per_week, 1)
    unit = 1.0
    if measure in COUNTED:
        found = find_anomalies(shop.values, cycle, counts=True, skip=skip, min_history=min_history)
    elif amounts and amounts[0] > 0:
        unit, cv = amounts[0], amounts[1] / amounts[0]
        found = find_anomalies([v / unit for v in shop.values], cycle, counts=True, skip=skip,
                               spread=math.sqrt(1 + cv * cv))
    else:
        found = find_anomalies(shop.values, cycle, counts=False, skip=skip)
    # an export taken during its last day reads as a drop that day: only a rise is judged there
    last = len(shop.values) - 1
    found = [a for a in found if not (a.index == last and a.direction == "down")]
    out = []
    for group in episodes(found, gap=1):
        peak = max(group, key=lambda a: abs(a.observed - a.expected))
        out.append({"measure": measure, "since": shop.days[group[0].index], "until": shop.days[group[-1].index],
                    "direction": peak.direction, "observed": round(peak.observed * unit, 2),
                    "expected": round(peak.expected * unit, 2), "low": round(peak.low * unit, 2),
                    "high": round(peak.high * unit, 2), "days": len(group), "about": about})
    return out


def _part(alert: dict[str, Any]) -> bool:
    """Whether an alert is on a theme's or a channel's unhappy texts (not a whole source's)."""
    return alert["measure"] == "unhappy_texts" and (alert.get("about") or "").startswith(("about ", "through "))


def folded(alerts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The alerts as an owner reads them: a theme's or a channel's unhappy texts that moved over
    days its source's moved the same way are said with that source's alert (its ``with``: "about
    parcel", "through email"), not as alerts of their own; one burst, one line."""
    sources = [dict(a, **{"with": []}) for a in alerts if a["measure"] == "unhappy_texts" and not _part(a)]
    out: list[dict[str, Any]] = []
    taken = iter(sources)
    for a in alerts:
        if a["measure"] == "unhappy_texts" and not _part(a):
            out.append(next(taken))
            continue
        host = next((s for s in sources if _part(a) and s["direction"] == a["direction"]
                     and s["since"] <= a["until"] and a["since"] <= s["until"]), None)
        if host is None:
            out.append(a)
        else:
            host["with"].append(a["about"])
    return out


def alert_words(alert: dict[str, Any], title: str, money: str = "") -> str:
    """An alert as an owner reads it: 'Support tickets up: 33 on 2024-12-16, where 5 is usual
    and more than 19 unlikely' (over several days: the most outlying day's value)."""
    def n(v: float) -> str:
        return f"{money}{v:,.0f}" if money or v >= 10 else f"{v:,.1f}".removesuffix(".0")

    up = alert["direction"] == "up"
    when = (f" since {alert['since']:%Y-%m-%d} ({alert['days']} days): {n(alert['observed'])} at the "
            f"{'highest' if up else 'lowest'}," if alert["days"] > 1
            else f": {n(alert['observed'])} on {alert['since']:%Y-%m-%d},")
    bound = f"more than {n(alert['high'])}" if up else f"{'less' if money else 'fewer'} than {n(alert['low'])}"
    if alert.get("about"):
        title = f"{title} ({alert['about']})"
    also = f"; those {' and those '.join(alert['with'])} {'rose' if up else 'fell'} with them" if alert.get("with") else ""
    return f"{title} {alert['direction']}{when} where {n(alert['expected'])} is usual and {bound} unlikely{also}"
