"""Playbooks: ``playbooks DIR [list | validate]``."""

from __future__ import annotations

from typing import Annotated

import typer

from regulars.cli._app import command
from regulars.cli._options import AsJson, WorkspaceArg
from regulars.cli._render import json_out, line, out, table

__all__: list[str] = []

ACTIONS = ("list", "validate")


@command()
def playbooks(
    workspace: WorkspaceArg,
    action: Annotated[str, typer.Argument(help="list (the file's playbooks) or validate (check them against the "
                                               "latest run's fields, segments and template variables).")] = "list",
    as_json: AsJson = False,
) -> None:
    """What to do for whom: the playbooks in the workspace's playbooks.yaml (the starter set, every
    playbook switched off, is written there on first use)."""
    from regulars import app
    from regulars.errors import SettingsError

    if action not in ACTIONS:
        raise SettingsError(f"unknown action {action!r}; choose one of: {', '.join(ACTIONS)}")
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
