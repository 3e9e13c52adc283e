"""The plan: every enabled playbook evaluated over the latest run's fields and segments as of a
moment, through the guards, each action with its rendered message and what it is expected to earn."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from regulars.app._action_results import PlanResult
from regulars.app._fields import latest_fields
from regulars.app._playbook_file import read_playbooks
from regulars.errors import SettingsError
from regulars.schema import contract_for
from regulars.store import outbox_keys, playbook_inputs, previous_segment_run, save_plan

__all__ = ["action_key", "checked", "plan_of", "situated", "with_messages"]

#: What a template may use besides a customer's rule fields: their profile and recommendations.
RECOMMENDATION_FIELDS = ("next_product", "cross_sell_product", "replenish_product", "interest", "segments")


def action_key(playbook: str, customer_id: str, step: int, at: datetime) -> str:
    """The idempotency key of an action: the same playbook, customer, step and day always give
    the same key, so queuing a plan again adds nothing, and a receiver can drop a repeat."""
    text = f"{playbook}\x1f{customer_id}\x1f{step}\x1f{at:%Y-%m-%d}"
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def checked(workspace: Any, store: Any, found: Any, path: Path, cache: dict[str, Any] | None = None
            ) -> tuple[dict[str, Any], Any, Any, list[str], dict[str, str]]:
    """The latest run, its fields and memberships, after checking ``found`` against them, and
    the playbooks that do not apply to this shop (name -> why). A run's fields never change:
    ``cache`` (a dict a long-lived caller keeps) holds the latest run's."""
    from regulars.playbooks import absent_names, check_playbooks
    from regulars.store import delivered_orders, run_cards, segment_run

    if cache is not None and cache.get("run_id") == segment_run(store)["run_id"]:
        latest, fields, pairs, names, kinds = cache["fields"]
    else:
        latest, fields, pairs, names, kinds = latest_fields(store, workspace, "the playbooks")
        if cache is not None:
            cache.update(run_id=latest["run_id"], fields=(latest, fields, pairs, names, kinds))
    cards = run_cards(store, latest["run_id"])
    profile = {c.name for c in contract_for("customers").columns}
    not_applicable = check_playbooks(found, kinds, names, set(kinds) | profile | set(RECOMMENDATION_FIELDS),
                                     where=str(path), absent=absent_names(cards["skipped"], set(cards["models"])))
    after_delivery = [p.name for p in found.playbooks.values()
                      if p.trigger.kind == "date" and p.trigger.options["date"] == "days_after_delivery"]
    if after_delivery and not delivered_orders(store):
        for name in after_delivery:
            not_applicable.setdefault(name, "its trigger needs orders with a delivery date (delivered_at; "
                                            "Shopify's Fulfilled at), and this shop's orders have none")
    return latest, fields, pairs, names, not_applicable


def situated(store: Any, found: Any, latest: dict[str, Any], fields: Any, pairs: Any, names: list[str],
             at: datetime, path: Path, *, follow_ups: bool = True, cap_used: int = 0) -> tuple[Any, Any, Any]:
    """The plan of ``found`` over ``fields``' customers as of ``at`` (actions already in the
    outbox marked so), with the profile and product names its messages are written from;
    ``cap_used``: actions queued earlier that day, against the shop-wide cap."""
    from regulars.playbooks import Situation, plan

    before = previous_segment_run(store, latest["run_id"])
    inputs = playbook_inputs(store, before["run_id"] if before else None, at)
    queued_keys = outbox_keys(store)
    profile = inputs.pop("profile").set_index("customer_id")
    product_names = inputs.pop("product_names")
    try:
        actions = plan(found, Situation(at=at, fields=fields, pairs=pairs, segment_names=names, profile=profile,
                                        cap_used=cap_used, **inputs), follow_ups=follow_ups)
    except ValueError as exc:
        raise SettingsError(f"{path}: {exc}") from None
    _mark_queued(actions, at, queued_keys)
    return actions, profile, product_names


def with_messages(actions: Any, found: Any, fields: Any, profile: Any, pairs: Any, product_names: Any) -> None:
    """Each action's rendered subject and body, and the message a list shows (the subject, else
    the body)."""
    actions["subject"], actions["body"] = _messages(actions, found, fields, profile, pairs, product_names)
    actions["message"] = actions["subject"].where(actions["subject"] != "", actions["body"])


