"""Playbooks: ``playbooks DIR list|validate|plan|run|approve|results``, ``outbox DIR
status|deliver|retry`` (real subcommands, each with its own options), ``results DIR`` and ``today DIR``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from regulars.cli._app import command, noun, workspace_of
from regulars.cli._options import AsJson, Top, WorkspaceArg
from regulars.cli._render import json_out, line, num, out, table

__all__ = ["print_plan", "print_results", "print_today"]

Ids = Annotated[list[str] | None, typer.Option("--id", help="An action's id (repeat for several); `all` for every "
                                                          "action waiting.")]
By = Annotated[str, typer.Option(help="Who decides: recorded with the decision.")]


def _listed(workspace: Any, as_json: bool = False, check: bool = False) -> None:
    from regulars import app

    result = app.playbooks(workspace, check=check)
    if as_json:
        return json_out(result)
    if result.created:
        line(f"wrote the starter playbooks to {result.file} (all switched off; set enabled: true to use one)")
    out.print(table(f"Playbooks in {result.file}", ["playbook", "on", "trigger", "action", "holdout", "review"],
                    [[p["playbook"], "yes" if p["enabled"] else "no", p["trigger"],
                      f"{p['channel']}: {p['template']}" if p["template"] else p["channel"],
                      f"{p['holdout'] * 100:g}%", "yes" if p["review"] else ""] for p in result.playbooks],
                    right=("holdout",)))
    skipped = {p["playbook"]: p["not_applicable"] for p in result.playbooks if p.get("not_applicable")}
    for name, why in skipped.items():
        line(f"{name}: not applicable to this shop ({why}); skipped")
    if result.checked_against:
        line(f"valid: every {'other ' if skipped else ''}trigger, condition, template and template variable fits "
             f"run {result.checked_against}", style="green")
    return None


playbooks = noun("playbooks", "What to do for whom: the playbooks in the workspace's playbooks.yaml (the starter "
                 "set, every playbook switched off, is written there on first use).", default=_listed)


@command("list", playbooks)
def list_playbooks(ctx: typer.Context, as_json: AsJson = False) -> None:
    """The file's playbooks: trigger, action, holdout and whether a person reviews."""
    _listed(workspace_of(ctx), as_json)


@command("validate", playbooks)
def validate(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Check every trigger, condition, template and variable against the latest run."""
    _listed(workspace_of(ctx), as_json, check=True)


@command("plan", playbooks)
def plan(ctx: typer.Context, top: Top = 20, as_json: AsJson = False) -> None:
    """A dry run: who would get what, and who was held back by which guard (nothing is sent)."""
    from regulars import app

    print_plan(app.plan_playbooks(workspace_of(ctx)), top, as_json)


@command("run", playbooks)
def run_plan(ctx: typer.Context, by: By = "cli", top: Top = 20, as_json: AsJson = False) -> None:
    """Queue today's plan in the outbox (held-out customers are recorded; running it again the
    same day queues nothing twice)."""
    from regulars import app

    _print_queue(app.run_playbooks(workspace_of(ctx), by=by or "cli"), top, as_json)


@command("approve", playbooks)
def approve(
    ctx: typer.Context,
    ids: Ids = None,
    reject: Annotated[bool, typer.Option(help="Reject the --id actions instead of approving them.")] = False,
    subject: Annotated[str | None, typer.Option(help="Edit: a new subject for the --id action.")] = None,
    body: Annotated[str | None, typer.Option(help="Edit: a new text for the --id action.")] = None,
    exclude: Annotated[str | None, typer.Option(help="Exclude this customer from --playbook.")] = None,
    playbook: Annotated[str | None, typer.Option(help="The playbook to exclude a customer from.")] = None,
    by: By = "",
    why: Annotated[str | None, typer.Option(help="Why (recorded with a rejection or exclusion).")] = None,
    top: Top = 20,
    as_json: AsJson = False,
) -> None:
    """The actions waiting for a person; with --id, approve, reject or edit them; with --exclude,
    keep a customer out of a playbook."""
    _approve(workspace_of(ctx), ids, reject, subject, body, exclude, playbook, by, why, top, as_json)


@command("results", playbooks)
def playbook_results(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Each playbook against its holdout, with the return on its cost."""
    from regulars import app

    print_results(app.playbook_results(workspace_of(ctx)), as_json)


