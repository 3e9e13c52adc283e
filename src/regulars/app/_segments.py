"""Segments: the latest sizes and changes, a segment's members and history, a customer's segments
and why, and the user's own rule segments and pins."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from regulars.app._common import with_names
from regulars.app._fields import latest_fields
from regulars.app._results import (
    CustomerSegmentsResult,
    DefineSegmentResult,
    PinResult,
    SegmentHistoryResult,
    SegmentResult,
    SegmentsResult,
)
from regulars.errors import NotFoundError, SettingsError
from regulars.segments import why_member
from regulars.store import (
    customer_scores,
    customer_segments,
    customer_view,
    define_rule,
    drop_rule,
    open_workspace,
    pin_customer,
    previous_segment_run,
    run_cards,
    run_segments,
    segment_changes,
    segment_history,
    segment_members,
    segment_names,
    segment_rules,
    segment_run,
)

__all__ = ["define_segment", "drop_segment", "pin", "segment", "segment_customer", "segment_history_of",
           "segments"]

_NAME = re.compile(r"^[\w][\w .,'&+-]{0,59}$")


def segments(workspace_path: str | Path) -> SegmentsResult:
    """Every segment of the latest run with its size and who entered and left since the run before."""
    workspace = open_workspace(workspace_path)
    with workspace.store(read_only=True) as store:
        latest = segment_run(store)
        before = previous_segment_run(store, latest["run_id"])
        frame = segment_changes(store, latest["run_id"], before["run_id"] if before else None)
        card = run_cards(store, latest["run_id"])["models"].get("segments") or {}
    notes = card.get("notes", [])
    return SegmentsResult(run_id=latest["run_id"], cutoff=str(latest["cutoff"]),
                          since_run=before["run_id"] if before else None,
                          since_cutoff=str(before["cutoff"]) if before else None,
                          segments=frame.to_dict("records"), notes=notes)


def segment(workspace_path: str | Path, name: str, *, top: int = 20) -> SegmentResult:
    """One segment of the latest run: what it is, its size and its members (most valuable first)."""
    if top < 1:
        raise SettingsError(f"--top must be at least 1, got {top}")
    workspace = open_workspace(workspace_path)
    with workspace.store(read_only=True) as store:
        latest = segment_run(store)
        members = with_names(store, segment_members(store, latest["run_id"], name))
        info = run_segments(store, latest["run_id"]).get(name) or {"family": "", "size": 0,
                                                                   "description": "not in the latest run"}
    return SegmentResult(name=name, run_id=latest["run_id"], cutoff=str(latest["cutoff"]), family=info["family"],
                         size=int(info["size"]), description=info["description"], members=members, top=top)


def segment_history_of(workspace_path: str | Path, name: str) -> SegmentHistoryResult:
    """A segment's size at every run, and how many entered and left since the run before."""
    workspace = open_workspace(workspace_path)
    with workspace.store(read_only=True) as store:
        history = segment_history(store, name)
    history["cutoff"] = history["cutoff"].dt.date.astype(str)
    return SegmentHistoryResult(name=name, runs=history.to_dict("records"))


def define_segment(workspace_path: str | Path, name: str, rule: str, *, by: str = "cli") -> DefineSegmentResult:
    """Check ``rule`` against the fields of the latest run, save it as segment ``name`` with its
    members as of that run (shown at once), and say how many there are; every run from the next
    one on records it again."""
    if not isinstance(name, str) or not _NAME.match(name.strip()):
        raise SettingsError("a segment name is 1-60 letters, digits, spaces or . , ' & + - and starts with a letter "
                            f"or digit; got {name!r}")
    name = name.strip()
    workspace = open_workspace(workspace_path)
    with workspace.store() as store:
        latest, members = _members_now(store, workspace, name, rule)
        replaced = define_rule(store, name, rule, by, latest["run_id"], members)
    return DefineSegmentResult(name=name, rule=rule, replaced=replaced, size=len(members), run_id=latest["run_id"],
                               cutoff=str(latest["cutoff"]))


def _members_now(store: Any, workspace: Any, name: str, rule: str) -> tuple[dict[str, Any], list[str]]:
    """The latest run, and the customers of it ``rule`` holds (checked first)."""
    import numpy as np

    from regulars.segments import check_rule, evaluate_rules

    latest, fields, pairs, names, kinds = latest_fields(store, workspace, "the rule")
    if name.lower() in {n.lower() for n in names}:
        raise SettingsError(f"{name!r} is a built-in segment; choose another name for the rule")
    check_rule(rule, kinds, names)
    held = evaluate_rules({name: rule}, fields, pairs, names)[name]
    return latest, fields.index[np.asarray(held, dtype=bool)].tolist()


def preview_segment(workspace_path: str | Path, rule: str) -> DefineSegmentResult:
    """Check ``rule`` and count the customers it would hold now, saving nothing (the rule
    editor's live preview)."""
    workspace = open_workspace(workspace_path)
    with workspace.store(read_only=True) as store:
        latest, members = _members_now(store, workspace, "(preview)", rule)
    return DefineSegmentResult(name="(preview)", rule=rule, replaced=False, size=len(members), run_id=latest["run_id"],
                               cutoff=str(latest["cutoff"]))


def drop_segment(workspace_path: str | Path, name: str, *, by: str = "cli") -> None:
    """Remove a rule segment (runs already stored keep it)."""
    workspace = open_workspace(workspace_path)
    with workspace.store() as store:
        drop_rule(store, name, by)


def pin(workspace_path: str | Path, segment_name: str, customer_id: str, *, pinned_in: bool | None, why: str,
        by: str = "cli") -> PinResult:
    """Pin a customer into or out of a segment (``pinned_in`` None removes the pin); applies from
    the next run on and stays until removed."""
    if pinned_in is not None and not why.strip():
        raise SettingsError("say why the customer is pinned (--why), so the next person knows")
    workspace = open_workspace(workspace_path)
    with workspace.store() as store:
        resolved = customer_view(store, customer_id)["customer_id"]
        known = segment_names(store) | set(segment_rules(store))
        if segment_name not in known:
            raise NotFoundError(f"no segment {segment_name!r}; `regulars segments DIR list` shows them")
        pin_customer(store, segment_name, resolved, pinned_in, by, why)
    return PinResult(segment=segment_name, customer_id=resolved, pinned_in=pinned_in, why=why)


def segment_customer(workspace_path: str | Path, customer_id: str) -> CustomerSegmentsResult:
    """Each segment a customer is in at the latest run and why; what they joined and left since
    the run before; the pins a person set."""
    workspace = open_workspace(workspace_path)
    with workspace.store(read_only=True) as store:
        resolved = customer_view(store, customer_id)["customer_id"]
        latest = segment_run(store)
        found = customer_segments(store, resolved, latest["run_id"])
        scores = customer_scores(store, latest["run_id"], resolved)
        described = {name: (info["family"], info["description"])
                     for name, info in run_segments(store, latest["run_id"]).items()}
    pinned = {p["segment"]: f"pinned in by {p['pinned_by']}: {p['why']}" for p in found["pins"] if p["pinned_in"]}
    why = [{"segment": s, "family": described.get(s, ("", None))[0],
            "why": pinned.get(s) or why_member(s, *described.get(s, ("", None)), scores)} for s in found["segments"]]
    return CustomerSegmentsResult(customer_id=resolved, run_id=latest["run_id"], cutoff=str(latest["cutoff"]),
                                  segments=why, joined=found["joined"], left=found["left"],
                                  since_run=found["since_run"], pins=found["pins"])
