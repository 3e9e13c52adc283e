"""The pages a customer reaches from the links every message carries: their preferences (what
they agree to, with the history of their choices) and a one-step unsubscribe from a channel. No
sign-in: the signed link is the only credential; a made-up, altered or expired one is refused."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from regulars.web._render import link_page, refused_link, workspace_of

__all__ = ["mount"]

_REFUSED = {404: "This link does not work", 410: "This link has expired"}


def _shown(request: Request, status: int = 200, **context: object) -> HTMLResponse:
    return link_page(request, "preferences.html", status, **context)


def _refused(request: Request, exc: Exception) -> HTMLResponse:
    return refused_link(request, "preferences.html", exc, _REFUSED)


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: str(v)[:20] for k, v in form.items() if isinstance(v, str)}


def _page(request: Request, token: str) -> HTMLResponse:
    from regulars import app
    from regulars.errors import ClosedError, NotFoundError

    try:
        return _shown(request, p=app.preferences(workspace_of(request), token))
    except (ClosedError, NotFoundError) as exc:
        return _refused(request, exc)


async def _save(request: Request, token: str) -> HTMLResponse:
    from starlette.concurrency import run_in_threadpool

    from regulars import app
    from regulars.errors import ClosedError, NotFoundError

    chosen = {k: "yes" for k, v in (await _form(request)).items() if v == "yes"}
    try:
        p = await run_in_threadpool(app.preferences, workspace_of(request), token, chosen)
    except (ClosedError, NotFoundError) as exc:
        return _refused(request, exc)
    return _shown(request, p=p)


def _leave(request: Request, token: str) -> HTMLResponse:
    from regulars import app
    from regulars.errors import ClosedError, NotFoundError

    try:
        return _shown(request, u=app.unsubscribe(workspace_of(request), token, confirm=False))
    except (ClosedError, NotFoundError) as exc:
        return _refused(request, exc)


def _left(request: Request, token: str) -> HTMLResponse:
    """The page's button, or a mail program's one-click request (RFC 8058): recorded at once."""
    from regulars import app
    from regulars.errors import ClosedError, NotFoundError

    try:
        return _shown(request, u=app.unsubscribe(workspace_of(request), token, confirm=True), confirmed=True)
    except (ClosedError, NotFoundError) as exc:
        return _refused(request, exc)


def mount(api: FastAPI) -> None:
    """Add the preference and unsubscribe pages to ``api`` (no sign-in: the link is the credential)."""
    api.add_api_route("/preferences/{token}", _page, methods=["GET"], include_in_schema=False)
    api.add_api_route("/preferences/{token}", _save, methods=["POST"], include_in_schema=False)
    api.add_api_route("/unsubscribe/{token}", _leave, methods=["GET"], include_in_schema=False)
    api.add_api_route("/unsubscribe/{token}", _left, methods=["POST"], include_in_schema=False)
