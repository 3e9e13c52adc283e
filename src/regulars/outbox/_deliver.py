"""Delivery: every due action leaves once. Import files, webhooks and SMTP, with every attempt
recorded, retries with backoff, consent checked again at the moment of sending, and at most one
delivery per action even when the deliverer is killed half-way."""

from __future__ import annotations

import hashlib
import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from regulars._faults import fault_point
from regulars.outbox._csv import SHAPES, TASK_COLUMNS, export_table, write_export
from regulars.outbox._outcome import retry_delay
from regulars.outbox._smtp import SmtpSender, build_email
from regulars.outbox._webhook import post_json
from regulars.playbooks import CONSENT, consented
from regulars.store import (
    claim_actions,
    delivery_contacts,
    due_actions,
    finish_actions,
    interrupted_actions,
    pause_marketing,
    unconfirmed_count,
)

__all__ = ["OUTBOX_FOLDER", "deliver_due", "smtp_sender"]

#: Where import files and task lists are written, inside the workspace.
OUTBOX_FOLDER = "outbox"


def deliver_due(store: Any, folder: Path, d: Any, unknown_is_yes: bool, at: datetime
                ) -> tuple[dict[str, int], list[str], int]:
    """Deliver every queued action due at ``at`` as ``d`` (the ``[delivery]`` settings) says,
    after finishing what an earlier deliverer left half-done. Each action is claimed (and the
    attempt recorded) before it leaves and marked after, in separate transactions: killed in
    between, the action is found ``unconfirmed`` and never resent without a person. Returns the
    outcomes counted, the files written and how many actions are unconfirmed."""
    tally: dict[str, int] = {}
    files: list[str] = []
    leftover = interrupted_actions(store)
    for export_file, group in leftover.groupby("export_file", sort=True):
        attempts = dict(zip(group["action_id"], group["attempt"].astype(int), strict=True))
        _write_file(store, group, Path(export_file))
        finish_actions(store, attempts, "sent", "import file written (finished after an interruption)")
        _count(tally, "sent", len(attempts))
        files.append(str(export_file))
    unconfirmed = unconfirmed_count(store)
    due = due_actions(store, at)
    if (due["channel"] == "pause").any():  # first, so no paused message leaves in this round
        _pause(store, due[due["channel"] == "pause"], at, tally)
        due = due_actions(store, at)
    if len(due):
        contacts = delivery_contacts(store, due["customer_id"].unique().tolist()).set_index("customer_id")
        due = due.join(contacts, on="customer_id")
        due = _stop_withdrawn(store, due, unknown_is_yes, at, tally)
        routes = _routes(due, d)
        for (method, target), group in routes.items():
            if method == "csv":
                files.append(_export(store, folder, group, target, at, tally))
        for (method, target), group in routes.items():
            if method == "webhook":
                _webhooks(store, group, target, d, at, tally)
        smtp = routes.get(("smtp", None))
        if smtp is not None:
            _emails(store, folder, smtp, d, at, tally)
    return tally, files, unconfirmed

def _count(tally: dict[str, int], outcome: str, n: int = 1) -> None:
    tally[outcome] = tally.get(outcome, 0) + n


def _pause(store: Any, pauses: Any, at: datetime, tally: dict[str, int]) -> None:
    """Each approved pause takes effect: the marketing waiting for its customer is cancelled (the
    plan then holds new marketing as after a complaint)."""
    for row in pauses.itertuples():
        claimed = claim_actions(store, [row.action_id], "pause", at)
        if claimed:
            paused = pause_marketing(store, [row.customer_id], f"paused by {row.playbook}")
            finish_actions(store, claimed, "sent", f"{paused} waiting messages paused")
            _count(tally, "paused", 1)


def _stop_withdrawn(store: Any, due: Any, unknown_is_yes: bool, at: datetime, tally: dict[str, int]) -> Any:
    """Cancel actions whose customer no longer consents on the channel (an unsubscribe or a
    withdrawal recorded since the action was queued: the planner's consent rule, checked again)
    and park those with no address to send to; returns the rest."""
    import numpy as np

    keep = np.ones(len(due), dtype=bool)
    for channel, column in CONSENT.items():
        need = column.removeprefix("consent_")
        mine = (due["channel"] == channel).to_numpy()
        yes = consented(channel, due[column].to_numpy(dtype=object), unknown_is_yes)
        stop = mine & ~yes
        if stop.any():
            claimed = claim_actions(store, due["action_id"][stop].tolist(), "check", at)
            finish_actions(store, claimed, "cancelled", f"no consent on {need} any more (checked at delivery)")
            _count(tally, "cancelled", len(claimed))
            keep &= ~stop
        address = "phone" if channel == "sms" else "email"
        missing = keep & mine & due[address].isna().to_numpy()
        if missing.any():
            claimed = claim_actions(store, due["action_id"][missing].tolist(), "check", at)
            finish_actions(store, claimed, "parked", f"the customer has no {address} on record")
            _count(tally, "parked", len(claimed))
            keep &= ~missing
    return due[keep]


