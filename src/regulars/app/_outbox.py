"""Playbooks for real: queue the plan into the outbox, a person's approvals and exclusions, and
delivery (import files, webhooks, SMTP) with every attempt recorded, retries with backoff, and
at most one delivery per action even when the deliverer is killed half-way."""

from __future__ import annotations

import hashlib
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from regulars._faults import fault_point
from regulars.app._results import DecisionResult, DeliveryResult, OutboxResult, QueueResult
from regulars.errors import SettingsError
from regulars.store import (
    OUTBOX_COLUMNS,
    claim_actions,
    decide_actions,
    delivery_contacts,
    exclude_customer,
    finish_actions,
    interrupted_actions,
    open_workspace,
    outbox_actions,
    outbox_counts,
    queue_actions,
    retry_actions,
)

__all__ = ["approvals", "decide", "deliver", "exclude", "outbox", "retry", "run_playbooks"]

#: Where import files and task lists are written, inside the workspace.
OUTBOX_FOLDER = "outbox"
#: The consent each channel needs at delivery (checked again: a withdrawal since queuing counts).
NEEDS = {"email": "email", "audience": "email", "sms": "sms"}


def _now() -> datetime:
    """UTC, whole seconds (as the store records times)."""
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def run_playbooks(workspace_path: str | Path, *, at: datetime | None = None, by: str = "cli") -> QueueResult:
    """Plan the enabled playbooks as of ``at`` (as ``plan_playbooks``) and queue the result:
    planned actions wait for delivery, the rest for a person's approval, and held-out customers
    are recorded as such (like a send) so results can compare them. Idempotent per day."""
    import pandas as pd

    from regulars.app._playbooks import _plan, action_key

    found, result = _plan(workspace_path, at)
    a = result.actions
    todo = a[a["status"].isin(["planned", "needs approval"])]
    steps = [found.playbooks[p].action if s == 0 else found.playbooks[p].follow_ups[s - 1].action
             for p, s in zip(todo["playbook"], todo["step"], strict=True)]
    keys = [action_key(p, c, int(s), result.at) for p, c, s in zip(todo["playbook"], todo["customer_id"], todo["step"],
                                                                  strict=True)]
    rows = pd.DataFrame({
        "action_id": keys, "created_at": _now(), "planned_at": result.at, "run_id": result.run_id,
        "customer_id": todo["customer_id"].to_numpy(), "playbook": todo["playbook"].to_numpy(),
        "step": todo["step"].to_numpy(dtype="int32"), "channel": todo["channel"].to_numpy(),
        "template": todo["template"].to_numpy(), "subject": todo["subject"].to_numpy(),
        "body": todo["body"].to_numpy(), "url": [s.url for s in steps], "owner": [s.owner for s in steps],
        "due_on": [(result.at + timedelta(days=s.due_days)).date() if s.due_days is not None else None for s in steps],
        "priority": todo["priority"].to_numpy(dtype=float), "value": todo["value"].to_numpy(dtype=float),
        "cost": todo["cost"].to_numpy(dtype=float), "why": todo["why"].to_numpy(),
        "deliver_at": pd.to_datetime(todo["deliver_at"]).to_numpy(),
        "status": todo["status"].map({"planned": "queued"}).fillna("needs approval").to_numpy(), "attempts": 0})
    held = a[a["status"] == "held out"]
    holdouts = pd.DataFrame({
        "action_id": [action_key(p, c, 0, result.at) for p, c in zip(held["playbook"], held["customer_id"],
                                                                    strict=True)],
        "customer_id": held["customer_id"].to_numpy(), "playbook": held["playbook"].to_numpy(),
        "channel": held["channel"].to_numpy(), "planned_at": result.at})
    workspace = open_workspace(workspace_path)
    with workspace.store() as store:
        counts = queue_actions(store, rows.reindex(columns=[c for c in OUTBOX_COLUMNS if c in rows.columns]),
                               holdouts, actor=by)
    return QueueResult(file=result.file, run_id=result.run_id, at=result.at, plan=result.counts,
                       queued=counts["queued"], waiting_for_approval=counts["waiting"],
                       already_queued=counts["already queued"] + int((a["status"] == "already queued").sum()),
                       held_out=counts["held out"])


