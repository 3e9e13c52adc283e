"""``init``: a workspace folder with documented default settings and an empty store."""

from __future__ import annotations

from pathlib import Path

from regulars.app._results import InitResult
from regulars.store import init_workspace

__all__ = ["init"]


def init(path: str | Path) -> InitResult:
    """Create a workspace (or say it already is one)."""
    workspace, created = init_workspace(path)
    return InitResult(workspace=str(workspace.path), database=str(workspace.database), created=created)
