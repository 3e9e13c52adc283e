"""What the scheduler did: each job's slot (the time it was due), when it started and finished,
and how it ended. A job started and never finished (the server was killed) is due again."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from regulars.store._store import Store

__all__ = ["finish_job", "last_slots", "start_job"]


def last_slots(store: Store) -> dict[str, datetime]:
    """Each job's latest slot that ran to an end (done or failed)."""
    return dict(store.con.execute(
        "SELECT job, max(slot) FROM schedule_log WHERE finished_at IS NOT NULL GROUP BY 1").fetchall())


def start_job(store: Store, job: str, slot: datetime, at: datetime) -> None:
    store.con.execute("INSERT INTO schedule_log VALUES (?, ?, ?, NULL, 'started', NULL)", [job, slot, at])


def finish_job(store: Store, job: str, slot: datetime, at: datetime, outcome: str, detail: str) -> None:
    store.con.execute("UPDATE schedule_log SET finished_at = ?, outcome = ?, detail = ? "
                      "WHERE job = ? AND slot = ? AND finished_at IS NULL", [at, outcome, detail[:2000], job, slot])
