"""The business at a glance by the API: the Business page's content, forecasts, alerts, and the
owner's targets (set and cleared with an owner's key)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from regulars import app as _app
from regulars.api._auth import ERRORS, Caller, needs
from regulars.api._responses import model_of

__all__ = ["router"]

router = APIRouter(responses=ERRORS, tags=["business"])
Reader = Annotated[Caller, Depends(needs("read"))]
Decider = Annotated[Caller, Depends(needs("decide"))]
_TARGETS = model_of(_app.TargetsResult)


def _workspace(request: Request) -> str:
    return request.app.state.workspace


@router.get("/business", response_model=model_of(_app.BusinessResult),
            summary="The latest run's KPIs by month, cohorts, funnel and forecasts; alerts; targets")
def business(request: Request, _: Reader) -> dict[str, Any]:
    return _app.business(_workspace(request)).to_dict()


@router.get("/messages", response_model=model_of(_app.MessagesResult),
            summary="Per playbook and campaign: delivered, open, click, unsubscribe and complaint rates")
def messages(request: Request, _: Reader, days: Annotated[int, Query(ge=1, le=90)] = 7) -> dict[str, Any]:
    return _app.messages(_workspace(request), days=days).to_dict()


@router.get("/journeys", response_model=model_of(_app.JourneysResult),
            summary="Top paths before a first purchase and before churn; lifecycle stages and their flows")
def journeys(request: Request, _: Reader) -> dict[str, Any]:
    return _app.journeys(_workspace(request)).to_dict()


@router.get("/forecast/{measure}", response_model=model_of(_app.ForecastResult),
            summary="Orders, revenue, tickets or a product's demand ahead, with 80% and 95% intervals")
def forecast(request: Request, measure: Literal["orders", "revenue", "tickets", "web_visits", "new_customers", "demand"], _: Reader,
             by: Annotated[Literal["day", "week"], Query()] = "day",
             horizon: Annotated[int, Query(ge=1, le=90)] = 14, cutoff: date | None = None,
             product: Annotated[str | None, Query(max_length=200)] = None) -> dict[str, Any]:
    return _app.forecast(_workspace(request), measure, by=by, horizon=horizon, cutoff=cutoff,
                         product=product).to_dict()


@router.get("/alerts", response_model=model_of(_app.AlertsResult),
            summary="Days a measure moved beyond its expected range, latest first")
def alerts(request: Request, _: Reader, since: date | None = None) -> dict[str, Any]:
    return _app.alerts(_workspace(request), since=since).to_dict()


@router.get("/targets", response_model=_TARGETS, summary="The targets, with progress and whether each is on track")
def targets(request: Request, _: Reader) -> dict[str, Any]:
    return _app.targets(_workspace(request)).to_dict()


class Target(BaseModel):
    """A KPI's value to reach in the month holding ``by`` (a share as 0-1: 0.35 is 35%)."""

    model_config = {"extra": "forbid"}
    value: float = Field(allow_inf_nan=False)
    by: date


@router.put("/targets/{measure}", response_model=_TARGETS, summary="Set a KPI's target (owner keys)")
def set_target(request: Request, measure: str, target: Target, caller: Decider) -> dict[str, Any]:
    return _app.set_target(_workspace(request), measure, target.value, by=target.by,
                           actor=f"api:{caller.name}").to_dict()


@router.delete("/targets/{measure}", response_model=_TARGETS, summary="Clear a KPI's target (owner keys)")
def clear_target(request: Request, measure: str, caller: Decider) -> dict[str, Any]:
    return _app.set_target(_workspace(request), measure, None, actor=f"api:{caller.name}").to_dict()
