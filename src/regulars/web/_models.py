"""The Models page: model cards with their charts, drift since the previous run, a backtest
from a date, and the no-code prediction of a column the business records."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from regulars import _charts
from regulars.api import Denied
from regulars.web._render import form_checked, page, session_of, workspace_of

__all__ = ["mount"]


#: A band of the calibration chart needs this many customers to say anything.
MIN_BAND = 20


def _calibration(bands: list[dict[str, Any]], title: str) -> tuple[str | None, str]:
    """The calibration chart of the bands with enough customers, and what was left out, in words."""
    shown = [b for b in bands if b.get("customers", MIN_BAND) >= MIN_BAND]
    few = sum(b["customers"] for b in bands if b.get("customers", MIN_BAND) < MIN_BAND)
    chart = _charts.line([_charts.band(b["range"]) for b in shown],
                         {"predicted": [b["mean_predicted"] for b in shown],
                          "happened": [b["actual_rate"] for b in shown]}, title=title, top=1.0) if shown else None
    said = (f"; bands of fewer than {MIN_BAND} customers are left out ({few:,} customers in all)" if few else "")
    return chart, said


def _models(request: Request) -> HTMLResponse:
    from regulars import app

    session = session_of(request)
    found = app.models(workspace_of(request)).to_dict()
    charts = {}
    for name, card in found["models"].items():
        if not card.get("calibration_table"):
            continue
        deciles = card.get("deciles") or []
        calibration, left_out = _calibration(card["calibration_table"], f"{name}: calibration")
        charts[name] = {
            "calibration": calibration, "left_out": left_out,
            "lift": _charts.bars([str(d["decile"]) for d in deciles], [d["lift"] for d in deciles],
                                 title=f"{name}: lift by tenth", unit="x"),
        }
    from regulars.app import BACKTEST_MODELS

    return page(request, "models.html", session, m=found, charts=charts,
                 labels=app.label_choices(workspace_of(request)), backtest_models=BACKTEST_MODELS)


async def _predict(request: Request) -> HTMLResponse:
    """The no-code prediction: learn the chosen column's value from the others, show the card
    (and the columns left out as recorded after the outcome), score the customers. The learning
    runs in the thread pool, so the server keeps answering meanwhile."""
    return await run_in_threadpool(_predicted, request, await request.form())


def _predicted(request: Request, form: Any) -> HTMLResponse:
    from regulars import app

    session = form_checked(request, str(form.get("token", "")), "analyse")
    column, _, value = str(form.get("label", "")).partition("=")
    if not column or not value:
        raise Denied(422, "choose a column and the value to predict")
    found = app.predict(workspace_of(request), target=column, positive=value).to_dict()
    return page(request, "prediction.html", session, p=found)


def _prediction_csv(request: Request, run_id: str) -> Response:
    from regulars import app
    from regulars.exports import safe_csv_text

    session_of(request)
    text = safe_csv_text(app.predictions(workspace_of(request), run_id))
    return Response(text, media_type="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="prediction-{run_id}.csv"'})


async def _backtest(request: Request) -> HTMLResponse:
    """A backtest from the Models page: fit before a date, predict the horizon after it, and
    compare with what happened (in the thread pool: other requests are answered meanwhile)."""
    return await run_in_threadpool(_backtested, request, await request.form())


def _backtested(request: Request, form: Any) -> HTMLResponse:
    from regulars import app

    session = form_checked(request, str(form.get("token", "")), "analyse")
    try:
        horizon = int(str(form.get("horizon", "90")))
    except ValueError:
        raise Denied(422, "the horizon is a whole number of days") from None
    found = app.backtest(workspace_of(request), cutoff=str(form.get("cutoff", "")), horizon_days=horizon,
                         model=str(form.get("model", "churn"))).to_dict()
    details, chart = found["details"], None
    if found["model"] == "clv" and details.get("curve"):
        curve = details["curve"]
        chart = _charts.line([f"w{c['week']}" for c in curve], {"happened": [c["actual"] for c in curve],
                                                                 "predicted": [c["predicted"] for c in curve]},
                             title="Repeat orders, week by week after the cutoff")
    elif details.get("card", {}).get("calibration_table"):
        chart, _ = _calibration(details["card"]["calibration_table"], "Calibration on the test customers")
    return page(request, "backtest.html", session, b=found, chart=chart)


async def _fairness(request: Request) -> HTMLResponse:
    """What group thresholds would do for one model and attribute, from the Models page (in the
    thread pool: the check retrains, and other requests are answered meanwhile)."""
    return await run_in_threadpool(_mitigated, request, await request.form())


def _mitigated(request: Request, form: Any) -> HTMLResponse:
    from regulars import app

    adopt = str(form.get("adopt", ""))[:80] or None
    session = form_checked(request, str(form.get("token", "")), "decide" if adopt else "analyse")
    try:
        seed = int(str(form.get("seed", "0")) or 0)
    except ValueError:
        raise Denied(422, "the seed is a whole number") from None
    found = app.fairness(workspace_of(request), model=str(form.get("model", "churn"))[:40],
                         by=[str(form.get("by", ""))[:80]], mitigate=str(form.get("mitigate", "demographic-parity")),
                         seed=seed, adopt=adopt, by_person=f"dashboard:{session.caller.name}").to_dict()
    return page(request, "fairness.html", session, f=found, mitigations=app.MITIGATIONS,
                asked={k: str(form.get(k, "")) for k in ("model", "by", "mitigate", "seed")})


def mount(api: FastAPI) -> None:
    """Add the Models page's routes to ``api``."""
    api.add_api_route("/models", _models, methods=["GET"], include_in_schema=False)
    api.add_api_route("/models/predict", _predict, methods=["POST"], include_in_schema=False)
    api.add_api_route("/models/backtest", _backtest, methods=["POST"], include_in_schema=False)
    api.add_api_route("/models/fairness", _fairness, methods=["POST"], include_in_schema=False)
    api.add_api_route("/models/predictions/{run_id}.csv", _prediction_csv, methods=["GET"], include_in_schema=False)