def _print_queue(result: Any, top: int, as_json: bool) -> None:
    if as_json:
        return json_out(result)
    line(f"queued {result.queued:,} actions as of {result.at:%Y-%m-%d %H:%M} UTC (run {result.run_id}): "
         f"{result.queued - result.waiting_for_approval:,} to deliver, {result.waiting_for_approval:,} waiting for "
         f"approval; {result.held_out:,} customers held out; {result.already_queued:,} were already queued")
    line("Next: `regulars playbooks DIR approve` for the approval queue, `regulars outbox DIR deliver` to send.")
    return None


def _approve(workspace: Any, ids: list[str] | None, reject: bool, subject: str | None, body: str | None,
             exclude: str | None, playbook: str | None, by: str, why: str | None, top: int, as_json: bool) -> None:
    from regulars import app
    from regulars.errors import SettingsError

    if exclude is not None:
        if not playbook:
            raise SettingsError("--exclude needs --playbook NAME: the playbook to exclude the customer from")
        result = app.exclude(workspace, playbook, exclude, by=by, why=why)
        return json_out(result) if as_json else line(
            f"excluded {exclude} from {playbook} (by {by}); {result.cancelled} waiting action(s) cancelled")
    if ids:
        edit = subject is not None or body is not None
        decision = "edit" if edit else "reject" if reject else "approve"
        result = app.decide(workspace, ids, decision, by=by, subject=subject, body=body, why=why)
        done = {"approve": "approved", "reject": "rejected", "edit": "edited"}[decision]
        return json_out(result) if as_json else line(f"{done} {len(result.actions):,} action(s) (by {by})")
    result = app.approvals(workspace)
    if as_json:
        return json_out(result)
    waiting = result.actions
    if not len(waiting):
        line("nothing is waiting for approval")
        return None
    out.print(table(f"Waiting for approval: {len(waiting):,} actions", ["id", "customer", "playbook", "value",
                                                                         "message", "why"],
                    [[r.action_id, r.customer_id, r.playbook, num(r.value), r.subject or r.body, r.why]
                     for r in waiting.head(top).itertuples()], right=("value",), fold=("message", "why")))
    line("Approve with `--id ID --by NAME` (or `--id all`), reject with `--reject`, edit with `--subject`/`--body`.")
    return None


def print_results(result: Any, as_json: bool) -> None:
    """Each playbook against its holdout: the verdict per measure and the return on its cost."""
    if as_json:
        return json_out(result)
    if not result.playbooks:
        line("no playbook has reached or held out anyone yet; `regulars playbooks DIR run` queues the plan")
        return None
    line(f"Results within {result.attribution_days} days of each message (data until {result.data_until:%Y-%m-%d}); "
         f"ROI at a margin of {result.margin:.0%}")
    for p in result.playbooks:
        line(f"{p['playbook']}: {p['treated']:,} treated, {p['held_out']:,} held out"
             + (f", {p['still_open']:,} still inside their window" if p["still_open"] else ""), style="bold")
        if "effects" not in p:
            line(f"  {p['verdict']}")
        else:
            for effect in p["effects"]:
                line(f"  {effect['verdict']}")
            line(f"  {p['roi']}")
        if "timing" in p:
            line(f"  {p['timing']['sentence']}")
    return None


def print_plan(result: Any, top: int, as_json: bool) -> None:
    """The plan's counts per playbook and guard, then the first ``top`` actions."""
    if as_json:
        return json_out(result)
    for name, why in result.not_applicable.items():
        line(f"{name}: not applicable to this shop ({why}); skipped")
    if not result.counts:
        line(f"no playbook is switched on in {result.file}; set enabled: true on the ones you want")
        return None
    out.print(table(f"Plan as of {result.at:%Y-%m-%d %H:%M} UTC (run {result.run_id}); nothing is sent",
                    ["playbook", "planned", "to approve", "held out", "held back (by guard)"],
                    [[c["playbook"], f"{c['planned']:,}", f"{c['needs approval']:,}", f"{c['held out']:,}",
                      "; ".join(f"{g}: {n:,}" for g, n in c["held back"].items())] for c in result.counts],
                    right=("planned", "to approve", "held out"), fold=("held back (by guard)",)))
    todo = result.actions[result.actions["status"].isin(["planned", "needs approval"])]
    print_today(todo, f"Today, {result.at:%Y-%m-%d}: {len(todo):,} actions (the first {min(top, len(todo))})", top)
    return None


