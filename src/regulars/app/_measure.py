"""Results: per playbook, the customers it reached against those held out, on conversion,
revenue per customer, retention and unsubscribes within the attribution window, with
confidence intervals, a verdict in words, and the return on what it cost."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from regulars.app._action_results import PlaybookResultsResult
from regulars.app._playbook_file import read_playbooks
from regulars.store import stored_tables

__all__ = ["measured_results", "playbook_results"]

#: Measures compared, by outcome column, in the order shown.
MEASURES = (("converted", "conversion"), ("revenue", "revenue per customer"), ("retained", "retention"),
            ("unsubscribed", "unsubscribes"))


def playbook_results(workspace_path: str | Path) -> PlaybookResultsResult:
    """Every playbook with recorded messages or holdouts. Only customers whose attribution
    window has closed (by the last recorded order or event) count; the others are reported as
    still open. Cost is the outbox's cost per sent action, or the playbook file's cost per
    message for messages recorded elsewhere."""
    workspace, _, _, found, _ = read_playbooks(workspace_path)
    return measured_results(workspace, found)


def measured_results(workspace: Any, found: Any) -> PlaybookResultsResult:
    """``playbook_results`` with the workspace open and its playbooks (``found``) already read."""
    from regulars.measure import compare, roi, roi_sentence
    from regulars.metrics import OUTCOME_INPUTS, playbook_outcomes

    r = workspace.settings.results
    with workspace.store(read_only=True) as store:
        outcomes, until = playbook_outcomes(stored_tables(store, *OUTCOME_INPUTS), r.attribution_days)
    rows = []
    for name, mine in outcomes.groupby("playbook", sort=True):
        closed = mine[mine["closed"]]
        treated, held = closed[closed["variant"] == "treatment"], closed[closed["variant"] == "holdout"]
        entry: dict[str, Any] = {"playbook": name, "treated": len(treated), "held_out": len(held),
                                 "still_open": int((~mine["closed"]).sum())}
        if len(treated) < 2 or len(held) < 2:
            entry["verdict"] = (f"not measurable yet: {len(treated):,} treated and {len(held):,} held out with a "
                                f"closed window (at least 2 of each are needed)")
            rows.append(entry)
            continue
        effects = [compare(treated[column].to_numpy(), held[column].to_numpy(), label, level=r.level)
                   for column, label in MEASURES]
        book = found.playbooks.get(name)
        per_message = book.action.cost if book is not None else 0.0
        cost = float(treated["cost"].fillna(treated["messages"] * per_message).sum())
        revenue = effects[1]
        benefit = revenue.difference * len(treated) * r.margin
        entry.update({
            "effects": [e.to_dict() for e in effects],
            "verdict": effects[0].verdict,
            "cost": cost, "benefit": benefit, "roi_percent": roi(benefit, cost),
            "roi": roi_sentence(benefit, cost) + (
                "" if revenue.detected else " (the revenue difference is not yet distinguishable from chance)"),
        })
        rows.append(entry)
    return PlaybookResultsResult(attribution_days=r.attribution_days, margin=r.margin, data_until=until,
                                 playbooks=rows)