def _routes(due: Any, d: Any) -> dict[tuple[str, str | None], Any]:
    """How each action leaves: (method, target) -> its actions. Import files are per channel and
    shape; webhooks per address."""
    routes: dict[tuple[str, str | None], list[int]] = {}
    for i, (channel, url) in enumerate(zip(due["channel"], due["url"], strict=True)):
        if channel == "email":
            route = ("smtp", None) if d.email == "smtp" else ("csv", f"email-{d.export_format}")
        elif channel == "sms":
            route = ("webhook", d.sms_url) if d.sms_url else ("csv", "sms-generic")
        elif channel == "webhook":
            route = ("webhook", url)
        elif channel == "task":
            route = ("csv", "tasks")
        else:
            route = ("csv", f"audience-{d.export_format}")
        routes.setdefault(route, []).append(i)
    return {route: due.iloc[rows] for route, rows in routes.items()}


def _records(group: Any) -> list[dict[str, Any]]:
    return group.drop(columns=[c for c in ("attempt",) if c in group.columns]).to_dict("records")


def _write_file(store: Any, group: Any, path: Path) -> None:
    """Write an import file or task list for ``group`` (the name says its kind and shape)."""
    if "email" not in group.columns:
        contacts = delivery_contacts(store, group["customer_id"].unique().tolist()).set_index("customer_id")
        group = group.join(contacts, on="customer_id")
    group = group.sort_values("action_id")  # the same actions always make the same file
    kind = path.name.split("-")[1] if path.name.startswith(("email-", "sms-", "audience-")) else "tasks"
    columns = TASK_COLUMNS if kind == "tasks" else SHAPES[kind]
    path.parent.mkdir(parents=True, exist_ok=True)
    write_export(path, export_table(_records(group), columns))


def _export(store: Any, folder: Path, group: Any, target: str, at: datetime, tally: dict[str, int]) -> str:
    """One import file for ``group``: claimed with the file's name first, written whole, then
    marked sent. Interrupted, the next deliverer writes the same file again (a file is
    rewritten, not sent twice)."""
    ids = sorted(group["action_id"])
    digest = hashlib.sha256("\n".join(ids).encode()).hexdigest()[:8]
    path = folder / OUTBOX_FOLDER / f"{target}-{at:%Y%m%d-%H%M%S}-{digest}.csv"
    claimed = claim_actions(store, ids, "csv", at, export_file=str(path))
    group = group[group["action_id"].isin(claimed)]
    _write_file(store, group, path)
    fault_point("deliver-exported")
    finish_actions(store, claimed, "sent", f"written to {path.name}")
    _count(tally, "sent", len(claimed))
    return str(path)


def _settle(store: Any, attempt: dict[str, int], outcome: Any, d: Any, at: datetime, tally: dict[str, int]) -> None:
    """Record one attempt's outcome: sent; failed and retried later (doubling waits); or parked
    after the last attempt or when retrying cannot help."""
    number = next(iter(attempt.values()))
    if outcome.ok:
        finish_actions(store, attempt, "sent", outcome.detail)
        _count(tally, "sent")
    elif outcome.retry and number < d.max_attempts:
        wait = retry_delay(number, d.retry_after_seconds)
        finish_actions(store, attempt, "failed", f"attempt {number}: {outcome.detail}",
                       retry_at=at + timedelta(seconds=wait))
        _count(tally, "retry later")
    else:
        finish_actions(store, attempt, "parked", f"attempt {number}: {outcome.detail}"
                       + ("" if outcome.retry else " (retrying cannot help)"))
        _count(tally, "parked")


def _payload(row: dict[str, Any]) -> dict[str, Any]:
    keys = ("action_id", "customer_id", "name", "email", "phone", "playbook", "step", "channel", "subject", "body",
            "why", "value", "owner", "due_on")
    return {k: (None if isinstance(row.get(k), float) and row[k] != row[k] else row.get(k)) for k in keys}


def _webhooks(store: Any, group: Any, url: str, d: Any, at: datetime, tally: dict[str, int]) -> None:
    secret = os.environ.get(d.webhook_secret_env) or None
    for row in _records(group):
        attempt = claim_actions(store, [row["action_id"]], "webhook", at)
        if not attempt:
            continue
        fault_point("deliver-claimed")
        outcome = post_json(url, _payload(row), row["action_id"], secret, d.timeout_seconds)
        fault_point("deliver-sent")
        _settle(store, attempt, outcome, d, at, tally)


def smtp_sender(folder: Path, d: Any) -> Any:
    """An SMTP connection as ``[delivery]`` says (the password from its environment variable)."""
    ca_file = str(folder / d.smtp_ca_file) if d.smtp_ca_file else None
    return SmtpSender(d.smtp_host, d.smtp_port, d.smtp_security, d.smtp_user, os.environ.get(d.smtp_password_env),
                      d.timeout_seconds, ca_file)


def _emails(store: Any, folder: Path, group: Any, d: Any, at: datetime, tally: dict[str, int]) -> None:
    """Every due email over one SMTP connection. A refused login stops delivery before any
    action is claimed: they stay queued, and the error says what to fix."""
    with smtp_sender(folder, d) as smtp:
        for row in _records(group):
            attempt = claim_actions(store, [row["action_id"]], "smtp", at)
            if not attempt:
                continue
            fault_point("deliver-claimed")
            message = build_email(d.from_address, row["email"], row["subject"] or row["playbook"], row["body"] or "",
                                  row["action_id"])
            outcome = smtp.send(message)
            fault_point("deliver-sent")
            _settle(store, attempt, outcome, d, at, tally)
