"""The voice of the customer by the API: every text with how it reads and what it is about, and
what customers said per period and theme."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request

from regulars import app as _app
from regulars.api._auth import ERRORS, Caller, needs
from regulars.api._responses import model_of

__all__ = ["router"]

router = APIRouter(responses=ERRORS, tags=["voice"])
Reader = Annotated[Caller, Depends(needs("read"))]


@router.get("/texts", response_model=model_of(_app.TextsResult),
            summary="Tickets', reviews' and answers' texts, newest first, with sentiment (label, -1 to 1, engine) "
                    "and theme")
def texts(request: Request, _: Reader, table: Literal["tickets", "feedback"] | None = None,
          customer: Annotated[str | None, Query(max_length=200)] = None,
          limit: Annotated[int, Query(ge=1, le=10_000)] = 100) -> dict[str, Any]:
    return _app.texts(request.app.state.workspace, source=table, customer=customer, limit=limit).to_dict()


@router.get("/voice", response_model=model_of(_app.VoiceResult),
            summary="What customers said: sentiment per period beside NPS, CSAT, CES and tickets; themes")
def voice(request: Request, _: Reader, by: Literal["week", "month"] = "month") -> dict[str, Any]:
    return _app.voice(request.app.state.workspace, by=by).to_dict()


@router.get("/service", response_model=model_of(_app.ServiceResult),
            summary="How fast the shop answers: first reply and resolution times in calendar and business hours, "
                    "SLAs met per priority, channel, issue type and period, backlog, tickets waiting for a first reply, "
                    "tickets to expect per day")
def service(request: Request, _: Reader, by: Literal["week", "month"] = "month") -> dict[str, Any]:
    return _app.service(request.app.state.workspace, by=by).to_dict()