def plan_of(workspace_path: str | Path, at: datetime | None, text: str | None = None) -> tuple[Any, PlanResult]:
    """The playbook file's contents (or ``text``'s) and the plan (each action with its rendered
    subject and body)."""
    workspace, path, _, found, version = read_playbooks(workspace_path, text)
    with workspace.store(read_only=True) as store:
        latest, fields, pairs, names, not_applicable = checked(workspace, store, found, path)
        found = found.without(not_applicable)  # not applicable to this shop: skipped, and said
        cutoff = latest["cutoff"]
        at = at or datetime(cutoff.year, cutoff.month, cutoff.day, 10)
        actions, profile, product_names = situated(store, found, latest, fields, pairs, names, at, path)
    with_messages(actions, found, fields, profile, pairs, product_names)
    actions["expected_value"] = _expected(workspace, found, actions, fields)
    counts = []
    for name, book in found.playbooks.items():
        if not book.enabled:
            continue
        mine = actions[actions["playbook"] == name]
        counts.append({"playbook": name, **{k: int((mine["status"] == k).sum())
                                            for k in ("planned", "needs approval", "held out", "already queued")},
                       "held back": {g: int(n) for g, n in mine.loc[mine["status"] == "held back", "guard"]
                                     .value_counts().items()}})
    if text is None:  # the file as saved: keep the plan, for the pages that show today
        _keep(workspace, latest["run_id"], at, version, counts, actions)
    return found, PlanResult(file=str(path), run_id=latest["run_id"], at=at, counts=counts, actions=actions,
                             not_applicable=not_applicable)


def _keep(workspace: Any, run_id: str, at: datetime, version: str, counts: list[dict[str, Any]], actions: Any) -> None:
    """Keep the plan's actions to do (``store.save_plan``). A workspace another process holds
    keeps its earlier plan: the pages then say that today's plan is not worked out yet."""
    from regulars.errors import WorkspaceBusyError

    todo = actions[actions["status"].isin(["planned", "needs approval"])].reset_index(drop=True)
    todo = todo.assign(action_id=[action_key(p, c, int(s), at) for p, c, s in
                                  zip(todo["playbook"], todo["customer_id"], todo["step"], strict=True)])
    try:
        with workspace.store() as store:
            save_plan(store, run_id, at, version, counts, todo)
    except WorkspaceBusyError:
        return


def _mark_queued(actions: Any, at: datetime, queued: set[str]) -> None:
    """Actions of this plan already in the outbox (queued, waiting, sent or decided: the same
    playbook, customer, step and day) are "already queued", so no list offers them again."""
    if not queued or not len(actions):
        return
    todo = actions["status"].isin(["planned", "needs approval"]).to_numpy()
    keys = [action_key(p, c, int(s), at) if t else "" for p, c, s, t in
            zip(actions["playbook"], actions["customer_id"], actions["step"], todo, strict=True)]
    actions.loc[todo & np.isin(keys, list(queued)), "status"] = "already queued"


def _expected(workspace: Any, found: Any, actions: Any, fields: Any) -> Any:
    """What each action is expected to earn, from its playbook's measured results (NaN where it
    has none yet: ``measure.expected_value``)."""
    from regulars.app._measure import measured_results
    from regulars.measure import expected_value

    measured = measured_results(workspace, found)
    order_value = (fields["expected_order_value"].reindex(actions["customer_id"]).to_numpy()
                   if "expected_order_value" in fields else float("nan"))
    return expected_value(measured.playbooks, actions["playbook"], order_value, actions["cost"].to_numpy(dtype=float),
                          measured.margin)


def _messages(actions: Any, found: Any, fields: Any, profile: Any, pairs: Any, product_names: Any
              ) -> tuple[list[str], list[str]]:
    """The subject and body each planned action would carry (empty when held), rendered from
    the customer's fields, profile, segments and first interest; products by their names (the
    id only where the shop has no name for one)."""
    import pandas as pd

    from regulars.playbooks import LINK_PLACEHOLDER, render

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
    values["survey_link"] = LINK_PLACEHOLDER  # signed per action when it is queued
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
