"""What every dashboard page shares: the templates (autoescaped: text from data is never markup)
with their number filters, the menu, who is signed in and what they may do, and the form token
every form must carry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from regulars._glance import hours_words
from regulars.api import Denied
from regulars.web._session import COOKIE, Session

__all__ = ["MENU", "SignIn", "form_checked", "link_page", "page", "refused_link", "session_of", "templates",
           "workspace_of"]

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))


def _number(v: Any) -> bool:
    """A value to show as a number (not None, a missing key or text)."""
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v


def _commands(text: str) -> Any:
    """Text with what the owner would type (between backticks) shown as code; the rest escaped,
    so words from data are never read as markup."""
    import re

    from markupsafe import Markup, escape

    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


templates.env.filters["pct"] = lambda v, d=0: f"{v * 100:.{d}f}%" if _number(v) else ""
templates.env.filters["money"] = lambda v: f"{v:,.2f}" if _number(v) else ""
templates.env.filters["num"] = lambda v, d=0: f"{v:,.{d}f}" if _number(v) else ""
templates.env.filters["hours"] = hours_words
templates.env.filters["commands"] = lambda v: _commands(str(v))
templates.env.filters["day"] = lambda v: "" if v is None else str(v)[:10]
templates.env.filters["when"] = lambda v: "" if v is None else str(v)[:16].replace("T", " ")

#: The pages in the menu: (path, label).
MENU = (("/", "Home"), ("/business", "Business"), ("/voice", "Voice"), ("/customers", "Customers"), ("/segments", "Segments"), ("/playbooks", "Playbooks"),
        ("/data", "Data"), ("/models", "Models"))


class SignIn(Exception):
    """No session: the page sends the browser to the sign-in page."""


def session_of(request: Request, permission: str = "read") -> Session:
    """The signed-in session, if its role has ``permission`` (else 403); none: ``SignIn``."""
    from regulars.app import ROLES

    session = request.app.state.sessions.get(request.cookies.get(COOKIE))
    if session is None:
        raise SignIn
    if permission not in ROLES[session.caller.role]:
        raise Denied(403, f"the {session.caller.role} sign-in may not do this; sign in with an owner's key")
    return session


def form_checked(request: Request, token: str, permission: str) -> Session:
    """The session of a form that carries its token (a form from another site does not)."""
    session = session_of(request, permission)
    if not token or token != session.form_token:
        raise Denied(403, "this form is stale or came from another site; reload the page and try again")
    return session


def page(request: Request, template: str, session: Session, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, template, {"menu": MENU, "session": session,
                                                          "path": request.url.path, **context})


def workspace_of(request: Request) -> str:
    return request.app.state.workspace


def link_page(request: Request, template: str, status: int = 200, **context: object) -> HTMLResponse:
    """A page a customer reaches by a signed link (no sign-in): never kept in a cache, and no
    referrer carries the link to another site."""
    return templates.TemplateResponse(request, template, context, status_code=status,
                                      headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


def refused_link(request: Request, template: str, exc: Exception, headings: dict[int, str]) -> HTMLResponse:
    """A link that does not work (404) or no longer does (410), said on its own page."""
    from regulars.errors import ClosedError

    status = 410 if isinstance(exc, ClosedError) else 404
    return link_page(request, template, status, heading=headings[status],
                     refused=str(exc).capitalize().rstrip(".") + ".")
