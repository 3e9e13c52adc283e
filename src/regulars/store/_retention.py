"""Retention: raw events, messages and quarantined rows older than the shop keeps them are
removed by the scheduled run, counted, and written in the audit log (the count, never the rows)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from regulars.store._store import Store

__all__ = ["RETAINED", "remove_expired"]

#: What each retention setting covers: table, and the SQL of each row's date.
RETAINED = {
    "events": ("events", "occurred_at"),
    "messages": ("messages", "sent_at"),
    "quarantine": ("quarantine", "(SELECT b.loaded_at FROM batches b WHERE b.batch_id = quarantine.batch_id)"),
}


def remove_expired(store: Store, keep_days: dict[str, int], now: datetime) -> dict[str, int]:
    """Remove the rows of each kind of ``keep_days`` (events, messages, quarantine: days; 0 keeps
    them) dated before ``now`` less that many days, in one transaction; the count per kind."""
    removed: dict[str, int] = {}
    due = {kind: days for kind, days in keep_days.items() if days and kind in RETAINED}
    if not due:
        return removed
    with store.transaction():
        for kind, days in due.items():
            table, dated = RETAINED[kind]
            before = now - timedelta(days=days)
            gone = store.con.execute(f"DELETE FROM {table} WHERE {dated} < ?", [before]).fetchone()[0]
            if gone:
                removed[kind] = int(gone)
        if removed:
            store.con.execute("INSERT INTO audit_log VALUES (?, 'retention', 'retention', ?)",
                              [now, json.dumps({"removed": removed, "keep_days": due})])
    return removed
