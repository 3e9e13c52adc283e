"""A one-line definition of every built-in segment, from the settings that draw it, so an owner
reads what "Loyal" or "lifecycle: churned" means beside it, and why two labels from different
families may seem to disagree (RFM ranks a customer against the shop's other buyers; the
lifecycle stage counts days since their last order)."""

from __future__ import annotations

from typing import Any

from regulars.segments._rfm import GRID

__all__ = ["definitions"]

_RELATIVE = "5 is the best fifth of this shop's buyers: a rank against the others, not days since an order"


def _span(values: list[int]) -> str:
    low, high = min(values), max(values)
    return f"{low}" if low == high else f"{low}-{high}"


def _rfm() -> dict[str, str]:
    cells: dict[str, list[tuple[int, int]]] = {}
    for r, row in enumerate(GRID, start=1):
        for fm, name in enumerate(row, start=1):
            cells.setdefault(name, []).append((r, fm))
    return {name: f"recency {_span([r for r, _ in at])} and orders-and-spend {_span([fm for _, fm in at])} of 5 "
                  f"({_RELATIVE})" for name, at in cells.items()}


def definitions(segments: Any, engagement: Any) -> dict[str, str]:
    """Segment name -> its definition, for the built-in families (``segments`` and ``engagement``
    are the workspace's settings of those names)."""
    s, e = segments, engagement
    return _rfm() | {
        "lifecycle: prospect": "known, but has not bought yet",
        "lifecycle: churned": f"no order for {s.churned_days} days, or below {s.churned_alive:.0%} chance of still "
                              "being a customer",
        "lifecycle: lapsed": f"past {s.lapsed_gaps:g}x their usual gap between orders, or below {s.lapsed_alive:.0%} "
                             "chance of still being a customer",
        "lifecycle: at risk": f"past {s.at_risk_gaps:g}x their usual gap between orders, or below "
                              f"{s.at_risk_alive:.0%} chance of still being a customer",
        "lifecycle: new": f"first order in the last {s.new_days} days",
        "lifecycle: loyal": f"{s.loyal_orders} orders or more, and buying at their usual pace",
        "lifecycle: active": "bought, and buying at their usual pace",
        "behaviour: inactive": f"no order for {s.inactive_days} days",
        "behaviour: high-value": "the top fifth of buyers by spend (who are still buying)",
        "behaviour: frequent": "the top fifth of buyers by orders, three or more (who are still buying)",
        "behaviour: one-time": "one order so far",
        "behaviour: occasional": "more than one order, neither top spenders nor the most frequent",
        "value: top": "the top fifth by predicted value over the coming months (the past does not count)",
        "value: middle": "the next 30% by predicted value",
        "value: low": "the bottom half by predicted value (a big spender of the past who has stopped is here)",
        "engagement: hot": f"{e.hot:g} engagement points or more",
        "engagement: warm": f"{e.warm:g} to {e.hot:g} engagement points",
        "engagement: cold": f"under {e.warm:g} engagement points",
    }
