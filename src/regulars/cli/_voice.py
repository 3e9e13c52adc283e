"""The voice of the customer from the terminal: ``texts DIR`` lists or exports every text
customers wrote with how it reads (label, score, engine); ``voice``, ``service`` and ``surveys``
show what they say, how fast the shop answers and what the surveys found."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from regulars._glance import SURVEY_WORDS, hours_words
from regulars.cli._app import command
from regulars.cli._options import AsJson, WorkspaceArg
from regulars.cli._render import json_out, line, out, table

__all__: list[str] = []


@command()
def texts(
    workspace: WorkspaceArg,
    source: Annotated[str | None, typer.Option("--table", help="tickets or feedback (reviews and survey answers); "
                                                              "both when not given.")] = None,
    customer: Annotated[str | None, typer.Option(help="Only this customer's texts.")] = None,
    export: Annotated[Path | None, typer.Option(help="Write every text to this CSV file.")] = None,
    limit: Annotated[int, typer.Option(help="Texts to show on screen (the newest).")] = 20,
    as_json: AsJson = False,
) -> None:
    """Every ticket, review and survey answer with how it reads: positive, neutral or negative,
    a score from -1 to 1 and the engine that read it (texts not read yet are read first)."""
    from regulars import app
    from regulars.exports import write_safe_csv

    found = app.texts(workspace, source=source, customer=customer, limit=None if export or as_json else limit)
    if export is not None:
        n = write_safe_csv(found.rows, export)
        if not as_json:
            line(f"Wrote {n:,} texts to {export}")
            return None
    if as_json:
        return json_out(found)
    counts = ", ".join(f"{n:,} {label}" for label, n in found.labels.items())
    rows = [[f"{r.written_at:%d %b %Y}", r.customer or r.customer_id, r.kind, r.label or "not read",
             "" if r.sentiment != r.sentiment else f"{r.sentiment:+.2f}", r.text]
            for r in found.rows.head(limit).itertuples()]
    out.print(table(f"Texts: {found.total:,} ({counts}), newest first", ["date", "customer", "kind", "reads",
                                                                          "score", "text"], rows,
                    right=("score",), fold=("text",)))
    line(f"Read by {found.engine}.")
    if found.total > limit:
        line(f"... {found.total - limit:,} more; use --export FILE.csv to write them all")
    return None


@command()
def voice(
    workspace: WorkspaceArg,
    by: Annotated[str, typer.Option("--by", help="week or month.")] = "month",
    last: Annotated[int, typer.Option(help="Periods to show (the latest).")] = 12,
    as_json: AsJson = False,
) -> None:
    """What customers said: how their tickets, reviews and answers read per period (beside NPS,
    CSAT, CES and tickets), what they write about (themes) and what they are unhappy about lately."""
    from regulars import app

    found = app.voice(workspace, by=by)
    if as_json:
        return json_out(found)
    counts = ", ".join(f"{n:,} {label}" for label, n in found.labels.items())
    line(f"What customers said: {found.total:,} texts ({counts}) to {found.last_day}. Read by {found.engine}.")

    def pct(v: float | None) -> str:
        return "" if v is None else f"{v:.0%}"

    def num(v: float | None, fmt: str = "{:+.0f}") -> str:
        return "" if v is None else fmt.format(v)

    rows = [[f"{p['period']:%b %Y}" if by == "month" else f"week of {p['period']:%d %b %Y}", f"{p.get('texts', 0):,}",
             pct(p.get("negative_share")), num(p.get("sentiment"), "{:+.2f}"), num(p["nps"]),
             num(p["csat"], "{:.0f}%"), num(p["ces"], "{:.1f}"), num(p["tickets"], "{:,}")]
            for p in found.periods[-last:]]
    columns = [by, "texts", "unhappy", "mean", "NPS", "CSAT", "CES", "tickets"]
    out.print(table(f"How it read by {by} (mean sentiment from -1 to 1)", columns, rows, right=tuple(columns[1:])))
    for name, groups in found.by_group.items():
        line(f"Unhappy share by {name}: " + ", ".join(f"{g['group']} {g['negative_share']:.0%} of {g['texts']:,}"
                                                       for g in groups[:6]))
    if found.unhappy:
        line(f"Unhappy about in the last {found.trend_days} days: " + "; ".join(
            f"{u['theme']} ({u['negative']:,})" for u in found.unhappy[:5]))
    if found.themes:
        rows = [[t["theme"], f"{t['texts']:,}", pct(t["negative_share"]), f"{t['recent']:,}", f"{t['before']:,}",
                 t["examples"][0]["text"] if t["examples"] else ""] for t in found.themes]
        columns = ["theme", "texts", "unhappy", f"last {found.trend_days}d", "before", "for example"]
        out.print(table("What they write about", columns, rows, right=("texts", "unhappy", columns[3], "before"),
                        fold=("for example",)))
    else:
        line("Themes come once there are 50 texts or more.")
    return None


@command()
def service(
    workspace: WorkspaceArg,
    by: Annotated[str, typer.Option("--by", help="week or month.")] = "month",
    last: Annotated[int, typer.Option(help="Periods to show (the latest).")] = 6,
    as_json: AsJson = False,
) -> None:
    """How fast and how well you answer: first reply and resolution times (calendar and business
    hours), SLAs met per priority and channel, open tickets, tickets waiting for a first reply and
    the tickets to expect in the next two weeks."""
    from regulars import app

    found = app.service(workspace, by=by)
    if as_json:
        return json_out(found)
    line(f"Service to {found.as_of}: {found.tickets:,} tickets, business hours {found.hours}.")
    columns = ["", "tickets", "1st reply", "(open h)", "solved in", "(open h)", "SLA met"]

    def row(name: str, r: dict) -> list[str]:
        return [name, f"{r['tickets']:,}", hours_words(r["first_reply_hours"]), hours_words(r["first_reply_business_hours"]),
                hours_words(r["full_resolution_hours"]), hours_words(r["full_resolution_business_hours"]),
                "" if r.get("first_reply_met_share") is None else f"{r['first_reply_met_share']:.0%}"]

    rows = [row("all", found.overall)] + [row(r["group"], r) for r in found.by_priority]
    out.print(table("Median times by priority (open h: business hours only), first reply SLA met",
                    ["priority", *columns[1:]], rows, right=tuple(columns[1:])))
    out.print(table("By channel", ["channel", *columns[1:]], [row(r["group"], r) for r in found.by_channel],
                    right=tuple(columns[1:])))
    if found.by_agent:
        out.print(table("By agent", ["agent", *columns[1:]], [row(r["group"], r) for r in found.by_agent],
                        right=tuple(columns[1:])))
    rows = [row(f"{date.fromisoformat(r['group']):%b %Y}" if by == "month" else r["group"], r)
            for r in found.by_period[-last:]]
    out.print(table(f"By {by} opened", [by, *columns[1:]], rows, right=tuple(columns[1:])))
    if found.unanswered_count:
        line(f"{found.unanswered_count:,} tickets have waited more than {found.unanswered_hours:g} hours for a first "
             "reply: " + "; ".join(f"{u['ticket_id']} ({u['customer'] or u['customer_id']}, {u['waited_hours']:g} h)"
                                    for u in found.unanswered[:5]))
    if found.staffing:
        line("Tickets to expect: " + ", ".join(f"{s['weekday'][:3]} {s['expected']:.0f}" for s in found.staffing[:7]))
    for what in found.cannot:
        line(f"Not measured: {what}.")
    return None


@command()
def surveys(workspace: WorkspaceArg, as_json: AsJson = False) -> None:
    """The surveys your playbooks sent (a playbook action with `survey: nps`, csat, ces or
    win-back): links sent, answers, response rate and score."""
    from regulars import app

    found = app.surveys(workspace)
    if as_json:
        return json_out(found)
    if not found.surveys:
        line("No surveys sent yet: give a playbook's action `survey: nps` (or csat, ces, win-back) and "
             "{{ survey_link }} in its template; the starters nps-survey, csat-after-support and why-did-you-stop do.")
        return None
    rows = [[SURVEY_WORDS.get(s["survey"], s["survey"]), f"{s['sent']:,}", f"{s['answered']:,}",
             "" if s["response_rate"] is None else f"{s['response_rate']:.0%}",
             "" if s["score"] is None else f"{s['score']:g}"] for s in found.surveys]
    out.print(table("Surveys sent", ["survey", "sent", "answered", "response", "score"], rows,
                    right=("sent", "answered", "response", "score")))
    line("Scores: NPS % promoters (9-10) minus % detractors (0-6); CSAT % answering 4-5; CES the mean, 1 hard to "
         "7 easy; win-back answers are words (regulars texts DIR --table feedback).")
    return None


@command()
def faq(
    workspace: WorkspaceArg,
    ask: Annotated[str | None, typer.Option("--ask", help="A customer's question to answer from faq.yaml.")] = None,
    customer: Annotated[str | None, typer.Option("--customer", help="Who asks (their customer id).")] = None,
    as_json: AsJson = False,
) -> None:
    """The FAQ assistant: with --ask, answer a question from the workspace's faq.yaml (or hand it
    to a person as a task); without, how it served: answered, handed over, resolved without a
    ticket."""
    from regulars import app

    if ask is not None:
        said = app.ask(workspace, ask, customer_id=customer, channel="cli")
        if as_json:
            return json_out(said)
        if said.handed_over:
            line(f"Handed to a person ({said.why}); a task is queued for support.")
        else:
            line(f"{said.answer}" + (f" ({', '.join(said.links)})" if said.links else ""))
            line(f"From the FAQ entry \"{said.matched}\": {said.why}.")
        return None
    found = app.faq(workspace)
    if as_json:
        return json_out(found)
    line(f"{found.entries:,} FAQ entries; {found.asked:,} questions asked: {found.answered:,} answered, "
         f"{found.handed_over:,} handed to a person (answers need {found.min_confidence:.0%} sure).")
    if found.answered_known:
        line(f"Of {found.answered_known:,} answered for a known customer, {found.resolved:,} "
             f"({found.resolved_share:.0%}) were followed by no ticket within {found.ticket_days} days.")
    for q in found.handed_over_questions[:5]:
        line(f"Handed over {q['asked_at']:%d %b %H:%M}: {q['question']}")
    return None


@command()
def quality(
    workspace: WorkspaceArg,
    days: Annotated[int, typer.Option(help="Days of messages to read, back from the latest.")] = 90,
    as_json: AsJson = False,
) -> None:
    """The engagement-quality scorecard: relevance, timeliness, personalisation, helpfulness and
    consistency, each with its formula, and Return on Engagement (their mean, weighted by
    [voice] engagement_weights), beside each playbook's revenue-based return."""
    from regulars import app

    found = app.engagement_quality(workspace, days=days)
    if as_json:
        return json_out(found)
    line(f"Engagement quality from {found.since} to {found.until}: {found.messages:,} messages "
         f"({found.playbook_messages:,} from playbooks) to {found.people:,} people.")
    rows = [[m["measure"], "not measured" if m["value"] is None else f"{m['value']:.0%}", f"{m['weight']:g}"]
            for m in found.measures]
    out.print(table("Scorecard", ["measure", "score", "weight"], rows, right=("score", "weight")))
    if found.return_on_engagement is not None:
        line(f"Return on Engagement: {found.return_on_engagement:.0%} (the weighted mean of the measured ones; "
             "your weights, not a true number).")
    for m in found.measures:
        line(f"{m['measure']}: {m['formula']}.")
    for r in found.roi:
        line(f"Revenue-based, {r['playbook']}: {r['roi']}.")
    return None