def print_today(actions: Any, title: str, top: int) -> None:
    """Who to contact, with what, their value and what the action is expected to earn (where the
    playbook's effect was measured), ranked: the first ``top`` actions (``--json`` has each
    one's reason and delivery time too)."""
    out.print(table(title, ["customer", "playbook", "channel", "message", "value", "expected"],
                    [[r.customer_id, r.playbook + (" (to approve)" if r.status == "needs approval" else ""),
                      r.channel, r.message, num(r.value),
                      f"{r.expected_value:+,.2f}" if r.expected_value == r.expected_value else "not measured"]
                     for r in actions.head(top).itertuples()],
                    right=("value", "expected"), fold=("message", "playbook")))
    if len(actions) and actions["expected_value"].notna().any():
        line("expected: the playbook's measured lift in orders against its holdout x the customer's usual order "
             "x margin, less the message's cost")


@command()
def today(workspace: WorkspaceArg, top: Top = 20, as_json: AsJson = False) -> None:
    """Who to contact today, why, with what and their value, across every switched-on playbook,
    ranked (a dry run: nothing is sent)."""
    from regulars import app

    result = app.today(workspace)
    if as_json:
        return json_out(result)
    for name, why in result.not_applicable.items():
        line(f"{name}: not applicable to this shop ({why}); skipped")
    if not result.counts:
        line(f"no playbook is switched on in {result.file}; set enabled: true on the ones you want")
        return None
    print_today(result.actions, f"Today, {result.at:%Y-%m-%d} (run {result.run_id}): {len(result.actions):,} actions",
                top)
    return None


def _status(workspace: Any, as_json: bool = False, top: int = 20) -> None:
    from regulars import app

    result = app.outbox(workspace)
    if as_json:
        return json_out(result)
    if not result.counts:
        line("the outbox is empty; `regulars playbooks DIR run` queues the plan")
        return None
    out.print(table("Outbox", ["playbook", "status", "actions"],
                    [[c["playbook"], c["status"], f"{c['actions']:,}"] for c in result.counts], right=("actions",)))
    if len(result.actions):
        out.print(table("Need a look", ["id", "customer", "playbook", "status", "attempts", "reason"],
                        [[r.action_id, r.customer_id, r.playbook, r.status, r.attempts, r.last_error]
                         for r in result.actions.head(top).itertuples()], fold=("reason",)))
    return None


outbox = noun("outbox", "The outbox: queued actions and their delivery (import files, webhooks, email over SMTP), "
              "each at most once.", default=_status)


@command("status", outbox)
def status(ctx: typer.Context, top: Top = 20, as_json: AsJson = False) -> None:
    """Actions per playbook and state, and those that need a look (parked or unconfirmed)."""
    _status(workspace_of(ctx), as_json, top)


@command("deliver", outbox)
def deliver(ctx: typer.Context, by: By = "cli", as_json: AsJson = False) -> None:
    """Send what is due: import files, webhooks and email, each action at most once."""
    from regulars import app

    result = app.deliver(workspace_of(ctx), by=by)
    if as_json:
        return json_out(result)
    done = ", ".join(f"{n:,} {what}" for what, n in result.outcomes.items()) or "nothing was due"
    line(f"delivery: {done}")
    for path in result.files:
        line(f"  wrote {path}")
    if result.unconfirmed:
        line(f"{result.unconfirmed:,} action(s) are unconfirmed (a deliverer stopped while sending them): check "
             "whether they arrived, then `regulars outbox DIR retry --id ID` to send again", style="yellow")
    return None


@command("retry", outbox)
def retry(ctx: typer.Context, ids: Ids = None, by: By = "cli", as_json: AsJson = False) -> None:
    """Queue parked and unconfirmed actions again (all, or the --id ones)."""
    from regulars import app

    result = app.retry(workspace_of(ctx), [i for i in ids or [] if i != "all"], by=by)
    return json_out(result) if as_json else line(f"queued {result.changed:,} action(s) again")


@command()
def results(workspace: WorkspaceArg, as_json: AsJson = False) -> None:
    """Did it work? Each playbook's treated customers against those held out: conversion, revenue
    per customer, retention and unsubscribes with confidence intervals, and the return on cost."""
    from regulars import app

    print_results(app.playbook_results(workspace), as_json)
