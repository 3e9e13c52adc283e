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


def playbook_results(workspace_path: str | Path) -> PlaybookResultsResult:
    """Every playbook with recorded messages or holdouts. Only customers whose attribution
    window has closed (by the last recorded order or event) count; the others are reported as
    still open. Cost is the outbox's cost per sent action, or the playbook file's cost per
    message for messages recorded elsewhere."""
    workspace, _, _, found, _ = read_playbooks(workspace_path)
    return measured_results(workspace, found)


def measured_results(workspace: Any, found: Any) -> PlaybookResultsResult:
    """``playbook_results`` with the workspace open and its playbooks (``found``) already read."""
    from regulars.measure import playbook_effects
    from regulars.metrics import OUTCOME_INPUTS, playbook_outcomes

    r = workspace.settings.results
    with workspace.store(read_only=True) as store:
        outcomes, until = playbook_outcomes(stored_tables(store, *OUTCOME_INPUTS), r.attribution_days)
    costs = {name: book.action.cost for name, book in found.playbooks.items()}
    rows = playbook_effects(outcomes, costs, level=r.level, margin=r.margin)
    return PlaybookResultsResult(attribution_days=r.attribution_days, margin=r.margin, data_until=until,
                                 playbooks=rows)
