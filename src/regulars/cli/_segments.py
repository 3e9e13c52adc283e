"""Segments: ``segments DIR [list | show NAME | history NAME | define NAME RULE | drop NAME |
explain CUSTOMER | pin NAME CUSTOMER | unpin NAME CUSTOMER]``, each verb a subcommand."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from regulars.cli._app import command, noun, workspace_of
from regulars.cli._options import AsJson, CustomerArg, Top
from regulars.cli._render import json_out, line, num, out, pct, table

__all__ = ["print_changes"]

Name = Annotated[str, typer.Argument(help="The segment's name (`regulars segments DIR list` shows them).")]


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


def _list(workspace: Any, as_json: bool = False) -> None:
    from regulars import app

    result = app.segments(workspace)
    return json_out(result) if as_json else print_changes(result)


group = noun("segments", "Who belongs together: RFM segments, lifecycle stages, behaviour, value and engagement "
             "tiers, interests, clusters and your own rule segments, with who entered and left since the last "
             "run. Rules read like `churn_probability > 0.7 and \"Champions\" in segments`.", default=_list)


@command("list", group)
def list_(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Every segment of the latest run with its size, and who entered and left since the run before."""
    _list(workspace_of(ctx), as_json)


@command("show", group)
def show(ctx: typer.Context, name: Name, top: Top = 20, as_json: AsJson = False) -> None:
    """One segment: what it is, its size and its members, most valuable first."""
    from regulars import app

    result = app.segment(workspace_of(ctx), name, top=top)
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


@command("history", group)
def history(ctx: typer.Context, name: Name, as_json: AsJson = False) -> None:
    """A segment's size at every run, and how many entered and left since the run before."""
    from regulars import app

    result = app.segment_history_of(workspace_of(ctx), name)
    if as_json:
        return json_out(result)
    out.print(table(f"{result.name}: size at each run", ["run", "cutoff", "customers", "entered", "left"],
                    [[r["run_id"], r["cutoff"], f"{r['size']:,}", _change(r["entered"]), _change(r["left"])]
                     for r in result.runs], right=("customers", "entered", "left")))
    return None


@command("define", group)
def define(ctx: typer.Context, name: Name,
           rule: Annotated[str, typer.Argument(help="The rule, in quotes: `clv > 100 and \"At risk\" in segments`.")],
           as_json: AsJson = False) -> None:
    """Save a rule segment (checked against the latest run first): its members at once, and every run after."""
    from regulars import app

    result = app.define_segment(workspace_of(ctx), name, rule)
    if as_json:
        return json_out(result)
    line(f"{'Replaced' if result.replaced else 'Saved'} segment {result.name!r}: {result.size:,} customers "
         f"match as of {result.cutoff} (run {result.run_id}); they are its members now, and every run records it "
         "again.")
    return None


@command("drop", group)
def drop(ctx: typer.Context, name: Name, as_json: AsJson = False) -> None:
    """Remove a rule segment (runs already stored keep it)."""
    from regulars import app

    app.drop_segment(workspace_of(ctx), name)
    return json_out({"dropped": name}) if as_json else line(f"Dropped segment {name!r}.")


@command("pin", group)
def pin(ctx: typer.Context, name: Name, customer: CustomerArg,
        why: Annotated[str, typer.Option(help="Why the customer is pinned (kept for the next person).")] = "",
        out_of: Annotated[bool, typer.Option("--out", help="Pin the customer out of the segment instead of in.")
                          ] = False,
        as_json: AsJson = False) -> None:
    """Pin a customer into (or with --out, out of) a segment from the next run on."""
    _pin(workspace_of(ctx), name, customer, not out_of, why, as_json)


@command("unpin", group)
def unpin(ctx: typer.Context, name: Name, customer: CustomerArg, as_json: AsJson = False) -> None:
    """Remove a customer's pin from a segment."""
    _pin(workspace_of(ctx), name, customer, None, "", as_json)


def _pin(workspace: Any, name: str, customer: str, pinned_in: bool | None, why: str, as_json: bool) -> None:
    from regulars import app

    result = app.pin(workspace, name, customer, pinned_in=pinned_in, why=why)
    if as_json:
        return json_out(result)
    what = "no longer pinned" if result.pinned_in is None else "pinned " + ("in" if result.pinned_in else "out")
    line(f"{result.customer_id} is {what} ({result.segment}); applies from the next run.")
    return None


@command("explain", group)
def explain(ctx: typer.Context, customer: CustomerArg, as_json: AsJson = False) -> None:
    """Each segment a customer is in and why; what they joined and left since the run before."""
    from regulars import app

    result = app.segment_customer(workspace_of(ctx), customer)
    if as_json:
        return json_out(result)
    line(f"{result.customer_id} as of {result.cutoff}: in {len(result.segments)} segments", style="bold")
    out.print(table("Segments and why", ["segment", "family", "why"],
                    [[s["segment"], s["family"], s["why"]] for s in result.segments], fold=("why",)))
    if result.since_run:
        line(f"Since run {result.since_run}: joined {', '.join(result.joined) or 'none'}; "
             f"left {', '.join(result.left) or 'none'}")
    return None
