"""A workspace: a folder holding ``regulars.toml`` and the DuckDB file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from regulars.config import DEFAULT_TOML, SETTINGS_FILE, Settings, load_settings
from regulars.errors import WorkspaceError
from regulars.store._store import Store

__all__ = ["Workspace", "init_workspace", "open_workspace"]


@dataclass(frozen=True)
class Workspace:
    path: Path
    settings: Settings

    @property
    def database(self) -> Path:
        return self.path / self.settings.store.database

    def store(self, *, read_only: bool = False) -> Store:
        return Store(self.database, self.settings, read_only=read_only)


def init_workspace(path: str | Path) -> tuple[Workspace, bool]:
    """Create (or reuse) a workspace; returns it and whether it was new."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise WorkspaceError(f"{path}: exists and is not a folder; choose another path")
    settings_file = path / SETTINGS_FILE
    created = not settings_file.exists()
    path.mkdir(parents=True, exist_ok=True)
    if created:
        settings_file.write_text(DEFAULT_TOML, encoding="utf-8")
    workspace = open_workspace(path)
    workspace.store().close()
    return workspace, created


def open_workspace(path: str | Path) -> Workspace:
    """Open an existing workspace, or explain how to make one."""
    path = Path(path)
    if not (path / SETTINGS_FILE).is_file():
        what = "does not exist" if not path.exists() else "is not a regulars workspace"
        raise WorkspaceError(f"{path}: {what}; create one with `regulars init {path}`")
    return Workspace(path=path, settings=load_settings(path))
