"""``privacy DIR export CUSTOMER`` (everything held about a person, as JSON and a plain page),
``privacy DIR erase CUSTOMER --why ...`` (erased everywhere, physically), ``privacy DIR
erasures`` (the record of erasures, which names no one), and ``consent DIR show|set CUSTOMER``
(what a person agrees to, as a history)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from regulars.cli._app import command, noun, workspace_of
from regulars.cli._options import AsJson
from regulars.cli._render import json_out, line, out, table

__all__: list[str] = []

Who = Annotated[str, typer.Argument(help="The customer: an id of any of their records, their email or phone.",
                                    metavar="CUSTOMER")]


def _erasures(workspace: Path, as_json: bool = False) -> None:
    from regulars import app

    done = app.erasures_done(workspace)
    if as_json:
        return json_out({"erasures": done})
    out.print(table("Erasures", ["when", "by", "why", "rows removed"],
                    [[e["erased_at"][:16], e["erased_by"], e["why"], f"{sum(e['removed'].values()):,}"] for e in done],
                    fold=("why",), right=("rows removed",)))
    if not done:
        line("No one erased yet: `regulars privacy DIR erase CUSTOMER --why ...` does it.")
    return None


group = noun("privacy", "A person's data on request: everything held about them (export) or erased everywhere "
             "(erase), from every place of the data catalogue.", default=_erasures)


@command("erasures", group)
def erasures(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Every erasure: when, by whom, why and how many rows went (no one's name is kept)."""
    _erasures(workspace_of(ctx), as_json)


@command("export", group)
def export(
    ctx: typer.Context,
    who: Who,
    to: Annotated[Path, typer.Option("--to", help="Folder for the answer (data-of-ID.json and .html).")] = Path("."),
    as_json: AsJson = False,
) -> None:
    """Everything held about one person (an access request), from every place of the data
    catalogue: profile, linked records, orders, events, tickets, feedback, messages, actions,
    scores with reasons, segments, quarantined rows naming them and files; written as JSON and
    as a plain HTML page to give them."""
    from regulars import app

    result = app.customer_data(workspace_of(ctx), who, to=to)
    if as_json:
        return json_out(result)
    doc = result.document
    out.print(table(f"Held about {result.customer_id}", ["where", "what", "rows"],
                    [[p["name"], p["what"], f"{len(p['rows']):,}"] for p in doc["held"]]
                    + [[f["path"], "a file", f"{len(f['rows']):,}" if f["rows"] else "names them"] for f in doc["files"]],
                    fold=("what",), right=("rows",)))
    line(f"Written to {result.json_file} and {result.html_file} (give them the page, or both).")
    return None


@command("disclosure", group)
def disclosure(
    ctx: typer.Context,
    to: Annotated[Path | None, typer.Option("--to", help="Folder for disclosure.txt and .html (default: the "
                                                          "workspace).")] = None,
    as_json: AsJson = False,
) -> None:
    """A privacy notice to publish: what the shop keeps, what it works out and why, how customers
    say no or ask for their data, and how long things are kept; written from what this
    workspace really holds and does, and the settings' [privacy] section (shop, contact)."""
    from regulars import app

    result = app.disclosure(workspace_of(ctx), to=to)
    if as_json:
        return json_out(result)
    line(f"Wrote {result.html_file} and {result.text_file}: {', '.join(s.lower() for s in result.sections)}.")
    line("Read it before you publish it" + (f"; set {' and '.join(result.unset)} in regulars.toml so it names you "
                                            "and where customers write" if result.unset else "") + ".")
    return None


@command("erase", group)
def erase(
    ctx: typer.Context,
    who: Who,
    why: Annotated[str, typer.Option("--why", help="Why, for the record (such as 'asked by email on 2026-12-01'); "
                                     "do not name them.")],
    as_json: AsJson = False,
) -> None:
    """Erase one person everywhere: their rows go (their orders stay, as sales without them),
    the workspace's files lose their rows, and the database file is rewritten so no freed block
    keeps their bytes. A re-import leaves them out (counted); the next run retrains the models.
    It cannot be undone."""
    from regulars import app

    result = app.erase_customer(workspace_of(ctx), who, why=why)
    if as_json:
        return json_out(result)
    rows = [[name, f"{n:,}"] for name, n in sorted(result.removed.items())]
    rows += [[name, f"{n:,}"] for name, n in sorted(result.files.items())]
    out.print(table(f"Erased {result.customer_id}", ["where", "rows"], rows, right=("rows",)))
    for said in result.reports:
        line(said)
    line(f"{result.rewritten}. Kept: erasure {result.erasure_id} with one-way hashes of their ids and emails, "
         "so a re-import leaves them out. The next `regulars run` retrains the models without them.")
    return None


def _print_consent(result: object, as_json: bool) -> None:
    if as_json:
        return json_out(result)
    words = {True: "yes", False: "no", None: "not asked"}
    out.print(table(f"Consent of {result.name or result.customer_id}", ["topic", "now"],
                    [[result.topics[t], words[v]] for t, v in result.now.items()], fold=("topic",)))
    out.print(table("History (newest first)", ["when", "topic", "answer", "source", "detail"],
                    [[h["changed_at"][:16], h["topic"], "yes" if h["granted"] else "no", h["source"], h["detail"] or ""]
                     for h in result.history], fold=("detail",)))
    if not result.history:
        line("No consent recorded yet: they have not answered on any topic.")
    line(f"Their preference page: {result.preferences_link}")
    return None


consent_noun = noun("consent", "What a person agrees to (marketing email, SMS, profiling, surveys), kept as a dated "
                    "history of every change and its source; the latest change wins.")


@command("show", consent_noun)
def consent_show(ctx: typer.Context, who: Who, as_json: AsJson = False) -> None:
    """What the person agrees to now, every change behind it, and the link to their preference page."""
    from regulars import app

    _print_consent(app.consent(workspace_of(ctx), who), as_json)


@command("set", consent_noun)
def consent_set(
    ctx: typer.Context,
    who: Who,
    email: Annotated[str | None, typer.Option("--email", metavar="yes|no", help="Marketing email.")] = None,
    sms: Annotated[str | None, typer.Option("--sms", metavar="yes|no", help="Marketing text messages.")] = None,
    profiling: Annotated[str | None, typer.Option("--profiling", metavar="yes|no",
                                                  help="Being scored and profiled (no: not scored or planned).")] = None,
    surveys: Annotated[str | None, typer.Option("--surveys", metavar="yes|no", help="Surveys about the service.")] = None,
    why: Annotated[str | None, typer.Option("--why", help="Where the answer came from (such as 'told us in the shop').")
                   ] = None,
    as_json: AsJson = False,
) -> None:
    """Record the person's answer on one or more topics, as the owner (a new entry of their history)."""
    from regulars import app

    choices = {k: v for k, v in (("email", email), ("sms", sms), ("profiling", profiling), ("surveys", surveys))
               if v is not None}
    result = app.set_consent(workspace_of(ctx), who, choices, detail=why)
    if not as_json:
        line("Nothing to record: those were their answers already." if not result.made else
             f"Recorded {result.made} change{'s' if result.made != 1 else ''}"
             + (" (the rest were their answers already)" if result.made < len(choices) else "") + ".")
    _print_consent(result, as_json)
