"""The help widget page: a customer asks a question on the shop's site and reads the FAQ's
answer, or is told a person will answer (a task with their question and address). No sign-in;
each address may ask a limited number of questions an hour, so the page cannot fill the
support queue. ``/help?q=...`` shows a suggested answer first (what the site's snippet opens
when a page trigger fires), without keeping anything."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from typing import Annotated

from fastapi import FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse

from regulars.web._render import templates, workspace_of

__all__ = ["mount"]

#: Questions one address may ask in an hour.
PER_HOUR = 30
_asked: dict[str, deque[float]] = defaultdict(deque)


def _shown(request: Request, status: int = 200, **context: object) -> HTMLResponse:
    return templates.TemplateResponse(request, "help.html", context, status_code=status,
                                      headers={"Cache-Control": "no-store"})


def _page(request: Request, q: Annotated[str, Query(max_length=300)] = "") -> HTMLResponse:
    from regulars import app
    from regulars.errors import RegularsError

    said = None
    if q.strip():
        try:
            said = app.ask(workspace_of(request), q, channel="widget", keep=False)
        except RegularsError:  # no FAQ, or nothing to suggest: the page just asks
            said = None
        if said is not None and said.handed_over:
            said = None  # a suggestion is only shown when the FAQ answers it
    return _shown(request, said=said, suggested=True)


def _ask(request: Request, question: Annotated[str, Form(max_length=2000)] = "",
         contact: Annotated[str, Form(max_length=200)] = "") -> HTMLResponse:
    from regulars import app
    from regulars.errors import InsufficientDataError, SettingsError

    who = request.client.host if request.client else "unknown"
    recent, now = _asked[who], time.monotonic()
    while recent and recent[0] < now - 3600:
        recent.popleft()
    if len(recent) >= PER_HOUR:
        return _shown(request, 429, error="Many questions from here this hour; please try again later.")
    recent.append(now)
    contact = contact.strip() or None
    try:
        said = app.ask(workspace_of(request), question, channel="widget", contact=contact)
    except InsufficientDataError:
        return _shown(request, 503, error="Questions cannot be answered here yet; please contact the shop.")
    except SettingsError as exc:
        return _shown(request, 422, error=str(exc).capitalize() + ".")
    return _shown(request, said=said, contact=contact)


def mount(api: FastAPI) -> None:
    """Add the help page's routes to ``api`` (no sign-in)."""
    api.add_api_route("/help", _page, methods=["GET"], include_in_schema=False)
    api.add_api_route("/help", _ask, methods=["POST"], include_in_schema=False)
