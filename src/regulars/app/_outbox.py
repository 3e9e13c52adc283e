"""Playbooks for real: queue the plan into the outbox, a person's approvals and exclusions, and
delivery (the outbox package sends, records and retries)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from regulars.app._action_results import DecisionResult, DeliveryResult, OutboxResult, QueueResult
from regulars.app._common import with_names
from regulars.app._consent import message_links
from regulars.app._plan import action_key, plan_of
from regulars.app._playbook_file import read_playbooks
from regulars.errors import SettingsError
from regulars.store import (
    OUTBOX_COLUMNS,
    decide_actions,
    exclude_customer,
    open_workspace,
    outbox_actions,
    outbox_counts,
    queue_actions,
    retry_actions,
)

__all__ = ["approvals", "decide", "deliver", "exclude", "outbox", "outbox_rows", "retry", "run_playbooks"]


def _now() -> datetime:
    """UTC, whole seconds (as the store records times)."""
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def run_playbooks(workspace_path: str | Path, *, at: datetime | None = None, by: str = "cli") -> QueueResult:
    """Plan the enabled playbooks as of ``at`` (as ``plan_playbooks``) and queue the result:
    planned actions wait for delivery, the rest for a person's approval, and held-out customers
    are recorded as such (like a send) so results can compare them. Idempotent per day."""
    found, result = plan_of(workspace_path, at)
    a = result.actions
    workspace = open_workspace(workspace_path)
    with workspace.store() as store:
        rows, holdouts = outbox_rows(found, a, result.at, result.run_id, survey_links(workspace, store),
                                     message_links(workspace, store))
        counts = queue_actions(store, rows, holdouts, actor=by)
    return QueueResult(file=result.file, run_id=result.run_id, at=result.at, plan=result.counts,
                       queued=counts["queued"], waiting_for_approval=counts["waiting"],
                       already_queued=counts["already queued"] + int((a["status"] == "already queued").sum()),
                       held_out=counts["held out"])


def survey_links(workspace: Any, store: Any) -> Callable[[str, str], str]:
    """The signed link of an action's survey, answered on ``regulars serve``'s survey page and
    open for ``[serve] survey_days`` from now."""
    from regulars.playbooks import sign_link
    from regulars.store import survey_secret

    serve = workspace.settings.serve
    base = (serve.public_url or f"http://{serve.host}:{serve.port}").rstrip("/")
    secret, expires = survey_secret(store), _now().date() + timedelta(days=serve.survey_days)
    return lambda action_id, survey: f"{base}/survey/{sign_link(secret, action_id, survey, expires)}"


def outbox_rows(found: Any, actions: Any, at: datetime, run_id: str,
                links: Callable[[str, str], str] | None = None,
                person_links: Callable[[str, str], dict[str, str]] | None = None) -> tuple[Any, Any]:
    """A plan's actions to do as outbox rows (each keyed by ``action_key``), and its held-out
    customers as the records results compare the treated with. An action asking a survey gets
    its signed link (``links``) where its template says ``{{ survey_link }}``, else after the body;
    an email or text message ends with the person's preference and unsubscribe links
    (``person_links``)."""
    import pandas as pd

    from regulars.playbooks import LINK_PLACEHOLDER

    todo = actions[actions["status"].isin(["planned", "needs approval"])]
    steps = [found.playbooks[p].action if s == 0 else found.playbooks[p].follow_ups[s - 1].action
             for p, s in zip(todo["playbook"], todo["step"], strict=True)]
    keys = [action_key(p, c, int(s), at) for p, c, s in zip(todo["playbook"], todo["customer_id"], todo["step"],
                                                            strict=True)]
    rows = pd.DataFrame({
        "action_id": keys, "created_at": _now(), "planned_at": at, "run_id": run_id,
        "customer_id": todo["customer_id"].to_numpy(), "playbook": todo["playbook"].to_numpy(),
        "step": todo["step"].to_numpy(dtype="int32"), "channel": todo["channel"].to_numpy(),
        "template": todo["template"].to_numpy(), "subject": todo["subject"].to_numpy(),
        "body": todo["body"].to_numpy(), "url": [s.url for s in steps], "owner": [s.owner for s in steps],
        "due_on": [(at + timedelta(days=s.due_days)).date() if s.due_days is not None else None for s in steps],
        "priority": todo["priority"].to_numpy(dtype=float), "value": todo["value"].to_numpy(dtype=float),
        "cost": todo["cost"].to_numpy(dtype=float), "why": todo["why"].to_numpy(),
        "deliver_at": pd.to_datetime(todo["deliver_at"]).to_numpy(),
        "timing": todo["timing"].to_numpy() if "timing" in todo else None,
        "status": todo["status"].map({"planned": "queued"}).fillna("needs approval").to_numpy(), "attempts": 0})
    surveys = [s.survey for s in steps]
    if any(surveys):
        if links is None:
            raise ValueError("actions asking a survey need the shop's survey links")
        bodies = rows["body"].astype(object).to_numpy()
        for i, (key, survey) in enumerate(zip(keys, surveys, strict=True)):
            if survey:
                link = links(key, survey)
                body = str(bodies[i] or "")
                bodies[i] = body.replace(LINK_PLACEHOLDER, link) if LINK_PLACEHOLDER in body else f"{body}\n{link}"
        rows["body"] = bodies
    if person_links is not None:
        rows["body"] = [with_footer(body, channel, person_links(cid, channel)) for body, channel, cid in
                        zip(rows["body"], rows["channel"], rows["customer_id"], strict=True)]
    rows["survey"] = surveys
    held = actions[actions["status"] == "held out"]
    holdouts = pd.DataFrame({
        "action_id": [action_key(p, c, 0, at) for p, c in zip(held["playbook"], held["customer_id"], strict=True)],
        "customer_id": held["customer_id"].to_numpy(), "playbook": held["playbook"].to_numpy(),
        "channel": held["channel"].to_numpy(), "planned_at": at})
    return rows.reindex(columns=[c for c in OUTBOX_COLUMNS if c in rows.columns]), holdouts


def with_footer(body: Any, channel: str, links: dict[str, str]) -> Any:
    """A message's body with the links it must carry: to the person's preferences and to
    unsubscribe from its channel (a task or an export line messages nobody: unchanged)."""
    if channel == "email":
        from regulars.outbox import UNSUBSCRIBE_LINE

        return f"{body or ''}\n\n--\nYour choices (what we send you, and your data): {links['preferences']}\n" \
               f"{UNSUBSCRIBE_LINE}{links['unsubscribe']}"
    if channel == "sms":
        return f"{body or ''}\nStop texts: {links['unsubscribe']} Your choices: {links['preferences']}"
    return body


def approvals(workspace_path: str | Path) -> OutboxResult:
    """The actions waiting for a person's approval, most valuable first, with each person's name."""
    workspace = open_workspace(workspace_path)
    with workspace.store(read_only=True) as store:
        waiting = _shown(outbox_actions(store, ("needs approval",)))
        counts = outbox_counts(store)
        with_names(store, waiting, at=2)
    return OutboxResult(counts=counts, actions=waiting)


def decide_playbook(workspace_path: str | Path, playbook: str, decision: str, *, expected: int, by: str,
                    why: str | None = None) -> DecisionResult:
    """Approve or reject every action of ``playbook`` waiting for approval, at once. ``expected``
    is how many the person saw: when more or fewer wait now, nothing is decided and the error
    says how many (the queue moved since the page was drawn)."""
    if decision not in ("approve", "reject"):
        raise SettingsError("a group is approved or rejected; edit one action at a time")
    workspace = open_workspace(workspace_path)
    with workspace.store() as store:
        waiting = outbox_actions(store, ("needs approval",))
        ids = waiting.loc[waiting["playbook"] == playbook, "action_id"].tolist()
        if len(ids) != expected:
            raise SettingsError(f"{len(ids):,} actions of {playbook!r} wait for approval now, not {expected:,}: "
                                "look at them again before deciding")
        if ids:
            decide_actions(store, ids, decision, by, why=why)
    return DecisionResult(decision=decision, by=by, actions=ids)


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
    workspace, _, _, found, _ = read_playbooks(workspace_path)
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


def deliver(workspace_path: str | Path, *, by: str = "cli") -> DeliveryResult:
    """Deliver every queued action that is due: emails by SMTP or into an import file (as the
    settings say), texts through the SMS provider's webhook or a file, tasks into a task list,
    webhooks to their address, audiences into an import file (``outbox.deliver_due``)."""
    from regulars.outbox import deliver_due

    workspace, _, _, found, _ = read_playbooks(workspace_path)
    with workspace.store() as store:
        tally, files, unconfirmed = deliver_due(store, workspace.path, workspace.settings.delivery,
                                                found.guards.unknown_consent == "yes", _now())
        store.audit("deliver", {"outcomes": tally, "files": len(files)}, actor=by)
    return DeliveryResult(outcomes=tally, files=files, unconfirmed=int(unconfirmed))
