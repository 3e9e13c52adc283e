"""The alert watch: each daily measure's whole history read for days beyond the expected range
(``find_anomalies``), days in a row in one direction making one alert that says what moved, by how
much against the range, and since when. Days the shop was shut are never alerts."""

from __future__ import annotations

from typing import Any

from regulars.metrics._anomalies import episodes, find_anomalies
from regulars.metrics._days import ShopDays

__all__ = ["COUNTED", "alerts_in", "alert_words"]

#: Measures that count things (judged on the scale where a count's spread is known).
COUNTED = {"orders", "tickets", "new_customers"}


def alerts_in(measure: str, shop: ShopDays) -> list[dict[str, Any]]:
    """The alerts in one measure's days, oldest first: per episode its first and last day, the
    direction, and on its most outlying day the value seen and the expected value and range."""
    skip = {i for i, f in enumerate(shop.filled) if f}
    found = find_anomalies(shop.values, max(shop.open_per_week, 1), counts=measure in COUNTED, skip=skip)
    out = []
    for group in episodes(found, gap=1):
        peak = max(group, key=lambda a: abs(a.observed - a.expected))
        out.append({"measure": measure, "since": shop.days[group[0].index], "until": shop.days[group[-1].index],
                    "direction": peak.direction, "observed": round(peak.observed, 2), "expected": peak.expected,
                    "low": peak.low, "high": peak.high, "days": len(group)})
    return out


def alert_words(alert: dict[str, Any], title: str, money: str = "") -> str:
    """An alert as an owner reads it: 'Support tickets up: 31 on 2024-06-03, against 2-9 expected
    (usually 5); since 2024-06-02, 2 days.'"""
    def n(v: float) -> str:
        return f"{money}{v:,.0f}" if money or v >= 100 else f"{v:,.1f}".removesuffix(".0")

    since = alert["since"]
    days = alert["days"]
    span = f"since {since:%Y-%m-%d}, {days} days" if days > 1 else f"on {since:%Y-%m-%d}"
    return (f"{title} {alert['direction']}: {n(alert['observed'])} against {n(alert['low'])}-{n(alert['high'])} "
            f"expected (usually {n(alert['expected'])}); {span}")
