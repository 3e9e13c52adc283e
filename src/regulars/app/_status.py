"""``status`` and ``quarantine``: what is in the store and what was set aside."""

from __future__ import annotations

from pathlib import Path

from regulars.app._results import QuarantineResult, StatusResult
from regulars.store import open_workspace, quarantine_rows
from regulars.store import status as store_status

__all__ = ["quarantine", "status"]


def status(workspace_path: str | Path) -> StatusResult:
    """Tables, customers, batches, currencies, quarantine counts and data-quality warnings."""
    workspace = open_workspace(workspace_path)
    with workspace.store(read_only=True) as store:
        found = store_status(store, workspace.settings)
    return StatusResult(workspace=str(workspace.path), **found)


def quarantine(workspace_path: str | Path, batch_id: str | None = None) -> QuarantineResult:
    """Quarantined rows (all, or one batch's) with their reasons and original values."""
    workspace = open_workspace(workspace_path)
    with workspace.store(read_only=True) as store:
        return QuarantineResult(rows=quarantine_rows(store, batch_id))
