"""A workspace: a folder holding ``regulars.toml`` and the DuckDB file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from regulars.config import DEFAULT_TOML, SETTINGS_FILE, Settings, load_settings
from regulars.errors import WorkspaceError
from regulars.store._owner import WRITE_LOCK, check_not_served
from regulars.store._store import Store

__all__ = ["Workspace", "init_workspace", "open_workspace"]


#: Stores the serving process has brought to the current schema (it opens one per request).
_CHECKED: set[str] = set()


@dataclass(frozen=True)
class Workspace:
    path: Path
    settings: Settings

    @property
    def database(self) -> Path:
        return self.path / self.settings.store.database

    def store(self, *, read_only: bool = False) -> Store:
        """The store, opened for this process; refused plainly while another process serves it.
        Inside the serving process every connection is a writer's (DuckDB shares one database
        per process only among connections opened alike) and writers take turns."""
        if not check_not_served(self.path):
            return Store(self.database, self.settings, read_only=read_only)
        checked = str(self.database) in _CHECKED
        if read_only and checked:
            return Store(self.database, self.settings, check_schema=False)
        WRITE_LOCK.acquire()
        try:
            store = Store(self.database, self.settings, on_close=WRITE_LOCK.release, check_schema=not checked)
        except BaseException:
            WRITE_LOCK.release()
            raise
        _CHECKED.add(str(self.database))
        return store


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
