"""The dashboard's pages, added to the API app: each reads through ``regulars.app`` and renders
a template (autoescaped: text from data is never markup). Forms post back with the session's
form token; what a role may not do is refused as in the API."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from regulars import _charts
from regulars.api import Denied
from regulars.web._session import COOKIE, Session, Sessions

__all__ = ["create_site", "mount_dashboard"]

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))


def _number(v: Any) -> bool:
    """A value to show as a number (not None, a missing key or text)."""
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v


templates.env.filters["pct"] = lambda v, d=0: f"{v * 100:.{d}f}%" if _number(v) else ""
templates.env.filters["money"] = lambda v: f"{v:,.2f}" if _number(v) else ""
templates.env.filters["num"] = lambda v, d=0: f"{v:,.{d}f}" if _number(v) else ""
templates.env.filters["day"] = lambda v: "" if v is None else str(v)[:10]
templates.env.filters["when"] = lambda v: "" if v is None else str(v)[:16].replace("T", " ")

#: The pages in the menu: (path, label).
MENU = (("/", "Home"), ("/customers", "Customers"), ("/segments", "Segments"), ("/playbooks", "Playbooks"),
        ("/data", "Data"), ("/models", "Models"))


class SignIn(Exception):
    """No session: the page sends the browser to the sign-in page."""


def _session(request: Request, permission: str = "read") -> Session:
    from regulars.app import ROLES

    session = request.app.state.sessions.get(request.cookies.get(COOKIE))
    if session is None:
        raise SignIn
    if permission not in ROLES[session.caller.role]:
        raise Denied(403, f"the {session.caller.role} sign-in may not do this; sign in with an owner's key")
    return session


def _form_checked(request: Request, token: str, permission: str) -> Session:
    session = _session(request, permission)
    if not token or token != session.form_token:
        raise Denied(403, "this form is stale or came from another site; reload the page and try again")
    return session


def _page(request: Request, template: str, session: Session, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, template, {"menu": MENU, "session": session,
                                                          "path": request.url.path, **context})


def _workspace(request: Request) -> str:
    return request.app.state.workspace


def _home(request: Request) -> HTMLResponse:
    from regulars import app

    session = _session(request)
    found = app.overview(_workspace(request))
    months = [m["month"] for m in found.monthly]
    charts = {
        "revenue": _charts.bars(months, [m["revenue"] for m in found.monthly],
                                title="Revenue per month", unit=found.currency or ""),
        "buyers": _charts.line(months, {"buyers": [m["buyers"] for m in found.monthly],
                                        "of whom bought before": [m["repeat_buyers"] for m in found.monthly]},
                               title="Buyers per month"),
    }
    today = app.today(_workspace(request))
    actions = today.to_dict()["actions"][:15]
    waiting = app.approvals(_workspace(request)).to_dict()["actions"]
    return _page(request, "home.html", session, o=found, charts=charts, actions=actions,
                 actions_total=len(today.actions), waiting=len(waiting))


def _customer(request: Request, customer_id: str) -> HTMLResponse:
    from regulars import app
    from regulars.errors import InsufficientDataError

    session = _session(request)
    found = app.customer(_workspace(request), customer_id)
    try:
        segments = app.segment_customer(_workspace(request), found.customer_id).to_dict()["segments"]
    except InsufficientDataError:
        segments = []
    try:
        recommended = app.recommend(_workspace(request), found.customer_id).to_dict()
    except InsufficientDataError:
        recommended = None
    return _page(request, "customer.html", session, c=found, segments=segments, recommended=recommended)


def _customers(request: Request, sort: str = "churn", q: str = "") -> Response:
    from regulars import app
    from regulars.app import SCORE_SORTS

    session = _session(request)
    if q.strip():
        return RedirectResponse(f"/customers/{quote(q.strip(), safe='')}", status_code=303)
    sort = sort if sort in SCORE_SORTS else "churn"
    found = app.scores(_workspace(request), sort=sort, top=100).to_dict()
    return _page(request, "customers.html", session, found=found, sort=sort, sorts=list(SCORE_SORTS))


def _playbooks(request: Request, message: str = "", preview: Any = None, edited: Any = None) -> HTMLResponse:
    from regulars import app

    session = _session(request)
    waiting = app.approvals(_workspace(request)).to_dict()["actions"]
    outbox = app.outbox(_workspace(request)).to_dict()
    results = app.playbook_results(_workspace(request)).to_dict()
    listed = app.playbooks(_workspace(request)).to_dict()
    return _page(request, "playbooks.html", session, waiting=waiting, outbox=outbox, results=results,
                 listed=listed, message=message, preview=preview, edited=edited or {})


async def _edit(request: Request) -> Response:
    """A playbook switched on or off or its threshold moved, or a template rewritten: previewed
    (what it would send to whom), or saved."""
    from regulars import app

    form = await request.form()
    field = {k: str(v) for k, v in form.items()}
    session = _form_checked(request, field.get("token", ""), "decide")
    playbook, template = field.get("playbook") or None, field.get("template") or None
    thresholds = {}
    for key, value in zip(form.getlist("threshold_key"), form.getlist("threshold_value")):
        try:
            thresholds[str(key)] = float(str(value))
        except ValueError:
            raise Denied(422, f"{key}: a threshold is a number, got {str(value)!r}") from None
    enabled = {"on": True, "off": False}.get(field.get("enabled", ""))
    save = field.get("do") == "save"
    done = app.edit_playbooks(_workspace(request), playbook=playbook, enabled=enabled, thresholds=thresholds,
                              template=template, subject=field.get("subject") if template else None,
                              body=field.get("body") if template else None, save=save,
                              by=f"dashboard:{session.caller.name}")
    what = playbook or f"template {template}"
    if save:
        said = f"{what} saved: {done.actions:,} actions in the plan now"
        return RedirectResponse(f"/playbooks?message={quote(said)}", status_code=303)
    return _playbooks(request, message=f"Preview of {what} (not saved): {done.actions:,} actions in the plan",
                      preview=done.to_dict(), edited=field | {"thresholds": thresholds})


def _decide(request: Request, action_id: str, decision: str, token: str, subject: str | None, body: str | None,
            why: str | None) -> RedirectResponse:
    from regulars import app

    session = _form_checked(request, token, "decide")
    app.decide(_workspace(request), [action_id], decision, by=f"dashboard:{session.caller.name}",
               subject=subject or None, body=body or None, why=why or None)
    done = {"approve": "approved", "reject": "rejected", "edit": "edited"}[decision]
    return RedirectResponse(f"/playbooks?message={quote(f'{action_id} {done}')}", status_code=303)


def _data(request: Request, message: str = "") -> HTMLResponse:
    from regulars import app

    session = _session(request)
    status = app.status(_workspace(request)).to_dict()
    rows = app.quarantine(_workspace(request)).to_dict()["rows"][:50]
    return _page(request, "data.html", session, status=status, quarantined=rows, message=message)


def _quarantine_csv(request: Request) -> Response:
    from regulars import app
    from regulars.exports import safe_csv_text

    _session(request)
    text = safe_csv_text(app.quarantine(_workspace(request)).rows)
    return Response(text, media_type="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="quarantine.csv"'})


def _segments(request: Request, message: str = "") -> HTMLResponse:
    from regulars import app

    session = _session(request)
    return _page(request, "segments.html", session, found=app.segments(_workspace(request)).to_dict(),
                 message=message)


def _segment(request: Request, name: str) -> HTMLResponse:
    from regulars import app

    session = _session(request)
    found = app.segment(_workspace(request), name, top=200).to_dict()
    history = app.segment_history_of(_workspace(request), name).to_dict()["runs"]
    chart = _charts.line([str(h["cutoff"]) for h in history], {"customers": [h["size"] for h in history]},
                         title=f"{name}: customers per run") if len(history) > 1 else None
    return _page(request, "segment.html", session, s=found, chart=chart)


def _check_rule(request: Request, rule: str = "") -> dict[str, Any]:
    """The rule editor's live check: the count it would hold now, or what is wrong."""
    from regulars import app
    from regulars.errors import RegularsError

    _session(request)
    if not rule.strip():
        return {"ok": False, "error": "type a rule"}
    try:
        found = app.preview_segment(_workspace(request), rule)
    except RegularsError as exc:
        return {"ok": False, "error": str(exc)}
    return {"ok": True, "size": found.size, "cutoff": found.cutoff}


