"""Playbooks: the workspace's playbook file (the starter set is written on first use), listed,
and checked against the fields, segments and template variables of the latest run."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from regulars.app._action_results import PlanResult, PlaybookEditResult, PlaybooksResult, TodayResult
from regulars.app._plan import checked, plan_of
from regulars.app._playbook_file import PLAYBOOKS_FILE, file_hash, read_playbooks

__all__ = ["edit_playbooks", "plan_playbooks", "playbooks", "today", "todays_actions"]

def _summary(trigger: Any) -> str:
    o = trigger.options
    if trigger.kind == "score":
        words = {"above": ">", "at_least": ">=", "below": "<", "at_most": "<="}
        return f"{o['field']} " + " and ".join(f"{words[b]} {o[b]:g}" for b in words if b in o)
    if trigger.kind == "segment":
        return f"{o['change']} {o['segment']!r}"
    if trigger.kind == "ticket":
        times = f"{o['at_least']}+ " if o["at_least"] > 1 else "an " if o["ticket"][0] in "aeiou" else "a "
        return f"{times}{o['ticket']} ticket{'s' if o['at_least'] > 1 else ''} within {_days(o['within_days'])}"
    if trigger.kind == "metric":
        moves = {"up": "up", "down": "down", "either": "up or down"}[o["direction"]]
        return f"an alert that {o['metric']} went {moves} beyond the expected range"
    if trigger.kind == "event":
        times = f"{o['at_least']}x " if o["at_least"] > 1 else ""
        without = f" without {o['without']}" if o["without"] else ""
        return f"{times}{o['event']} within {_days(o['within_days'])}{without}"
    if o["date"].startswith("days_"):  # "2 days after delivery", "30 days without activity"
        return f"{o['days']:g} {o['date'].replace('_', ' ')}"
    extra = ", ".join(f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}" for k, v in o.items() if k != "date")
    return o["date"].replace("_", " ") + (f" ({extra})" if extra else "")


def _days(n: float) -> str:
    return f"{n:g} day{'' if n == 1 else 's'}"


def playbooks(workspace_path: str | Path, *, check: bool = False) -> PlaybooksResult:
    """The playbooks of the workspace's ``playbooks.yaml`` (written with the starter set, every
    playbook switched off, when there is none). With ``check``, every name is checked against
    the latest run: score and condition fields, segments, templates and their variables."""
    workspace, path, created, found, _ = read_playbooks(workspace_path)
    run_id, not_applicable = None, {}
    if check:
        with workspace.store(read_only=True) as store:
            latest, *_, not_applicable = checked(workspace, store, found, path)
            run_id = latest["run_id"]
    from regulars.playbooks import THRESHOLDS, on_a_chance

    rows = [{"playbook": p.name, "enabled": p.enabled, "trigger": _summary(p.trigger),
             "channel": " or ".join(p.action.channels or (p.action.channel,)),
             "template": p.action.template, "holdout": p.holdout, "review": p.review,
             "follow_ups": len(p.follow_ups), "description": p.description,
             "thresholds": {k: v for k, v in p.trigger.options.items() if k in THRESHOLDS},
             "in_percent": on_a_chance(p.trigger.options),
             "not_applicable": not_applicable.get(p.name)}
            for p in found.playbooks.values()]
    texts = {name: {"subject": t.subject, "body": t.body} for name, t in sorted(found.templates.items())}
    return PlaybooksResult(file=str(path), created=created, checked_against=run_id, playbooks=rows,
                           templates=sorted(found.templates), template_texts=texts)


def plan_playbooks(workspace_path: str | Path, *, at: datetime | None = None) -> PlanResult:
    """A dry run of the enabled playbooks as of ``at`` (UTC; default 10:00 on the latest run's
    cutoff day, the day its scores speak of): who would get what and why, and who was held back
    by which guard. Nothing is queued or sent."""
    return plan_of(workspace_path, at)[1]


def today(workspace_path: str | Path, *, at: datetime | None = None) -> PlanResult:
    """Who to contact today across every enabled playbook, ranked (planned first, then those
    waiting for approval; by priority, then the customer's value): the plan without the
    customers held out or held back."""
    result = plan_playbooks(workspace_path, at=at)
    todo = result.actions[result.actions["status"].isin(["planned", "needs approval"])].reset_index(drop=True)
    return PlanResult(file=result.file, run_id=result.run_id, at=result.at, counts=result.counts, actions=todo,
                      not_applicable=result.not_applicable)


def todays_actions(workspace_path: str | Path, *, top: int = 15) -> TodayResult:
    """Today's actions from the plan kept when it was last worked out (by ``today``, a plan, the
    daily run or the demo) for the latest run and the playbook file as it is, less those already
    in the outbox; and how many actions wait for approval. Reads only: quick enough for a page."""
    from regulars.errors import InsufficientDataError
    from regulars.store import (
        customer_names,
        latest_plan,
        latest_run,
        open_workspace,
        outbox_counts,
        outbox_keys,
        sent_since,
    )

    workspace = open_workspace(workspace_path)
    path = workspace.path / PLAYBOOKS_FILE
    current = file_hash(path.read_text(encoding="utf-8")) if path.exists() else None
    with workspace.store(read_only=True) as store:
        try:
            run_id = latest_run(store)["run_id"]
        except InsufficientDataError:
            run_id = None
        kept = latest_plan(store, run_id) if run_id else None
        waiting = sum(c["actions"] for c in outbox_counts(store) if c["status"] == "needs approval")
        sent = sent_since(store, datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=1))
        queued = outbox_keys(store) if kept is not None else set()
        if kept is None or kept["file_hash"] != current:
            return TodayResult(run_id=run_id, at=None, planned=False, total=0, waiting=waiting, actions=[], sent=sent)
        todo = kept["actions"][~kept["actions"]["action_id"].isin(queued)]
        rows = todo.head(top).astype(object).where(todo.head(top).notna(), None).to_dict("records")
        names = customer_names(store, [r["customer_id"] for r in rows])
    for row in rows:
        row["name"] = names.get(row["customer_id"])
    return TodayResult(run_id=run_id, at=kept["at"], planned=True, total=len(todo), waiting=waiting, actions=rows,
                       queued=len(kept["actions"]) - len(todo), playbooks_on=len(kept["counts"]), sent=sent)


def edit_playbooks(workspace_path: str | Path, *, playbook: str | None = None, enabled: bool | None = None,
                   thresholds: dict[str, float] | None = None, template: str | None = None,
                   subject: str | None = None, body: str | None = None, save: bool = False,
                   by: str = "cli", group_levels: tuple[str, dict[str, float]] | None = None) -> PlaybookEditResult:
    """A change to the playbooks file (switch a playbook on or off, move a trigger's threshold,
    rewrite a template, give groups their own levels: ``group_levels``), checked against the
    latest run and planned: the preview shows what
    the changed playbook or template would send to whom. With ``save`` the file is replaced
    (its comments kept), atomically, and the change is written to the audit log."""
    from regulars._files import atomic_write_text
    from regulars.playbooks import set_enabled, set_group_levels, set_template, set_threshold

    workspace, path, _, _, _ = read_playbooks(workspace_path)
    text = path.read_text(encoding="utf-8")
    if playbook is not None and enabled is not None:
        text = set_enabled(text, playbook, enabled)
    for key, value in (thresholds or {}).items() if playbook is not None else ():
        text = set_threshold(text, playbook, key, value)
    if playbook is not None and group_levels is not None:
        text = set_group_levels(text, playbook, *group_levels)
    if template is not None:
        text = set_template(text, template, subject, body)
    found, planned = plan_of(workspace_path, None, text)
    actions = planned.actions
    mine = actions[(actions["playbook"] == playbook) if playbook else (actions["template"] == template)]
    todo = mine[mine["status"].isin(["planned", "needs approval"])]
    examples = todo.head(3)[["customer_id", "playbook", "status", "subject", "body"]].to_dict("records")
    counts = [c for c in planned.counts if playbook is None or c["playbook"] == playbook]
    if save:
        atomic_write_text(path, text)
        with workspace.store() as store:
            store.audit("playbooks_edited", {"playbook": playbook, "enabled": enabled, "thresholds": thresholds,
                                             "template": template, "group_levels": group_levels}, actor=by)
    return PlaybookEditResult(file=str(path), saved=save, counts=counts, examples=examples, actions=len(todo))
