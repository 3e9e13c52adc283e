"""The survey page a customer reaches from the link in a message: one question, answered on a
phone without signing in (the signed link is the only credential), refused when the link was
made up, altered, answered already or has expired."""

from __future__ import annotations

from typing import Annotated

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse

from regulars.web._render import link_page, refused_link, workspace_of

__all__ = ["mount"]

_CLOSED = {404: "This link does not work", 410: "This survey is closed"}


def _shown(request: Request, status: int = 200, **context: object) -> HTMLResponse:
    return link_page(request, "survey.html", status, **context)


def _refused(request: Request, exc: Exception) -> HTMLResponse:
    return refused_link(request, "survey.html", exc, _CLOSED)


def _question(request: Request, token: str) -> HTMLResponse:
    from regulars import app
    from regulars.errors import SettingsError

    try:
        return _shown(request, q=app.survey_question(workspace_of(request), token))
    except SettingsError as exc:
        return _refused(request, exc)


def _answer(request: Request, token: str, score: Annotated[str, Form(max_length=10)] = "",
            comment: Annotated[str, Form(max_length=5000)] = "") -> HTMLResponse:
    from regulars import app
    from regulars.errors import ClosedError, NotFoundError, SettingsError

    try:
        done = app.answer_survey(workspace_of(request), token, score or None, comment)
    except (ClosedError, NotFoundError) as exc:
        return _refused(request, exc)
    except SettingsError as exc:  # a missing or out-of-range score: ask again, saying why
        return _shown(request, 422, q=app.survey_question(workspace_of(request), token), error=str(exc))
    return _shown(request, thanks=done.thanks)


def mount(api: FastAPI) -> None:
    """Add the survey page's routes to ``api`` (no sign-in: the link is the credential)."""
    api.add_api_route("/survey/{token}", _question, methods=["GET"], include_in_schema=False)
    api.add_api_route("/survey/{token}", _answer, methods=["POST"], include_in_schema=False)
