"""``messages``: how people answered what was sent, per playbook (or campaign) and channel:
delivered, open, click, unsubscribe and complaint rates."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from regulars.app._results import Result
from regulars.errors import InsufficientDataError, SettingsError
from regulars.store import open_workspace, stored_tables

__all__ = ["MessagesResult", "message_rows", "messages"]


@dataclass(frozen=True)
class MessagesResult(Result):
    """Per playbook, then per campaign (the latest first), and channel: messages sent, bounced
    and delivered, and the ones opened, clicked, unsubscribed from and complained of within
    ``days`` after, each with its rate on delivered and a 95% interval."""

    days: int
    rows: list[dict[str, Any]]


def message_rows(store: Any, days: int = 7) -> list[dict[str, Any]]:
    """The engagement rows from a store: playbooks by name, then campaigns, the latest first."""
    from regulars.metrics import as_people, message_engagement

    if not store.count("messages"):
        return []
    t = stored_tables(store, "messages", "events", "customer_map")
    found = message_engagement(as_people(t["messages"], t["customer_map"]), as_people(t["events"], t["customer_map"]),
                               days)
    books = [r for r in found if r["kind"] == "playbook"]
    campaigns = sorted((r for r in found if r["kind"] != "playbook"), key=lambda r: r["last"], reverse=True)
    return books + campaigns


def messages(workspace_path: str | Path, *, days: int = 7) -> MessagesResult:
    """Every playbook's and campaign's messages and what their readers did within ``days``."""
    if not 1 <= days <= 90:
        raise SettingsError(f"--days must be between 1 and 90, got {days}")
    with open_workspace(workspace_path).store(read_only=True) as store:
        found = message_rows(store, days)
    if not found:
        raise InsufficientDataError("no email or SMS messages are recorded yet: load a campaign export "
                                    "(`regulars ingest DIR FILE --table messages`) or deliver a playbook's actions")
    return MessagesResult(days=days, rows=found)
