"""The Voice page: how customers' tickets, reviews and answers read over time (beside NPS, CSAT,
CES and tickets), what they write about and what they are unhappy about lately, the alerts on what
they said, how fast the shop answers them (service times, SLAs, backlog, unanswered tickets), and
the quality of what the shop sends (the engagement scorecard, beside each playbook's return)."""

from __future__ import annotations

from typing import Literal

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from regulars import _charts
from regulars._glance import SURVEY_WORDS
from regulars.web._render import page, session_of, workspace_of

__all__ = ["mount"]


def _voice(request: Request, by: Literal["week", "month"] = "month") -> HTMLResponse:
    from regulars import app
    from regulars.errors import InsufficientDataError, SettingsError

    session = session_of(request)
    sent = {"surveys": app.surveys(workspace_of(request)).surveys, "survey_words": SURVEY_WORDS, "faq": None}
    try:
        sent["faq"] = app.faq(workspace_of(request))
    except InsufficientDataError:  # no faq.yaml yet: the page says how to start one
        pass
    except SettingsError as exc:  # a faq.yaml with a mistake: said in its section, the page still shows
        sent["faq_problem"] = str(exc)
    try:
        served = app.service(workspace_of(request), by=by)
    except InsufficientDataError:
        served = None
    try:
        sent["quality"] = app.engagement_quality(workspace_of(request))
    except InsufficientDataError as exc:  # nothing sent yet: the section says so
        sent["quality_why"] = str(exc)
    try:
        found = app.voice(workspace_of(request), by=by)
    except InsufficientDataError as exc:
        return page(request, "voice.html", session, v=None, why=str(exc), by=by, s=served, backlog="", **sent)
    shown = [p for p in found.periods if p.get("texts")][-13 if by == "month" else -26:]
    labels = [f"{p['period']:%b %Y}" if by == "month" else f"{p['period']:%d %b}" for p in shown]
    chart = _charts.line(labels, {"unhappy": [p["negative"] / p["texts"] * 100 for p in shown],
                                  "happy": [p["positive"] / p["texts"] * 100 for p in shown]},
                         title=f"Share of texts that read unhappy and happy, by {by}", unit="%") if len(shown) > 1 \
        else ""
    return page(request, "voice.html", session, v=found, periods=shown, chart=chart, by=by, s=served,
                backlog=_backlog(served), **sent)


def _backlog(served: object) -> str:
    """The open tickets at the end of each of the last weeks, as a chart."""
    if served is None or len(served.backlog) < 2:
        return ""
    return _charts.line([f"{b['day']:%d %b}" for b in served.backlog], {"open": [b["open"] for b in served.backlog]},
                        title="Tickets open at the end of each day")


def mount(api: FastAPI) -> None:
    """Add the Voice page's route to ``api``."""
    api.add_api_route("/voice", _voice, methods=["GET"], include_in_schema=False)
