"""Return on investment: (benefit - cost) / cost x 100%. Benefit 25,000 on a cost of 10,000 is
150%: for every unit spent, 1.50 comes back on top of it."""

from __future__ import annotations

__all__ = ["roi", "roi_sentence"]


def roi(benefit: float, cost: float) -> float | None:
    """ROI in percent; None when nothing was spent (it is not defined)."""
    if cost <= 0:
        return None
    return (benefit - cost) / cost * 100.0


def roi_sentence(benefit: float, cost: float) -> str:
    """The ROI in words."""
    value = roi(benefit, cost)
    if value is None:
        return f"benefit {benefit:,.2f} at no cost: ROI is not defined"
    back = f"{value / 100:,.2f} back" if value >= 0 else f"{-value / 100:,.2f} lost"
    return f"ROI {value:,.0f}%: benefit {benefit:,.2f} against cost {cost:,.2f}; for every unit spent, {back}"
