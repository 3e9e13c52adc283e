"""Rows sent by a program (the REST API) rather than a file: loaded exactly as a file would be,
as a batch with the same validation, quarantine and identity resolution. Events that carry an
id the store already has (or that repeat one in the request) are counted as resent and left
out, so a client may send again after a timeout without counting anything twice."""

from __future__ import annotations

import csv
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from regulars.app._results import Result
from regulars.errors import SettingsError
from regulars.schema import contract_for
from regulars.store import BatchResult, identify_visitors, known_event_ids, open_workspace

__all__ = ["RecordResult", "record", "record_messages"]

#: The most rows one request may carry (larger loads are files: `regulars ingest`).
MAX_ROWS = 100_000


@dataclass(frozen=True)
class RecordResult(Result):
    """What became of sent rows: the batches they were loaded as (none when every row was a
    resend), and how many events were resent."""

    batches: list[BatchResult]
    resent: int = 0


def _checked(table: str, rows: Any) -> list[dict[str, str | None]]:
    """Rows as text, checked: a list of objects with simple values, column names that are text."""
    from regulars.ingest import as_text

    contract_for(table)
    if not isinstance(rows, list) or not rows:
        raise SettingsError("send rows as a non-empty list of objects")
    if len(rows) > MAX_ROWS:
        raise SettingsError(f"{len(rows):,} rows is more than {MAX_ROWS:,} in one request; send them in parts")
    out = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or not row:
            raise SettingsError(f"rows[{i}]: each row is an object of column names and values")
        bad = next((k for k in row if not isinstance(k, str) or not k.strip() or len(k) > 200), None)
        if bad is not None:
            raise SettingsError(f"rows[{i}]: column name {bad!r} is not a name (1 to 200 characters)")
        out.append({k: as_text(v) for k, v in row.items()})
    return out


def _new_events(store: Any, rows: list[dict[str, str | None]]) -> tuple[list[dict[str, str | None]], int]:
    """Events whose id is new (to the store and earlier in the request), and how many were not."""
    ids = [r.get("event_id") for r in rows]
    given = sorted({i for i in ids if i})
    if not given:
        return rows, 0
    known = known_event_ids(store, given)
    seen: set[str] = set()
    kept = []
    for row, i in zip(rows, ids):
        if i and (i in known or i in seen):
            continue
        if i:
            seen.add(i)
        kept.append(row)
    return kept, len(rows) - len(kept)


def _load(workspace: Any, table: str, rows: list[dict[str, str | None]], upsert: bool) -> BatchResult:
    """``rows`` written as a CSV file in the workspace (named by its content, so the same rows
    are the same file and load once) and loaded like any file."""
    from regulars.app._ingest import load_one
    from regulars.ingest import inspect_source

    columns = list(dict.fromkeys(k for row in rows for k in row))
    folder = workspace.path / "incoming"
    folder.mkdir(exist_ok=True)
    text_rows = [[row.get(c) for c in columns] for row in rows]
    digest = hashlib.sha256(repr((columns, text_rows)).encode("utf-8")).hexdigest()[:16]
    path = folder / f"api-{table}-{digest}.csv"
    scratch = path.with_suffix(f".{os.getpid()}.tmp")
    with open(scratch, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows(text_rows)
    os.replace(scratch, path)
    try:
        return load_one(workspace, inspect_source(path), table, None, lambda _: None, upsert=upsert)
    finally:
        path.unlink(missing_ok=True)


def record(workspace_path: str | Path, table: str, rows: Any, *, mode: str = "insert") -> RecordResult:
    """Load ``rows`` (objects of column names and values, named as the canonical columns; other
    columns are kept as attributes) into ``table`` as one batch."""
    if mode not in ("insert", "upsert"):
        raise SettingsError(f"unknown mode {mode!r}; choose insert or upsert")
    checked = _checked(table, rows)
    workspace = open_workspace(workspace_path)
    resent = 0
    with workspace.store() as store:  # a writer's turn: no other request stores the same ids meanwhile
        if table == "events":
            checked, resent = _new_events(store, checked)
        batches = [_load(workspace, table, checked, mode == "upsert")] if checked else []
    return RecordResult(batches=batches, resent=resent)


def record_messages(workspace_path: str | Path, messages: Any) -> RecordResult:
    """Segment-style messages (track, page, identify): profiles first, then events."""
    from regulars.ingest import message_rows

    if not isinstance(messages, list) or not messages:
        raise SettingsError("send a message object, or a batch: a non-empty list of messages")
    events, customers, links = message_rows(messages)
    batches, resent = [], 0
    if customers:
        batches += record(workspace_path, "customers", customers, mode="upsert").batches
    if links:
        with open_workspace(workspace_path).store() as store:
            identify_visitors(store, links, batches[-1].batch_id if batches else None)
    if events:
        done = record(workspace_path, "events", events)
        batches += done.batches
        resent = done.resent
    return RecordResult(batches=batches, resent=resent)
