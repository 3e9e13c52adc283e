"""Who has the workspace. DuckDB lets one process write a file, so ``regulars serve`` owns the
workspace while it runs: it leaves ``serving.json`` (its pid and address) in the folder, and
every other process that opens the store is told plainly where the server is instead of
meeting DuckDB's lock error. A file left by a server that died is ignored."""

from __future__ import annotations

import json
import os
import re
import threading
from pathlib import Path
from typing import Any

from regulars.errors import WorkspaceBusyError

__all__ = ["SERVING_FILE", "WRITE_LOCK", "busy_error", "check_not_served", "claim_workspace", "release_workspace",
           "served_by"]

SERVING_FILE = "serving.json"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def served_by(folder: Path) -> dict[str, Any] | None:
    """The server that owns the workspace in ``folder`` (pid, url, started), or None."""
    try:
        owner = json.loads((folder / SERVING_FILE).read_text(encoding="utf-8"))
        pid = int(owner["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return owner if _alive(pid) else None


#: Writers inside the serving process take turns (DuckDB would fail one of two concurrent
#: writes to the same rows); readers never wait. Re-entrant: a use case may open a writer
#: inside its own writer's turn.
WRITE_LOCK = threading.RLock()


def check_not_served(folder: Path) -> bool:
    """Raise ``WorkspaceBusyError`` when another process serves the workspace; True when this
    process is the one serving it."""
    owner = served_by(folder)
    if owner and int(owner["pid"]) == os.getpid():
        return True
    if owner:
        raise WorkspaceBusyError(
            f"{folder}: is being served by `regulars serve` (pid {owner['pid']}) at {owner.get('url', '?')}; "
            "use the dashboard or the API there, or stop the server (Ctrl+C) and run this again")
    return False


def claim_workspace(folder: Path, url: str, started: str) -> None:
    """Mark the workspace as served by this process (created exclusively, so two servers
    starting at once cannot both have it); refuse when another live server has it."""
    target = folder / SERVING_FILE
    for _ in range(2):
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            check_not_served(folder)
            target.unlink(missing_ok=True)  # left by a server that died
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(json.dumps({"pid": os.getpid(), "url": url, "started": started}))
        return
    raise WorkspaceBusyError(f"{folder}: another server is starting on this workspace; try again")


def release_workspace(folder: Path) -> None:
    """Give the workspace back (only if this process holds it)."""
    owner = served_by(folder)
    if owner and int(owner["pid"]) == os.getpid():
        (folder / SERVING_FILE).unlink(missing_ok=True)


def busy_error(path: Path, message: str) -> WorkspaceBusyError | None:
    """DuckDB's lock error as a sentence, or None when ``message`` is about something else."""
    if "lock" not in message.lower():
        return None
    pid = re.search(r"PID (\d+)", message)
    who = f"another process (pid {pid.group(1)})" if pid else "another process"
    return WorkspaceBusyError(f"{path.parent}: {who} is using this workspace (a load, a run or `regulars serve`); "
                              "wait for it to finish, or stop it, and try again")
