"""The dashboard's pages, added to the API app: each reads through ``regulars.app`` and renders
a template. Forms post back with the session's form token; what a role may not do is refused
as in the API. The Models page and the import page have modules of their own."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from regulars import _charts
from regulars.api import Denied
from regulars.errors import RegularsError
from regulars.web._render import MENU, SignIn, form_checked, page, session_of, templates, workspace_of
from regulars.web._session import COOKIE, Sessions

__all__ = ["create_site", "mount_dashboard"]

HERE = Path(__file__).parent


def _home(request: Request) -> HTMLResponse:
    from regulars import app

    session = session_of(request)
    found = app.overview(workspace_of(request))
    months = [m["month"] for m in found.monthly]
    charts = {
        "revenue": _charts.bars(months, [m["revenue"] for m in found.monthly],
                                title="Revenue per month", unit=found.currency or ""),
        "buyers": _charts.line(months, {"buyers": [m["buyers"] for m in found.monthly],
                                        "of whom bought before": [m["repeat_buyers"] for m in found.monthly]},
                               title="Buyers per month"),
    }
    today = app.todays_actions(workspace_of(request), top=15).to_dict()
    glance = app.business(workspace_of(request), alerts_shown=3).to_dict()
    return page(request, "home.html", session, o=found, charts=charts, today=today, glance=glance)


def _customer(request: Request, customer_id: str) -> HTMLResponse:
    from regulars import app
    from regulars.errors import InsufficientDataError

    session = session_of(request)
    found = app.customer(workspace_of(request), customer_id)
    try:
        segments = app.segment_customer(workspace_of(request), found.customer_id).to_dict()["segments"]
    except InsufficientDataError:
        segments = []
    try:
        recommended = app.recommend(workspace_of(request), found.customer_id).to_dict()
    except InsufficientDataError:
        recommended = None
    consent = app.consent(workspace_of(request), found.customer_id).to_dict()
    return page(request, "customer.html", session, c=found, segments=segments, recommended=recommended,
                consent=consent)


def _customer_data(request: Request, customer_id: str) -> Response:
    """An access request's answer for the person, as the page to give them (owner sign-ins)."""
    from regulars import app

    session_of(request, "admin")
    found = app.customer_data(workspace_of(request), customer_id)
    return Response(found.html, media_type="text/html; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="data-of-{found.customer_id}.html"',
                             "Cache-Control": "no-store"})


#: Customers per page of the customers list.
PAGE_SIZE = 100


def _customers(request: Request, sort: str = "at_stake", q: str = "", page_no: int = Query(1, alias="page", ge=1),
               segment: str = "") -> Response:
    from regulars import app
    from regulars.app import SCORE_SORTS, SORT_WORDS

    session = session_of(request)
    matches = None
    if q.strip():
        matches = app.find(workspace_of(request), q[:200])
        if len(matches) == 1:
            return RedirectResponse(f"/customers/{quote(matches[0]['customer_id'], safe='')}", status_code=303)
    sort = sort if sort in SCORE_SORTS else "at_stake"
    segments = [s["segment"] for s in app.segments(workspace_of(request)).segments if s["size"]]
    segment = segment[:200]  # an unknown one is answered with what to do (404)
    found = app.scores(workspace_of(request), sort=sort, top=PAGE_SIZE, only_top=True,
                       offset=(page_no - 1) * PAGE_SIZE, segment=segment or None).to_dict()
    return page(request, "customers.html", session, found=found, sort=sort, sorts=SORT_WORDS, q=q[:200],
                matches=matches, segments=segments, segment=segment, page_no=page_no, page_size=PAGE_SIZE)


