"""API keys with roles, and the server's hold on the workspace: the use cases ``regulars keys``
and ``regulars serve`` call."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from regulars.app._results import Result
from regulars.errors import NotFoundError, SettingsError
from regulars.store import (
    ROLES,
    add_key,
    claim_workspace,
    key_rows,
    keys_in_force,
    match_key,
    open_workspace,
    release_workspace,
)
from regulars.store import revoke_key as store_revoke

__all__ = ["ROLES", "KeyResult", "KeysResult", "create_key", "key_table", "keys", "match_key", "revoke_key",
           "serve_settings", "serving", "start_scheduler"]


@dataclass(frozen=True)
class KeyResult(Result):
    """A new key: ``key`` is shown this once (only its hash is kept)."""

    key_id: str
    name: str
    role: str
    key: str


@dataclass(frozen=True)
class KeysResult(Result):
    keys: list[dict[str, Any]]
    roles: dict[str, list[str]]


def _now() -> datetime:
    """UTC, whole seconds (as the store records times)."""
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def create_key(workspace_path: str | Path, name: str, role: str, *, by: str = "cli") -> KeyResult:
    """A new API key for ``role`` (owner, analyst, integrator, read-only)."""
    if role not in ROLES:
        raise SettingsError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if not name.strip() or len(name) > 100:
        raise SettingsError("give the key a name of 1 to 100 characters (who or what uses it)")
    workspace = open_workspace(workspace_path)
    with workspace.store() as store:
        key = add_key(store, name.strip(), role, by, _now())
    return KeyResult(key_id=key.split("_")[1], name=name.strip(), role=role, key=key)


def keys(workspace_path: str | Path) -> KeysResult:
    """Every key (never its secret) and what each role may do."""
    workspace = open_workspace(workspace_path)
    with workspace.store(read_only=True) as store:
        rows = key_rows(store)
    return KeysResult(keys=rows, roles={r: sorted(p) for r, p in ROLES.items()})


def revoke_key(workspace_path: str | Path, key_id: str, *, by: str = "cli") -> KeysResult:
    """Revoke a key at once; an unknown or revoked id is an error."""
    workspace = open_workspace(workspace_path)
    with workspace.store() as store:
        if not store_revoke(store, key_id, by, _now()):
            raise NotFoundError(f"no key {key_id!r} in force; `regulars keys DIR list` shows them")
    return keys(workspace_path)


def key_table(workspace_path: str | Path) -> dict[str, tuple[str, str, str]]:
    """The keys in force, for a server to check requests against (id -> hash, name, role)."""
    workspace = open_workspace(workspace_path)
    with workspace.store(read_only=True) as store:
        return keys_in_force(store)


@contextmanager
def serving(workspace_path: str | Path, url: str) -> Iterator[Any]:
    """Hold the workspace for a server at ``url`` while the block runs: other processes are
    told where it is served. The store is opened once first, so a workspace another process is
    loading is refused with that reason before the server starts."""
    workspace = open_workspace(workspace_path)
    workspace.store().close()
    claim_workspace(workspace.path, url, str(_now()))
    try:
        workspace.store().close()
        # one connection held open keeps the database open in this process, so each request's
        # connection costs a fraction of a millisecond instead of reopening the file (20 ms)
        with workspace.store(read_only=True):
            yield workspace
    finally:
        release_workspace(workspace.path)


def serve_settings(workspace_path: str | Path) -> Any:
    """The workspace's ``[serve]`` settings (address, body limit, schedule)."""
    return open_workspace(workspace_path).settings.serve


def start_scheduler(workspace_path: str | Path, said: Any, every: float = 30.0) -> Any:
    """A thread that runs the scheduled jobs (daily run, deliveries, weekly report) when they fall
    due, checked every ``every`` seconds in local time, telling ``said`` of each job done; returns
    the event that stops it. What `regulars serve` runs besides requests."""
    import threading
    from datetime import datetime

    from regulars.app._schedule import run_due

    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(every):
            for job in run_due(workspace_path, datetime.now()).jobs:
                said(job)

    threading.Thread(target=tick, name="regulars-schedule", daemon=True).start()
    return stop
