"""Playbooks: the workspace's playbook file (the starter set is written on first use), listed,
and checked against the fields, segments and template variables of the latest run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from regulars.app._results import PlaybooksResult
from regulars.errors import InsufficientDataError
from regulars.schema import contract_for
from regulars.store import open_workspace, segment_run

__all__ = ["playbooks"]

PLAYBOOKS_FILE = "playbooks.yaml"
#: What a template may use besides a customer's rule fields: their profile and recommendations.
RECOMMENDATION_FIELDS = ("next_product", "cross_sell_product", "replenish_product", "interest", "segments")


def _summary(trigger: Any) -> str:
    o = trigger.options
    if trigger.kind == "score":
        words = {"above": ">", "at_least": ">=", "below": "<", "at_most": "<="}
        return f"{o['field']} " + " and ".join(f"{words[b]} {o[b]:g}" for b in words if b in o)
    if trigger.kind == "segment":
        return f"{o['change']} {o['segment']!r}"
    if trigger.kind == "event":
        times = f"{o['at_least']}x " if o["at_least"] > 1 else ""
        without = f" without {o['without']}" if o["without"] else ""
        return f"{times}{o['event']} within {o['within_days']:g} days{without}"
    extra = ", ".join(f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}" for k, v in o.items() if k != "date")
    return o["date"].replace("_", " ") + (f" ({extra})" if extra else "")


def playbooks(workspace_path: str | Path, *, check: bool = False) -> PlaybooksResult:
    """The playbooks of the workspace's ``playbooks.yaml`` (written with the starter set, every
    playbook switched off, when there is none). With ``check``, every name is checked against
    the latest run: score and condition fields, segments, templates and their variables."""
    from regulars.playbooks import STARTER_YAML, check_playbooks, parse_playbooks

    workspace = open_workspace(workspace_path)
    path = workspace.path / PLAYBOOKS_FILE
    created = not path.exists()
    if created:
        path.write_text(STARTER_YAML, encoding="utf-8")
    found = parse_playbooks(path.read_text(encoding="utf-8"), where=str(path))
    run_id = None
    if check:
        from regulars.app._segments import _fields_at

        with workspace.store(read_only=True) as store:
            try:
                latest = segment_run(store)
            except InsufficientDataError:
                raise InsufficientDataError("run `regulars run` once first, so the playbooks can be checked against "
                                            "the fields and segments that exist") from None
            fields, _, names, kinds = _fields_at(store, latest, workspace.settings.clv.months)
        run_id = latest["run_id"]
        profile = {c.name for c in contract_for("customers").columns}
        check_playbooks(found, kinds, names, set(kinds) | profile | set(RECOMMENDATION_FIELDS), where=str(path))
    rows = [{"playbook": p.name, "enabled": p.enabled, "trigger": _summary(p.trigger), "channel": p.action.channel,
             "template": p.action.template, "holdout": p.holdout, "review": p.review,
             "follow_ups": len(p.follow_ups), "description": p.description} for p in found.playbooks.values()]
    return PlaybooksResult(file=str(path), created=created, checked_against=run_id, playbooks=rows,
                           templates=sorted(found.templates))