def approvals(workspace_path: str | Path) -> OutboxResult:
    """The actions waiting for a person's approval, most valuable first."""
    workspace = open_workspace(workspace_path)
    with workspace.store(read_only=True) as store:
        waiting = outbox_actions(store, ("needs approval",))
        counts = outbox_counts(store)
    return OutboxResult(counts=counts, actions=_shown(waiting))


def decide(workspace_path: str | Path, ids: list[str], decision: str, *, by: str, subject: str | None = None,
           body: str | None = None, why: str | None = None) -> DecisionResult:
    """Approve, reject or edit actions waiting for approval (``all`` approves or rejects every
    one waiting); who and when are recorded."""
    workspace = open_workspace(workspace_path)
    if not ids:
        raise SettingsError("name the actions to decide on (their ids, from `regulars playbooks DIR approve`)")
    with workspace.store() as store:
        if ids == ["all"]:
            if decision == "edit":
                raise SettingsError("edit one action at a time: name its id")
            ids = outbox_actions(store, ("needs approval",))["action_id"].tolist()
            if not ids:
                return DecisionResult(decision=decision, by=by, actions=[])
        decide_actions(store, ids, decision, by, subject=subject, body=body, why=why)
    return DecisionResult(decision=decision, by=by, actions=ids)


def exclude(workspace_path: str | Path, playbook: str, customer_id: str, *, by: str, why: str | None = None
            ) -> DecisionResult:
    """Exclude a customer from a playbook: later plans hold them back ("excluded by a person")
    and its waiting actions for them are cancelled."""
    from regulars.app._playbooks import _read

    workspace, _, _, found = _read(workspace_path)
    if playbook not in found.playbooks:
        raise SettingsError(f"no playbook {playbook!r}; playbooks: {', '.join(sorted(found.playbooks))}")
    with workspace.store() as store:
        cancelled = exclude_customer(store, playbook, customer_id, by, why)
    return DecisionResult(decision="exclude", by=by, actions=[], cancelled=cancelled)


def outbox(workspace_path: str | Path) -> OutboxResult:
    """Actions per playbook and status, and those that need a look (parked or unconfirmed,
    with their reasons)."""
    workspace = open_workspace(workspace_path)
    with workspace.store(read_only=True) as store:
        counts = outbox_counts(store)
        stuck = outbox_actions(store, ("parked", "unconfirmed"))
    return OutboxResult(counts=counts, actions=_shown(stuck))


def retry(workspace_path: str | Path, ids: list[str] | None = None, *, by: str = "cli") -> DecisionResult:
    """Queue parked and unconfirmed actions again (all, or these ``ids``)."""
    workspace = open_workspace(workspace_path)
    with workspace.store() as store:
        n = retry_actions(store, ids or None, actor=by)
    return DecisionResult(decision="retry", by=by, actions=ids or [], cancelled=0, changed=n)


def _shown(frame: Any) -> Any:
    return frame[["action_id", "customer_id", "playbook", "step", "channel", "status", "value", "subject", "body",
                   "why", "deliver_at", "attempts", "last_error", "decided_by"]].reset_index(drop=True)


# -- delivery -----------------------------------------------------------------------------

