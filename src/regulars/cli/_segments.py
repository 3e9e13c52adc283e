"""Segments: ``segments DIR [list | show NAME | history NAME | define NAME RULE | drop NAME |
explain CUSTOMER | pin NAME CUSTOMER | unpin NAME CUSTOMER]``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from regulars.cli._app import command
from regulars.cli._options import AsJson, Top, WorkspaceArg
from regulars.cli._render import json_out, line, num, out, pct, table

__all__ = ["print_changes"]

#: action -> the words it takes after it
ACTIONS = {"list": (), "show": ("NAME",), "history": ("NAME",), "define": ("NAME", "RULE"), "drop": ("NAME",),
           "explain": ("CUSTOMER",), "pin": ("NAME", "CUSTOMER"), "unpin": ("NAME", "CUSTOMER")}


def _change(value: Any) -> str:
    return "" if value is None or value != value else f"{int(value):,}"


def print_changes(result: Any, families: tuple[str, ...] | None = None) -> None:
    """Segment sizes, with entered and left since the run before."""
    since = f" (changes since run {result.since_run}, {result.since_cutoff})" if result.since_run else ""
    rows = [r for r in result.segments if families is None or r["family"] in families]
    out.print(table(f"Segments of run {result.run_id} as of {result.cutoff}{since}",
                    ["segment", "family", "customers", "entered", "left"],
                    [[r["segment"], r["family"], f"{r['size']:,}" if r["size"] else "empty", _change(r["entered"]),
                      _change(r["left"])] for r in rows],
                    right=("customers", "entered", "left")))
    for note in result.notes:
        line(note)


@command()
def segments(
    workspace: WorkspaceArg,
    action: Annotated[str, typer.Argument(help="list, show NAME, history NAME, define NAME RULE, drop NAME, "
                                               "explain CUSTOMER, pin NAME CUSTOMER, unpin NAME CUSTOMER.")] = "list",
    words: Annotated[list[str] | None, typer.Argument(help="The action's NAME, RULE or CUSTOMER.")] = None,
    why: Annotated[str, typer.Option(help="Why a customer is pinned (pin).")] = "",
    out_of: Annotated[bool, typer.Option("--out", help="Pin the customer out of the segment instead of in.")] = False,
    top: Top = 20,
    as_json: AsJson = False,
) -> None:
    """Who belongs together: RFM segments, lifecycle stages, behaviour, value and engagement tiers,
    interests, clusters and your own rule segments, with who entered and left since the last run.
    Rules read like `churn_probability > 0.7 and "Champions" in segments`."""
    from regulars import app
    from regulars.errors import SettingsError

    words = words or []
    if action not in ACTIONS:
        raise SettingsError(f"unknown action {action!r}; choose one of: {', '.join(ACTIONS)}")
    if len(words) != len(ACTIONS[action]):
        wanted = " ".join(ACTIONS[action]) or "nothing more"
        raise SettingsError(f"`segments DIR {action}` takes {wanted}; got {len(words)} word(s) (put a rule in quotes)")
    if action == "list":
        result = app.segments(workspace)
        return json_out(result) if as_json else print_changes(result)
    if action == "show":
        result = app.segment(workspace, words[0], top=top)
        if as_json:
            return json_out(result)
        line(f"{result.name} ({result.family}): {result.size:,} customers as of {result.cutoff}", style="bold")
        if result.description:
            line(result.description)
        out.print(table(f"Members, most valuable first (top {top})",
                        ["customer", "lifecycle", "RFM", "value", "chance of leaving", "engagement"],
                        [[r.customer_id, r.lifecycle_stage, r.rfm_segment, num(r.clv), pct(r.churn_probability),
                          num(r.engagement)] for r in result.members.head(top).itertuples()],
                        right=("value", "chance of leaving", "engagement")))
        return None
    if action == "history":
        result = app.segment_history_of(workspace, words[0])
        if as_json:
            return json_out(result)
        out.print(table(f"{result.name}: size at each run", ["run", "cutoff", "customers", "entered", "left"],
                        [[r["run_id"], r["cutoff"], f"{r['size']:,}", _change(r["entered"]), _change(r["left"])]
                         for r in result.runs], right=("customers", "entered", "left")))
        return None
    if action == "define":
        result = app.define_segment(workspace, words[0], words[1])
        if as_json:
            return json_out(result)
        line(f"{'Replaced' if result.replaced else 'Saved'} segment {result.name!r}: {result.size:,} customers "
             f"match as of {result.cutoff} (run {result.run_id}); every run from the next records it.")
        return None
    if action == "drop":
        app.drop_segment(workspace, words[0])
        return json_out({"dropped": words[0]}) if as_json else line(f"Dropped segment {words[0]!r}.")
    if action in ("pin", "unpin"):
        result = app.pin(workspace, words[0], words[1], pinned_in=None if action == "unpin" else not out_of, why=why)
        if as_json:
            return json_out(result)
        what = "no longer pinned" if result.pinned_in is None else "pinned " + ("in" if result.pinned_in else "out")
        line(f"{result.customer_id} is {what} ({result.segment}); applies from the next run.")
        return None
    result = app.segment_customer(workspace, words[0])
    if as_json:
        return json_out(result)
    line(f"{result.customer_id} as of {result.cutoff}: in {len(result.segments)} segments", style="bold")
    out.print(table("Segments and why", ["segment", "family", "why"],
                    [[s["segment"], s["family"], s["why"]] for s in result.segments], fold=("why",)))
    if result.since_run:
        line(f"Since run {result.since_run}: joined {', '.join(result.joined) or 'none'}; "
             f"left {', '.join(result.left) or 'none'}")
    return None
