"""Why a customer is in a segment, in words an owner reads, from their scores of the run."""

from __future__ import annotations

from typing import Any

__all__ = ["why_member"]


def why_member(name: str, family: str, description: str | None, s: dict[str, Any]) -> str:
    """Why a customer is in a segment, in words from their scores."""
    if family == "rfm" and s.get("r_score") is not None:
        return (f"recency {s['r_score']}/5, frequency {s['f_score']}/5, money {s['m_score']}/5 "
                f"(1-5 = quintile among buyers)")
    if family == "lifecycle":
        return s.get("lifecycle_reason") or "no order yet"
    if family == "value" and s.get("clv") is not None:
        tier = {"top": "among the top 20%", "middle": "among the next 30%", "low": "in the bottom half"}.get(
            name.split(": ")[-1], name)
        return f"predicted value {s['clv']:,.0f}, {tier} of customers by predicted value"
    if family.startswith("engagement") and s.get("engagement") is not None:
        return f"{s['engagement']:.0f} engagement points"
    return description or family
