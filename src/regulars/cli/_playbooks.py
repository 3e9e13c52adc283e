"""Playbooks: ``playbooks DIR [list | validate | plan]`` and ``today DIR``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from regulars.cli._app import command
from regulars.cli._options import AsJson, Top, WorkspaceArg
from regulars.cli._render import json_out, line, num, out, table

__all__ = ["print_plan"]

ACTIONS = ("list", "validate", "plan")


@command()
def playbooks(
    workspace: WorkspaceArg,
    action: Annotated[str, typer.Argument(help="list (the file's playbooks), validate (check them against the "
                                               "latest run's fields, segments and template variables) or plan "
                                               "(a dry run: who would get what, and who was held back by which "
                                               "guard).")] = "list",
    top: Top = 20,
    as_json: AsJson = False,
) -> None:
    """What to do for whom: the playbooks in the workspace's playbooks.yaml (the starter set, every
    playbook switched off, is written there on first use)."""
    from regulars import app
    from regulars.errors import SettingsError

    if action not in ACTIONS:
        raise SettingsError(f"unknown action {action!r}; choose one of: {', '.join(ACTIONS)}")
    if action == "plan":
        return print_plan(app.plan_playbooks(workspace), top, as_json)
    result = app.playbooks(workspace, check=action == "validate")
    if as_json:
        return json_out(result)
    if result.created:
        line(f"wrote the starter playbooks to {result.file} (all switched off; set enabled: true to use one)")
    out.print(table(f"Playbooks in {result.file}", ["playbook", "on", "trigger", "action", "holdout", "review"],
                    [[p["playbook"], "yes" if p["enabled"] else "no", p["trigger"],
                      f"{p['channel']}: {p['template']}" if p["template"] else p["channel"],
                      f"{p['holdout'] * 100:g}%", "yes" if p["review"] else ""] for p in result.playbooks],
                    right=("holdout",)))
    if result.checked_against:
        line(f"valid: every trigger, condition, template and template variable fits run {result.checked_against}",
             style="green")


def print_plan(result: Any, top: int, as_json: bool) -> None:
    """The plan's counts per playbook and guard, then the first ``top`` actions."""
    if as_json:
        return json_out(result)
    if not result.counts:
        line(f"no playbook is switched on in {result.file}; set enabled: true on the ones you want")
        return None
    out.print(table(f"Plan as of {result.at:%Y-%m-%d %H:%M} UTC (run {result.run_id}); nothing is sent",
                    ["playbook", "planned", "to approve", "held out", "held back (by guard)"],
                    [[c["playbook"], f"{c['planned']:,}", f"{c['needs approval']:,}", f"{c['held out']:,}",
                      "; ".join(f"{g}: {n:,}" for g, n in c["held back"].items())] for c in result.counts],
                    right=("planned", "to approve", "held out"), fold=("held back (by guard)",)))
    todo = result.actions[result.actions["status"].isin(["planned", "needs approval"])].head(top)
    if len(todo):
        out.print(table("First actions", ["customer", "playbook", "channel", "status", "value", "when"],
                        [[r.customer_id, r.playbook, r.channel, r.status, num(r.value),
                          f"{r.deliver_at:%Y-%m-%d %H:%M}"] for r in todo.itertuples()], right=("value",)))
    return None


@command()
def today(workspace: WorkspaceArg, top: Top = 20, as_json: AsJson = False) -> None:
    """Who to contact today, why, with what and their value, across every switched-on playbook,
    ranked (a dry run: nothing is sent)."""
    from regulars import app

    result = app.today(workspace)
    if as_json:
        return json_out(result)
    if not result.counts:
        line(f"no playbook is switched on in {result.file}; set enabled: true on the ones you want")
        return None
    todo = result.actions.head(top)
    out.print(table(f"Today, {result.at:%Y-%m-%d} (run {result.run_id}): {len(result.actions):,} actions",
                    ["customer", "playbook", "channel", "message", "why", "value", "status", "when"],
                    [[r.customer_id, r.playbook, r.channel, r.message, r.why, num(r.value), r.status,
                      f"{r.deliver_at:%H:%M}"] for r in todo.itertuples()],
                    right=("value",), fold=("why", "message")))
    return None