def deliver(workspace_path: str | Path, *, by: str = "cli") -> DeliveryResult:
    """Deliver every queued action that is due: emails by SMTP or into an import file (as the
    settings say), texts through the SMS provider's webhook or a file, tasks into a task list,
    webhooks to their address, audiences into an import file. First finishes what an earlier
    deliverer left half-done. Each action is claimed (and the attempt recorded) before it
    leaves and marked after, in separate transactions: killed in between, the action is
    found ``unconfirmed`` and never resent without a person."""
    from regulars.app._playbooks import _read

    workspace, _, _, found = _read(workspace_path)
    d = workspace.settings.delivery
    unknown_is_yes = found.guards.unknown_consent == "yes"
    tally: dict[str, int] = {}
    files: list[str] = []
    with workspace.store() as store:
        leftover = interrupted_actions(store)
        for export_file, group in leftover.groupby("export_file", sort=True):
            attempts = dict(zip(group["action_id"], group["attempt"].astype(int), strict=True))
            _write_file(store, group, Path(export_file))
            finish_actions(store, attempts, "sent", "import file written (finished after an interruption)")
            _count(tally, "sent", len(attempts))
            files.append(str(export_file))
        unconfirmed = store.rows("SELECT count(*) AS n FROM outbox WHERE status = 'unconfirmed'")[0]["n"]
        at = _now()
        due = store.frame("SELECT * FROM outbox WHERE status = 'queued' AND coalesce(deliver_at, planned_at) <= ? "
                          "AND coalesce(next_attempt_at, deliver_at, planned_at) <= ? "
                          "ORDER BY priority DESC, value DESC NULLS LAST, action_id", [at, at])
        if len(due):
            contacts = delivery_contacts(store, due["customer_id"].unique().tolist()).set_index("customer_id")
            due = due.join(contacts, on="customer_id")
            due = _stop_withdrawn(store, due, unknown_is_yes, at, tally)
            routes = _routes(due, d)
            for (method, target), group in routes.items():
                if method == "csv":
                    files.append(_export(store, workspace.path, group, target, at, tally))
            for (method, target), group in routes.items():
                if method == "webhook":
                    _webhooks(store, group, target, d, at, tally)
            smtp = routes.get(("smtp", None))
            if smtp is not None:
                _emails(store, workspace.path, smtp, d, at, tally)
        store.audit("deliver", {"outcomes": tally, "files": len(files)}, actor=by)
    return DeliveryResult(outcomes=tally, files=files, unconfirmed=int(unconfirmed))


def _count(tally: dict[str, int], outcome: str, n: int = 1) -> None:
    tally[outcome] = tally.get(outcome, 0) + n


def _stop_withdrawn(store: Any, due: Any, unknown_is_yes: bool, at: datetime, tally: dict[str, int]) -> Any:
    """Cancel actions whose customer no longer consents on the channel (an unsubscribe or a
    withdrawal recorded since the action was queued) and park those with no address to send
    to; returns the rest."""
    import numpy as np
    import pandas as pd

    keep = np.ones(len(due), dtype=bool)
    for channel, need in NEEDS.items():
        mine = (due["channel"] == channel).to_numpy()
        answer = due[f"consent_{need}"].to_numpy(dtype=object)
        yes = np.array([unknown_is_yes if pd.isna(v) else bool(v) for v in answer], dtype=bool)
        off = due[f"{need}_off"].fillna(False).to_numpy(dtype=bool)
        stop = mine & (~yes | off)
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
    from regulars.outbox import SHAPES, TASK_COLUMNS, export_table, write_export

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
    from regulars.outbox import retry_delay

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
    from regulars.outbox import post_json

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
    from regulars.outbox import SmtpSender

    ca_file = str(folder / d.smtp_ca_file) if d.smtp_ca_file else None
    return SmtpSender(d.smtp_host, d.smtp_port, d.smtp_security, d.smtp_user, os.environ.get(d.smtp_password_env),
                      d.timeout_seconds, ca_file)


def _emails(store: Any, folder: Path, group: Any, d: Any, at: datetime, tally: dict[str, int]) -> None:
    """Every due email over one SMTP connection. A refused login stops delivery before any
    action is claimed: they stay queued, and the error says what to fix."""
    from regulars.outbox import build_email

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