def _customers_csv(request: Request, sort: str = "at_stake", segment: str = "", pseudonyms: str = "") -> Response:
    """The customers list as it is sorted and filtered, every page of it, as a CSV file (with
    ``pseudonyms``, for an analyst: no names, emails or phones)."""
    from regulars import app
    from regulars.app import SCORE_SORTS
    from regulars.exports import safe_csv_text

    session_of(request)
    sort = sort if sort in SCORE_SORTS else "at_stake"
    found = app.scores(workspace_of(request), sort=sort, top=10_000_000, only_top=True, segment=segment[:200] or None,
                       pseudonymise=bool(pseudonyms))
    return Response(safe_csv_text(found.frame), media_type="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="customers.csv"'})


def _playbooks(request: Request, message: str = "", preview: Any = None, edited: Any = None,
               all: str = "") -> HTMLResponse:  # noqa: A002 - the query parameter's name
    from regulars import app

    session = session_of(request)
    waiting = app.approvals(workspace_of(request)).to_dict()["actions"]
    outbox = app.outbox(workspace_of(request)).to_dict()
    results = app.playbook_results(workspace_of(request)).to_dict()
    listed = app.playbooks(workspace_of(request)).to_dict()
    return page(request, "playbooks.html", session, waiting=waiting, outbox=outbox, results=results,
                 listed=listed, message=message, preview=preview, edited=edited or {}, show_all=all[:200])


def _approvals_csv(request: Request) -> Response:
    """Every action waiting for approval, with whom it is for and why, as a CSV file."""
    from regulars import app
    from regulars.exports import safe_csv_text

    session_of(request)
    return Response(safe_csv_text(app.approvals(workspace_of(request)).actions), media_type="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="approvals.csv"'})


def _template_preview(request: Request, template: str = "", customer: str = "") -> HTMLResponse:
    """A template as one chosen customer would read it, with the fields it may use."""
    from regulars import app

    session = session_of(request)
    found = app.template_preview(workspace_of(request), template[:200], customer[:200] or None)
    return page(request, "template_preview.html", session, t=found, customer=customer[:200])


async def _edit(request: Request) -> Response:
    """A playbook switched on or off or its threshold moved, or a template rewritten: previewed
    (what it would send to whom), or saved; planned in the thread pool."""
    return await run_in_threadpool(_edited, request, await request.form())


def _edited(request: Request, form: Any) -> Response:
    from regulars import app

    field = {k: str(v) for k, v in form.items()}
    session = form_checked(request, field.get("token", ""), "decide")
    playbook, template = field.get("playbook") or None, field.get("template") or None
    thresholds = {}
    for key, value in zip(form.getlist("threshold_key"), form.getlist("threshold_value")):
        try:
            thresholds[str(key)] = float(str(value))
        except ValueError:
            raise Denied(422, f"{key}: a threshold is a number, got {str(value)!r}") from None
    enabled = {"on": True, "off": False}.get(field.get("enabled", ""))
    save = field.get("do") == "save"
    what = playbook or f"template {template}"
    try:
        done = app.edit_playbooks(workspace_of(request), playbook=playbook, enabled=enabled, thresholds=thresholds,
                                  template=template, subject=field.get("subject") if template else None,
                                  body=field.get("body") if template else None, save=save,
                                  by=f"dashboard:{session.caller.name}")
    except RegularsError as exc:  # shown beside the edit, which is kept; nothing was saved
        folder = str(Path(workspace_of(request)).resolve())
        said = str(exc).replace(folder + "/", "").replace(str(workspace_of(request)).rstrip("/") + "/", "")
        answer = _playbooks(request, message=f"{what} not saved: {said}",
                            edited=field | {"thresholds": thresholds, "error": said})
        answer.status_code = 422  # the page again, the edit in it, and what to fix
        return answer
    if save:
        said = f"{what} saved: {done.actions:,} actions in the plan now"
        return RedirectResponse(f"/playbooks?message={quote(said)}", status_code=303)
    return _playbooks(request, message=f"Preview of {what} (not saved): {done.actions:,} actions in the plan",
                      preview=done.to_dict(), edited=field | {"thresholds": thresholds})


def _decide(request: Request, action_id: str, decision: str, token: str, subject: str | None, body: str | None,
            why: str | None, playbook: str = "", about: str = "") -> RedirectResponse:
    from regulars import app

    session = form_checked(request, token, "decide")
    app.decide(workspace_of(request), [action_id], decision, by=f"dashboard:{session.caller.name}",
               subject=subject or None, body=body or None, why=why or None)
    done = {"approve": "Approved", "reject": "Rejected", "edit": "Edited"}[decision]
    said = f"{done}: {playbook or 'the action'} for {about or 'this customer'}"
    return RedirectResponse(f"/playbooks?message={quote(said)}#group-{quote(playbook)}", status_code=303)


def _decide_group(request: Request, playbook: str, decision: str, expected: int, token: str) -> RedirectResponse:
    from regulars import app

    session = form_checked(request, token, "decide")
    done = app.decide_playbook(workspace_of(request), playbook, decision, expected=expected,
                               by=f"dashboard:{session.caller.name}")
    said = f"{'Approved' if decision == 'approve' else 'Rejected'} all {len(done.actions):,} actions of {playbook}"
    return RedirectResponse(f"/playbooks?message={quote(said)}#approvals", status_code=303)


def _data(request: Request, message: str = "") -> HTMLResponse:
    from regulars import app

    session = session_of(request)
    status = app.status(workspace_of(request)).to_dict()
    rows = app.quarantine(workspace_of(request)).to_dict()["rows"][:50]
    return page(request, "data.html", session, status=status, quarantined=rows, message=message)


def _quarantine_csv(request: Request) -> Response:
    from regulars import app
    from regulars.exports import safe_csv_text

    session_of(request)
    text = safe_csv_text(app.quarantine(workspace_of(request)).rows)
    return Response(text, media_type="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="quarantine.csv"'})


def _segments(request: Request, message: str = "") -> HTMLResponse:
    from regulars import app

    session = session_of(request)
    return page(request, "segments.html", session, found=app.segments(workspace_of(request)).to_dict(),
                 message=message)


def _segment(request: Request, name: str) -> HTMLResponse:
    from regulars import app

    session = session_of(request)
    found = app.segment(workspace_of(request), name, top=200).to_dict()
    history = app.segment_history_of(workspace_of(request), name).to_dict()["runs"]
    # a line needs a few points to show a trend; two or fewer runs read better as a table
    chart = _charts.line([str(h["cutoff"]) for h in history], {"customers": [h["size"] for h in history]},
                         title=f"{name}: customers per run") if len(history) > 2 else None
    return page(request, "segment.html", session, s=found, chart=chart, history=history)


def _segment_csv(request: Request, name: str) -> Response:
    """Every member of a segment, with their headline scores, as a CSV file."""
    from regulars import app
    from regulars.exports import safe_csv_text

    session_of(request)
    found = app.segment(workspace_of(request), name)
    filename = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "segment"
    return Response(safe_csv_text(found.members), media_type="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'})


def _check_rule(request: Request, rule: str = "") -> dict[str, Any]:
    """The rule editor's live check: the count it would hold now, or what is wrong."""
    from regulars import app
    from regulars.errors import RegularsError

    session_of(request)
    if not rule.strip():
        return {"ok": False, "error": "type a rule"}
    try:
        found = app.preview_segment(workspace_of(request), rule)
    except RegularsError as exc:
        return {"ok": False, "error": str(exc)}
    return {"ok": True, "size": found.size, "cutoff": found.cutoff}


_COMMAND_ASIDE = re.compile(r"\s*\([^()]*`regulars [^()]*\)")


def for_the_page(message: str) -> str:
    """An error's words without the command-line hints meant for the CLI ("; `regulars segments
    DIR list` shows them"): the dashboard's own pages show what they point to."""
    kept = "; ".join(part for part in _COMMAND_ASIDE.sub("", message).split("; ") if "`regulars " not in part)
    return kept or message


def _errorpage(request: Request, status: int, message: str) -> HTMLResponse:
    heading = {401: "Sign in first", 403: "Not allowed", 404: "Not found", 413: "Too large",
               422: "That did not work", 409: "Not yet"}.get(status, "Something went wrong")
    session = request.app.state.sessions.get(request.cookies.get(COOKIE))
    return templates.TemplateResponse(request, "error.html", {"menu": MENU if session else (), "session": session,
                                                              "path": request.url.path, "status": status,
                                                              "heading": heading, "error": for_the_page(message)},
                                      status_code=status)


def _html_errors(api: FastAPI) -> None:
    """Pages answer errors with a page; the API (and its docs) keep answering JSON."""
    import json

    for kind, handler in list(api.exception_handlers.items()):
        async def either(request: Request, exc: Exception, handler: Any = handler) -> Response:
            answer = await handler(request, exc)
            if request.url.path.startswith(("/api/", "/docs", "/openapi.json")) or answer.status_code < 400:
                return answer
            return _errorpage(request, answer.status_code, json.loads(answer.body)["error"])

        api.exception_handlers[kind] = either


def mount_dashboard(api: FastAPI) -> None:
    """Add the pages, the sign-in and the static files to ``api``."""
    api.state.sessions = Sessions()
    api.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @api.exception_handler(SignIn)
    async def sign_in(request: Request, _: SignIn) -> RedirectResponse:
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)

    @api.get("/login", include_in_schema=False)
    def loginpage(request: Request, token: str = "", next: str = "/") -> Response:
        from regulars.api import Caller

        target = next if next.startswith("/") and not next.startswith("//") else "/"
        if token and request.app.state.sessions.token_matches(token):
            key, _ = request.app.state.sessions.start(Caller("owner (sign-in link)", "owner"))
            return _signed_in(target, key)
        return templates.TemplateResponse(request, "login.html", {"menu": (), "session": None, "next": target,
                                                                  "failed": bool(token), "path": "/login"})

    @api.post("/login", include_in_schema=False)
    def login(request: Request, key: Annotated[str, Form(max_length=300)] = "",
              next: Annotated[str, Form(max_length=300)] = "/") -> Response:
        caller = request.app.state.keys.match(key.strip())
        target = next if next.startswith("/") and not next.startswith("//") else "/"
        if caller is None:
            return templates.TemplateResponse(request, "login.html", {"menu": (), "session": None, "next": target,
                                                                      "failed": True, "path": "/login"},
                                              status_code=401)
        session_key, _ = request.app.state.sessions.start(caller)
        return _signed_in(target, session_key)

    @api.post("/logout", include_in_schema=False)
    def logout(request: Request) -> RedirectResponse:
        request.app.state.sessions.end(request.cookies.get(COOKIE))
        answer = RedirectResponse("/login", status_code=303)
        answer.delete_cookie(COOKIE)
        return answer

    api.add_api_route("/", _home, methods=["GET"], include_in_schema=False)
    api.add_api_route("/customers", _customers, methods=["GET"], include_in_schema=False)
    api.add_api_route("/customers.csv", _customers_csv, methods=["GET"], include_in_schema=False)
    api.add_api_route("/customers/{customer_id}", _customer, methods=["GET"], include_in_schema=False)
    api.add_api_route("/customers/{customer_id}/data.html", _customer_data, methods=["GET"], include_in_schema=False)
    api.add_api_route("/playbooks", _playbooks, methods=["GET"], include_in_schema=False)
    api.add_api_route("/playbooks/approvals.csv", _approvals_csv, methods=["GET"], include_in_schema=False)
    api.add_api_route("/data", _data, methods=["GET"], include_in_schema=False)
    api.add_api_route("/data/quarantine.csv", _quarantine_csv, methods=["GET"], include_in_schema=False)
    api.add_api_route("/segments", _segments, methods=["GET"], include_in_schema=False)
    api.add_api_route("/segments/check", _check_rule, methods=["GET"], include_in_schema=False)
    api.add_api_route("/segments.csv", _segment_csv, methods=["GET"], include_in_schema=False)
    api.add_api_route("/segments/{name}", _segment, methods=["GET"], include_in_schema=False)

    @api.post("/segments/define", include_in_schema=False)
    def define(request: Request, name: Annotated[str, Form(max_length=60)], rule: Annotated[str, Form(max_length=2000)],
               token: Annotated[str, Form(max_length=100)] = "") -> RedirectResponse:
        from regulars import app

        session = form_checked(request, token, "analyse")
        made = app.define_segment(workspace_of(request), name, rule, by=f"dashboard:{session.caller.name}")
        said = f"{made.name}: {made.size:,} customers are its members now; every run records it again"
        return RedirectResponse(f"/segments?message={quote(said)}", status_code=303)

    api.add_api_route("/playbooks/edit", _edit, methods=["POST"], include_in_schema=False)
    api.add_api_route("/playbooks/preview", _template_preview, methods=["GET"], include_in_schema=False)

    @api.post("/playbooks/decide", include_in_schema=False)
    def decide(request: Request, action_id: Annotated[str, Form(max_length=200)],
               decision: Annotated[str, Form(pattern="^(approve|reject|edit)$")],
               token: Annotated[str, Form(max_length=100)] = "",
               subject: Annotated[str | None, Form(max_length=500)] = None,
               body: Annotated[str | None, Form(max_length=50_000)] = None,
               why: Annotated[str | None, Form(max_length=2_000)] = None,
               playbook: Annotated[str, Form(max_length=200)] = "",
               about: Annotated[str, Form(max_length=300)] = "") -> RedirectResponse:
        return _decide(request, action_id, decision, token, subject, body, why, playbook, about)

    @api.post("/playbooks/decide-group", include_in_schema=False)
    def decide_group(request: Request, playbook: Annotated[str, Form(min_length=1, max_length=200)],
                     decision: Annotated[str, Form(pattern="^(approve|reject)$")],
                     expected: Annotated[int, Form(ge=0)], token: Annotated[str, Form(max_length=100)] = ""
                     ) -> RedirectResponse:
        return _decide_group(request, playbook, decision, expected, token)

    from regulars.web import _business, _help, _import, _models, _preferences, _survey, _voice

    _import.mount(api)
    _models.mount(api)
    _business.mount(api)
    _voice.mount(api)
    _survey.mount(api)
    _preferences.mount(api)
    _help.mount(api)
    _html_errors(api)


def _signed_in(target: str, key: str) -> RedirectResponse:
    answer = RedirectResponse(target, status_code=303)
    answer.set_cookie(COOKIE, key, httponly=True, samesite="strict")
    return answer



def create_site(workspace_path: str | Path, *, max_body_mb: float | None = None) -> FastAPI:
    """What ``regulars serve`` runs: the API with the dashboard beside it."""
    from regulars.api import create_app

    site = create_app(workspace_path, max_body_mb=max_body_mb)
    mount_dashboard(site)
    return site
