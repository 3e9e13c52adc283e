"""``serve DIR`` (the dashboard and REST API, one process that owns the workspace, running the
scheduled work), ``keys DIR list|create|revoke`` (API keys with roles) and ``report DIR
--html FILE`` (the self-contained report)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from regulars.cli._app import command, noun, workspace_of
from regulars.cli._options import AsJson, WorkspaceArg
from regulars.cli._render import json_out, line, out, table

__all__: list[str] = []

def _list_keys(workspace: Path, as_json: bool = False) -> None:
    from regulars import app

    _print_keys(app.keys(workspace), as_json)


def _print_keys(result: object, as_json: bool) -> None:
    if as_json:
        return json_out(result)
    out.print(table("API keys", ["id", "name", "role", "created", "by", "revoked"],
                    [[k["key_id"], k["name"], k["role"], (k["created_at"] or "")[:16], k["created_by"],
                      (k["revoked_at"] or "")[:16]] for k in result.keys], fold=("name",)))
    if not result.keys:
        line("No keys yet: `regulars keys DIR create --name NAME --role owner` makes one.")
    return None


keys = noun("keys", "API keys for `regulars serve`: only a hash of each is stored, so a new key is shown once.",
            default=_list_keys)


@command("list", keys)
def list_keys(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Every key: its id, name, role, when and by whom it was made, and whether it was revoked."""
    _list_keys(workspace_of(ctx), as_json)


@command("create", keys)
def create_key(
    ctx: typer.Context,
    name: Annotated[str, typer.Option(help="Who or what uses the key.")],
    role: Annotated[str, typer.Option(help="owner, analyst, integrator (sends data in), read-only, or site "
                                                    "(the page-view snippet's key: it may do nothing else).")] = "read-only",
    as_json: AsJson = False,
) -> None:
    """A new key with a role, shown once (copy it now)."""
    from regulars import app

    made = app.create_key(workspace_of(ctx), name, role)
    if as_json:
        return json_out(made)
    line(f"Key {made.key_id} for {made.name} ({made.role}); copy it now, it is not shown again:")
    out.print(made.key, markup=False, highlight=False)
    if made.role == "site":  # what it is for: the page-view snippet on every page of the shop
        line("Add to every page of the shop, with the address visitors' browsers reach regulars at:")
        out.print(f'<script src="https://REGULARS/api/v1/snippet.js" data-key="{made.key}" async></script>',
                  markup=False, highlight=False, soft_wrap=True)
    return None


@command("revoke", keys)
def revoke_key(
    ctx: typer.Context,
    key_id: Annotated[str, typer.Option("--id", help="The key's id (from `regulars keys DIR list`).")],
    as_json: AsJson = False,
) -> None:
    """Revoke a key: requests with it are refused from now on."""
    from regulars import app

    result = app.revoke_key(workspace_of(ctx), key_id)
    if not as_json:
        line(f"Revoked key {key_id}")
    _print_keys(result, as_json)


@command()
def serve(
    workspace: WorkspaceArg,
    host: Annotated[str | None, typer.Option(help="Address to listen on (default: serve.host, the loopback "
                                                  "address).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: serve.port).")] = None,
) -> None:
    """The dashboard and the REST API (docs at /docs) in one process. While it runs it owns the
    workspace: other commands say where it is served. Stop it with Ctrl+C."""
    import uvicorn

    from regulars import app
    from regulars.web import create_site

    settings = app.serve_settings(workspace)
    host, port = host or settings.host, port or settings.port
    url = f"http://{host}:{port}"
    listening = _listen(host, port)  # first: a browser sent to the address it prints is never refused
    with app.serving(workspace, url):
        api = create_site(workspace)
        stop = app.start_scheduler(workspace, lambda job: line(
            f"{job['job']} ({job['slot']:%Y-%m-%d %H:%M}): {job['outcome']}: {job['detail']}"))
        stops = [stop] + ([app.start_reactor(workspace, line)] if settings.react else [])
        line(f"Serving {workspace} at {url} (API docs at {url}/docs); Ctrl+C stops it")
        line(f"Open the dashboard, signed in as the owner: {url}/login?token={api.state.sessions.sign_in_token}")
        try:
            uvicorn.Server(uvicorn.Config(api, log_level="warning", access_log=False)).run(sockets=[listening])
        finally:
            for each in stops:
                each.set()


def _listen(host: str, port: int) -> object:
    """A socket listening on ``host``:``port`` (connections wait in its queue until the server
    takes them), or the reason it cannot be in words."""
    import socket

    from regulars.errors import SettingsError

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family)
    except OSError as exc:
        raise SettingsError(f"cannot listen on {host}:{port} ({exc.strerror or exc}); another program may be "
                            "using the port: choose another with --port or serve.port") from None


@command()
def report(
    workspace: WorkspaceArg,
    html: Annotated[Path, typer.Option("--html", help="Write the report to this HTML file.")],
    email_to: Annotated[list[str] | None, typer.Option("--email-to", help="Also email it to this address "
                                                                           "(repeat for several), by the SMTP server "
                                                                           "set in regulars.toml.")] = None,
    as_json: AsJson = False,
) -> None:
    """One self-contained HTML file (styles and charts inline, nothing fetched) with the shop's
    KPIs, segment changes, customers at risk and playbook results: to open or to email."""
    from regulars import app

    made = app.report(workspace, html, email_to=email_to)
    if as_json:
        return json_out(made)
    line(f"Wrote the report to {made.file} ({made.size / 1024:,.0f} KB)"
         + (f"; emailed to {', '.join(made.emailed_to)}" if made.emailed_to else ""))
    return None
