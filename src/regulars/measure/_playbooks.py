"""Each playbook's results: the customers it reached against those held out, once their
attribution window has closed, on every measure, with the return on what it cost."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from regulars.measure._roi import roi, roi_sentence
from regulars.measure._uplift import compare

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MEASURES", "playbook_effects", "timing_effect"]

#: Measures compared, by outcome column, in the order shown.
MEASURES = (("converted", "conversion"), ("revenue", "revenue per customer"), ("retained", "retention"),
            ("unsubscribed", "unsubscribes"))


def playbook_effects(outcomes: pd.DataFrame, cost_per_message: dict[str, float], *, level: float,
                     margin: float) -> list[dict[str, Any]]:
    """One entry per playbook of ``outcomes`` (a row per customer reached or held out: variant,
    closed, the measures, cost, messages). Cost is the recorded cost per action, else the
    playbook's ``cost_per_message``; the benefit is the revenue difference x reached x ``margin``."""
    rows = []
    for name, mine in outcomes.groupby("playbook", sort=True):
        closed = mine[mine["closed"]]
        treated, held = closed[closed["variant"] == "treatment"], closed[closed["variant"] == "holdout"]
        entry: dict[str, Any] = {"playbook": name, "treated": len(treated), "held_out": len(held),
                                 "still_open": int((~mine["closed"]).sum())}
        timing = timing_effect(treated, level=level)
        if timing:
            entry["timing"] = timing
        if len(treated) < 2 or len(held) < 2:
            entry["verdict"] = (f"not measurable yet: {len(treated):,} treated and {len(held):,} held out with a "
                                f"closed window (at least 2 of each are needed)")
            rows.append(entry)
            continue
        effects = [compare(treated[column].to_numpy(), held[column].to_numpy(), label, level=level)
                   for column, label in MEASURES]
        cost = float(treated["cost"].astype(float).fillna(treated["messages"] * cost_per_message.get(name, 0.0)).sum())
        revenue = effects[1]
        benefit = revenue.difference * len(treated) * margin
        entry.update({
            "effects": [e.to_dict() for e in effects],
            "verdict": effects[0].verdict,
            "cost": cost, "benefit": benefit, "roi_percent": roi(benefit, cost),
            "roi": roi_sentence(benefit, cost) + (
                "" if revenue.detected else " (the revenue difference is not yet distinguishable from chance)"),
        })
        rows.append(entry)
    return rows


def timing_effect(treated: pd.DataFrame, *, level: float) -> dict[str, Any] | None:
    """Of a playbook split between timings (``timing: split``): conversion of the customers sent
    their messages at their best hour against those sent when planned, with its interval and a
    sentence; None unless at least 2 of each have a closed window."""
    if "timing" not in treated.columns:
        return None
    best, fixed = treated[treated["timing"] == "best"], treated[treated["timing"] == "fixed"]
    if len(best) < 2 or len(fixed) < 2:
        return None
    e = compare(best["converted"].to_numpy(), fixed["converted"].to_numpy(), "conversion", level=level)
    sure = f"{level * 100:g}%"
    found = ("the best hour converted more" if e.low > 0 else "the planned time converted more" if e.high < 0
             else "no detectable difference yet" + (f"; about {e.more_needed:,} more customers needed to tell"
                                                    if e.more_needed else ""))
    sentence = (f"Best hour against the planned time: {e.treated * 100:.2f}% of {len(best):,} sent at their best "
                f"hour converted, against {e.holdout * 100:.2f}% of {len(fixed):,} sent when planned: "
                f"{e.difference * 100:+.2f} points, with {sure} confidence between {e.low * 100:+.2f} and "
                f"{e.high * 100:+.2f}; {found}.")
    return {"best": len(best), "fixed": len(fixed), "effect": e.to_dict(), "sentence": sentence}
