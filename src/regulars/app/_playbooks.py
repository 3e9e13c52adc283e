"""Playbooks: the workspace's playbook file (the starter set is written on first use), listed,
and checked against the fields, segments and template variables of the latest run."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from regulars.app._results import PlanResult, PlaybookEditResult, PlaybooksResult
from regulars.errors import SettingsError
from regulars.schema import contract_for
from regulars.store import open_workspace, outbox_keys, playbook_inputs, previous_segment_run

__all__ = ["edit_playbooks", "plan_playbooks", "playbooks", "today"]

PLAYBOOKS_FILE = "playbooks.yaml"
#: What a template may use besides a customer's rule fields: their profile and recommendations.
RECOMMENDATION_FIELDS = ("next_product", "cross_sell_product", "replenish_product", "interest", "segments")


def action_key(playbook: str, customer_id: str, step: int, at: datetime) -> str:
    """The idempotency key of an action: the same playbook, customer, step and day always give
    the same key, so queuing a plan again adds nothing, and a receiver can drop a repeat."""
    text = f"{playbook}\x1f{customer_id}\x1f{step}\x1f{at:%Y-%m-%d}"
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _summary(trigger: Any) -> str:
    o = trigger.options
    if trigger.kind == "score":
        words = {"above": ">", "at_least": ">=", "below": "<", "at_most": "<="}
        return f"{o['field']} " + " and ".join(f"{words[b]} {o[b]:g}" for b in words if b in o)
    if trigger.kind == "segment":
        return f"{o['change']} {o['segment']!r}"
    if trigger.kind == "ticket":
        times = f"{o['at_least']}+ " if o["at_least"] > 1 else "a "
        return f"{times}{o['ticket']} ticket{'s' if o['at_least'] > 1 else ''} within {o['within_days']:g} days"
    if trigger.kind == "event":
        times = f"{o['at_least']}x " if o["at_least"] > 1 else ""
        without = f" without {o['without']}" if o["without"] else ""
        return f"{times}{o['event']} within {o['within_days']:g} days{without}"
    extra = ", ".join(f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}" for k, v in o.items() if k != "date")
    return o["date"].replace("_", " ") + (f" ({extra})" if extra else "")


def _checked(workspace: Any, store: Any, found: Any, path: Path
             ) -> tuple[dict[str, Any], Any, Any, list[str], dict[str, str]]:
    """The latest run, its fields and memberships, after checking ``found`` against them, and
    the playbooks that do not apply to this shop (name -> why)."""
    from regulars.app._segments import _latest_fields
    from regulars.playbooks import absent_names, check_playbooks
    from regulars.store import run_cards

    latest, fields, pairs, names, kinds = _latest_fields(store, workspace, "the playbooks")
    cards = run_cards(store, latest["run_id"])
    profile = {c.name for c in contract_for("customers").columns}
    not_applicable = check_playbooks(found, kinds, names, set(kinds) | profile | set(RECOMMENDATION_FIELDS),
                                     where=str(path), absent=absent_names(cards["skipped"], set(cards["models"])))
    return latest, fields, pairs, names, not_applicable


def _read(workspace_path: str | Path, text: str | None = None) -> tuple[Any, Path, bool, Any]:
    """The workspace, its playbooks file (written with the starter set when there is none),
    whether it was just written, and its playbooks parsed (or ``text``'s, an unsaved edit)."""
    from regulars.playbooks import STARTER_YAML, parse_playbooks

    workspace = open_workspace(workspace_path)
    path = workspace.path / PLAYBOOKS_FILE
    created = not path.exists()
    if created:
        path.write_text(STARTER_YAML, encoding="utf-8")
    text = path.read_text(encoding="utf-8") if text is None else text
    return workspace, path, created, parse_playbooks(text, where=str(path))


def playbooks(workspace_path: str | Path, *, check: bool = False) -> PlaybooksResult:
    """The playbooks of the workspace's ``playbooks.yaml`` (written with the starter set, every
    playbook switched off, when there is none). With ``check``, every name is checked against
    the latest run: score and condition fields, segments, templates and their variables."""
    workspace, path, created, found = _read(workspace_path)
    run_id, not_applicable = None, {}
    if check:
        with workspace.store(read_only=True) as store:
            latest, *_, not_applicable = _checked(workspace, store, found, path)
            run_id = latest["run_id"]
    from regulars.playbooks import THRESHOLDS

    rows = [{"playbook": p.name, "enabled": p.enabled, "trigger": _summary(p.trigger), "channel": p.action.channel,
             "template": p.action.template, "holdout": p.holdout, "review": p.review,
             "follow_ups": len(p.follow_ups), "description": p.description,
             "thresholds": {k: v for k, v in p.trigger.options.items() if k in THRESHOLDS},
             "not_applicable": not_applicable.get(p.name)}
            for p in found.playbooks.values()]
    texts = {name: {"subject": t.subject, "body": t.body} for name, t in sorted(found.templates.items())}
    return PlaybooksResult(file=str(path), created=created, checked_against=run_id, playbooks=rows,
                           templates=sorted(found.templates), template_texts=texts)


def plan_playbooks(workspace_path: str | Path, *, at: datetime | None = None) -> PlanResult:
    """A dry run of the enabled playbooks as of ``at`` (UTC; default 10:00 on the latest run's
    cutoff day, the day its scores speak of): who would get what and why, and who was held back
    by which guard. Nothing is queued or sent."""
    return _plan(workspace_path, at)[1]


def _plan(workspace_path: str | Path, at: datetime | None, text: str | None = None) -> tuple[Any, PlanResult]:
    """The playbook file's contents (or ``text``'s) and the plan (each action with its rendered
    subject and body)."""
    from regulars.playbooks import Situation, plan

    workspace, path, _, found = _read(workspace_path, text)
    with workspace.store(read_only=True) as store:
        latest, fields, pairs, names, not_applicable = _checked(workspace, store, found, path)
        found = found.without(not_applicable)  # not applicable to this shop: skipped, and said
        cutoff = latest["cutoff"]
        at = at or datetime(cutoff.year, cutoff.month, cutoff.day, 10)
        before = previous_segment_run(store, latest["run_id"])
        inputs = playbook_inputs(store, before["run_id"] if before else None, at)
        queued_keys = outbox_keys(store)
    profile = inputs.pop("profile").set_index("customer_id")
    product_names = inputs.pop("product_names")
    try:
        actions = plan(found, Situation(at=at, fields=fields, pairs=pairs, segment_names=names, profile=profile,
                                        **inputs))
    except ValueError as exc:
        raise SettingsError(f"{path}: {exc}") from None
    _mark_queued(actions, at, queued_keys)
    actions["subject"], actions["body"] = _messages(actions, found, fields, profile, pairs, product_names)
    actions["expected_value"] = _expected(workspace_path, actions, fields)
    actions["message"] = actions["subject"].where(actions["subject"] != "", actions["body"])
    counts = []
    for name, book in found.playbooks.items():
        if not book.enabled:
            continue
        mine = actions[actions["playbook"] == name]
        counts.append({"playbook": name, **{k: int((mine["status"] == k).sum())
                                            for k in ("planned", "needs approval", "held out", "already queued")},
                       "held back": {g: int(n) for g, n in mine.loc[mine["status"] == "held back", "guard"]
                                     .value_counts().items()}})
    return found, PlanResult(file=str(path), run_id=latest["run_id"], at=at, counts=counts, actions=actions,
                             not_applicable=not_applicable)


def _mark_queued(actions: Any, at: datetime, queued: set[str]) -> None:
    """Actions of this plan already in the outbox (queued, waiting, sent or decided: the same
    playbook, customer, step and day) are "already queued", so no list offers them again."""
    if not queued or not len(actions):
        return
    todo = actions["status"].isin(["planned", "needs approval"]).to_numpy()
    keys = [action_key(p, c, int(s), at) if t else "" for p, c, s, t in
            zip(actions["playbook"], actions["customer_id"], actions["step"], todo, strict=True)]
    actions.loc[todo & np.isin(keys, list(queued)), "status"] = "already queued"


def _expected(workspace_path: str | Path, actions: Any, fields: Any) -> Any:
    """What each action is expected to earn: the playbook's measured lift in conversion (treated
    against held out, where the interval excludes zero) times the customer's expected order
    value (else the measured revenue per extra order) times the margin, less its cost. NaN where
    the playbook has no measured effect yet: nothing is claimed that was not measured."""
    import pandas as pd

    from regulars.app._measure import playbook_results

    measured = playbook_results(workspace_path)
    lift, per_order = {}, {}
    for p in measured.playbooks:
        effects = {e["measure"]: e for e in p.get("effects", [])}
        conversion, revenue = effects.get("conversion"), effects.get("revenue per customer")
        if conversion and conversion["low"] > 0:
            lift[p["playbook"]] = conversion["difference"]
            per_order[p["playbook"]] = revenue["difference"] / conversion["difference"]
    if not lift or not len(actions):
        return float("nan")
    order_value = (fields["expected_order_value"].reindex(actions["customer_id"]).to_numpy()
                   if "expected_order_value" in fields else float("nan"))
    fallback = actions["playbook"].map(per_order).to_numpy(dtype=float)
    value = pd.Series(order_value, dtype=float).fillna(pd.Series(fallback)).to_numpy()
    return actions["playbook"].map(lift).to_numpy(dtype=float) * value * measured.margin - actions["cost"].to_numpy(
        dtype=float)


def _messages(actions: Any, found: Any, fields: Any, profile: Any, pairs: Any, product_names: Any
              ) -> tuple[list[str], list[str]]:
    """The subject and body each planned action would carry (empty when held), rendered from
    the customer's fields, profile, segments and first interest; products by their names (the
    id only where the shop has no name for one)."""
    import pandas as pd

    from regulars.playbooks import render

    todo = actions["status"].isin(["planned", "needs approval"]).to_numpy() & actions["template"].notna().to_numpy()
    subjects, bodies = [""] * len(actions), [""] * len(actions)
    if not todo.any():
        return subjects, bodies
    who = pd.Index(actions.loc[todo, "customer_id"].unique())
    values = fields.reindex(who).join(profile.drop(columns=[c for c in profile.columns if c in fields.columns]),
                                      how="left")
    names = pd.Series(fields.index[pairs["row"].to_numpy()], name="customer_id")
    segments = pd.Series(pairs["segment"].astype(str).to_numpy()).groupby(names.to_numpy()).agg(list)
    values["segments"] = segments.reindex(who).to_numpy()
    interested = [[s.removeprefix("interested in ") for s in member_of if s.startswith("interested in ")]
                  for member_of in values["segments"].map(lambda v: v if isinstance(v, list) else [])]
    values["interest"] = [i[0] if i else None for i in interested]
    names = product_names.set_index("product_id")["name"]
    for column in ("next_product", "cross_sell_product", "replenish_product"):
        if column in values:
            ids = values[column].astype(object)
            values[column] = ids.map(names).where(ids.map(names).notna(), ids)
    records = values.to_dict("index")
    for at in np.flatnonzero(todo):
        subject, body = render(found.templates[actions["template"].iat[at]], records[actions["customer_id"].iat[at]])
        subjects[at], bodies[at] = subject or "", body
    return subjects, bodies


def today(workspace_path: str | Path, *, at: datetime | None = None) -> PlanResult:
    """Who to contact today across every enabled playbook, ranked (planned first, then those
    waiting for approval; by priority, then the customer's value): the plan without the
    customers held out or held back."""
    result = plan_playbooks(workspace_path, at=at)
    todo = result.actions[result.actions["status"].isin(["planned", "needs approval"])].reset_index(drop=True)
    return PlanResult(file=result.file, run_id=result.run_id, at=result.at, counts=result.counts, actions=todo,
                      not_applicable=result.not_applicable)


def edit_playbooks(workspace_path: str | Path, *, playbook: str | None = None, enabled: bool | None = None,
                   thresholds: dict[str, float] | None = None, template: str | None = None,
                   subject: str | None = None, body: str | None = None, save: bool = False,
                   by: str = "cli") -> PlaybookEditResult:
    """A change to the playbooks file (switch a playbook on or off, move a trigger's threshold,
    rewrite a template), checked against the latest run and planned: the preview shows what
    the changed playbook or template would send to whom. With ``save`` the file is replaced
    (its comments kept), atomically, and the change is written to the audit log."""
    from regulars._files import atomic_write_text
    from regulars.playbooks import set_enabled, set_template, set_threshold

    workspace, path, _, _ = _read(workspace_path)
    text = path.read_text(encoding="utf-8")
    if playbook is not None and enabled is not None:
        text = set_enabled(text, playbook, enabled)
    for key, value in (thresholds or {}).items() if playbook is not None else ():
        text = set_threshold(text, playbook, key, value)
    if template is not None:
        text = set_template(text, template, subject, body)
    found, planned = _plan(workspace_path, None, text)
    actions = planned.actions
    mine = actions[(actions["playbook"] == playbook) if playbook else (actions["template"] == template)]
    todo = mine[mine["status"].isin(["planned", "needs approval"])]
    examples = todo.head(3)[["customer_id", "playbook", "status", "subject", "body"]].to_dict("records")
    counts = [c for c in planned.counts if playbook is None or c["playbook"] == playbook]
    if save:
        atomic_write_text(path, text)
        with workspace.store() as store:
            store.audit("playbooks_edited", {"playbook": playbook, "enabled": enabled, "thresholds": thresholds,
                                             "template": template}, actor=by)
    return PlaybookEditResult(file=str(path), saved=save, counts=counts, examples=examples, actions=len(todo))