def _models(request: Request) -> HTMLResponse:
    from regulars import app

    session = _session(request)
    found = app.models(_workspace(request)).to_dict()
    charts = {}
    for name, card in found["models"].items():
        if "calibration_table" not in card:
            continue
        bands = card["calibration_table"]
        deciles = card.get("deciles") or []
        charts[name] = {
            "calibration": _charts.line([b["range"] for b in bands],
                                        {"predicted": [b["mean_predicted"] for b in bands],
                                         "happened": [b["actual_rate"] for b in bands]},
                                        title=f"{name}: calibration", top=1.0),
            "lift": _charts.bars([str(d["decile"]) for d in deciles], [d["lift"] for d in deciles],
                                 title=f"{name}: lift by tenth", unit="x"),
        }
    from regulars.app import BACKTEST_MODELS

    return _page(request, "models.html", session, m=found, charts=charts,
                 labels=app.label_choices(_workspace(request)), backtest_models=BACKTEST_MODELS)


async def _predict(request: Request) -> HTMLResponse:
    """The no-code prediction: learn the chosen column's value from the others, show the card
    (and the columns left out as recorded after the outcome), score the customers."""
    from regulars import app

    form = await request.form()
    session = _form_checked(request, str(form.get("token", "")), "analyse")
    column, _, value = str(form.get("label", "")).partition("=")
    if not column or not value:
        raise Denied(422, "choose a column and the value to predict")
    found = app.predict(_workspace(request), target=column, positive=value).to_dict()
    return _page(request, "prediction.html", session, p=found)


