"""The workspace's playbook file: read once per use case (written with the starter set, every
playbook switched off, on first use)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from regulars.store import open_workspace

__all__ = ["PLAYBOOKS_FILE", "file_hash", "read_playbooks"]

PLAYBOOKS_FILE = "playbooks.yaml"


def read_playbooks(workspace_path: str | Path, text: str | None = None) -> tuple[Any, Path, bool, Any, str]:
    """The workspace, its playbooks file (written with the starter set when there is none),
    whether it was just written, its playbooks parsed (or ``text``'s, an unsaved edit), and the
    version read (``file_hash``): the file is read once per use case."""
    from regulars.playbooks import STARTER_YAML, parse_playbooks

    workspace = open_workspace(workspace_path)
    path = workspace.path / PLAYBOOKS_FILE
    created = not path.exists()
    if created:
        path.write_text(STARTER_YAML, encoding="utf-8")
    text = path.read_text(encoding="utf-8") if text is None else text
    return workspace, path, created, parse_playbooks(text, where=str(path)), file_hash(text)


def file_hash(text: str) -> str:
    """What identifies a version of the playbook file (a plan kept for another is stale)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