def _prediction_csv(request: Request, run_id: str) -> Response:
    from regulars import app
    from regulars.exports import safe_csv_text

    _session(request)
    text = safe_csv_text(app.predictions(_workspace(request), run_id))
    return Response(text, media_type="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="prediction-{run_id}.csv"'})


async def _backtest(request: Request) -> HTMLResponse:
    """A backtest from the Models page: fit before a date, predict the horizon after it, and
    compare with what happened."""
    from regulars import app

    form = await request.form()
    session = _form_checked(request, str(form.get("token", "")), "analyse")
    try:
        horizon = int(str(form.get("horizon", "90")))
    except ValueError:
        raise Denied(422, "the horizon is a whole number of days") from None
    found = app.backtest(_workspace(request), cutoff=str(form.get("cutoff", "")), horizon_days=horizon,
                         model=str(form.get("model", "churn"))).to_dict()
    details, chart = found["details"], None
    if found["model"] == "clv" and details.get("curve"):
        curve = details["curve"]
        chart = _charts.line([f"w{c['week']}" for c in curve], {"happened": [c["actual"] for c in curve],
                                                                 "predicted": [c["predicted"] for c in curve]},
                             title="Repeat orders, week by week after the cutoff")
    elif details.get("card", {}).get("calibration_table"):
        bands = details["card"]["calibration_table"]
        chart = _charts.line([b["range"] for b in bands], {"predicted": [b["mean_predicted"] for b in bands],
                                                           "happened": [b["actual_rate"] for b in bands]},
                             title="Calibration on the test customers", top=1.0)
    return _page(request, "backtest.html", session, b=found, chart=chart)


def _error_page(request: Request, status: int, message: str) -> HTMLResponse:
    heading = {401: "Sign in first", 403: "Not allowed", 404: "Not found", 413: "Too large",
               422: "That did not work", 409: "Not yet"}.get(status, "Something went wrong")
    session = request.app.state.sessions.get(request.cookies.get(COOKIE))
    return templates.TemplateResponse(request, "error.html", {"menu": MENU if session else (), "session": session,
                                                              "path": request.url.path, "status": status,
                                                              "heading": heading, "error": message},
                                      status_code=status)


def _html_errors(api: FastAPI) -> None:
    """Pages answer errors with a page; the API (and its docs) keep answering JSON."""
    import json

    for kind, handler in list(api.exception_handlers.items()):
        async def either(request: Request, exc: Exception, handler: Any = handler) -> Response:
            answer = await handler(request, exc)
            if request.url.path.startswith(("/api/", "/docs", "/openapi.json")) or answer.status_code < 400:
                return answer
            return _error_page(request, answer.status_code, json.loads(answer.body)["error"])

        api.exception_handlers[kind] = either


def mount_dashboard(api: FastAPI) -> None:
    """Add the pages, the sign-in and the static files to ``api``."""
    api.state.sessions = Sessions()
    api.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @api.exception_handler(SignIn)
    async def sign_in(request: Request, _: SignIn) -> RedirectResponse:
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)

    @api.get("/login", include_in_schema=False)
    def login_page(request: Request, token: str = "", next: str = "/") -> Response:
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
    api.add_api_route("/customers/{customer_id}", _customer, methods=["GET"], include_in_schema=False)
    api.add_api_route("/playbooks", _playbooks, methods=["GET"], include_in_schema=False)
    api.add_api_route("/data", _data, methods=["GET"], include_in_schema=False)
    api.add_api_route("/data/quarantine.csv", _quarantine_csv, methods=["GET"], include_in_schema=False)
    api.add_api_route("/segments", _segments, methods=["GET"], include_in_schema=False)
    api.add_api_route("/segments/check", _check_rule, methods=["GET"], include_in_schema=False)
    api.add_api_route("/segments/{name}", _segment, methods=["GET"], include_in_schema=False)
    api.add_api_route("/models", _models, methods=["GET"], include_in_schema=False)

    @api.post("/segments/define", include_in_schema=False)
    def define(request: Request, name: Annotated[str, Form(max_length=60)], rule: Annotated[str, Form(max_length=2000)],
               token: Annotated[str, Form(max_length=100)] = "") -> RedirectResponse:
        from regulars import app

        session = _form_checked(request, token, "analyse")
        made = app.define_segment(_workspace(request), name, rule, by=f"dashboard:{session.caller.name}")
        said = f"{made.name}: {made.size:,} customers now; it is recorded with every run from the next one on"
        return RedirectResponse(f"/segments?message={quote(said)}", status_code=303)

    api.add_api_route("/playbooks/edit", _edit, methods=["POST"], include_in_schema=False)
    api.add_api_route("/models/predict", _predict, methods=["POST"], include_in_schema=False)
    api.add_api_route("/models/backtest", _backtest, methods=["POST"], include_in_schema=False)
    api.add_api_route("/models/predictions/{run_id}.csv", _prediction_csv, methods=["GET"], include_in_schema=False)

    @api.post("/playbooks/decide", include_in_schema=False)
    def decide(request: Request, action_id: Annotated[str, Form(max_length=200)],
               decision: Annotated[str, Form(pattern="^(approve|reject|edit)$")],
               token: Annotated[str, Form(max_length=100)] = "",
               subject: Annotated[str | None, Form(max_length=500)] = None,
               body: Annotated[str | None, Form(max_length=50_000)] = None,
               why: Annotated[str | None, Form(max_length=2_000)] = None) -> RedirectResponse:
        return _decide(request, action_id, decision, token, subject, body, why)

    from regulars.web import _import

    _import.mount(api, _session, _form_checked, _page)
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
