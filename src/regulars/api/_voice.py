"""The voice of the customer by the API: every text with how it reads and what it is about,
what customers said per period and theme, how fast the shop answers, and surveys: their results,
and a customer's answer through the signed link."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

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


class SurveyAnswer(BaseModel):
    """A customer's answer: a score on the survey's scale (none for a written-answer survey) and
    any words."""

    model_config = ConfigDict(extra="forbid")
    score: float | None = None
    comment: Annotated[str | None, Field(max_length=5000)] = None


@router.get("/surveys", response_model=model_of(_app.SurveysResult),
            summary="Each survey the playbooks sent: links sent, answers, response rate and score")
def surveys(request: Request, _: Reader) -> dict[str, Any]:
    return _app.surveys(request.app.state.workspace).to_dict()


@router.get("/surveys/{token}", response_model=model_of(_app.SurveyQuestion),
            summary="The question a survey link asks (no key: the signed link is the credential; 404 made up, "
                    "410 answered or expired)")
def survey_question(request: Request, token: Annotated[str, Path(max_length=200)]) -> dict[str, Any]:
    return _app.survey_question(request.app.state.workspace, token).to_dict()


@router.post("/surveys/{token}", response_model=model_of(_app.SurveyAnswerResult), status_code=201,
             summary="Answer a survey once (no key: the signed link is the credential; 404 made up, 410 answered "
                     "or expired, 422 a score off the scale)")
def answer_survey(request: Request, token: Annotated[str, Path(max_length=200)], answer: SurveyAnswer
                  ) -> dict[str, Any]:
    return _app.answer_survey(request.app.state.workspace, token, answer.score, answer.comment).to_dict()


class Question(BaseModel):
    """A customer's question for the FAQ assistant, and who asks (their customer id, when known)."""

    model_config = ConfigDict(extra="forbid")
    question: Annotated[str, Field(min_length=1, max_length=2000)]
    customer_id: Annotated[str | None, Field(max_length=200)] = None


@router.post("/faq/ask", response_model=model_of(_app.FaqAnswer),
             summary="Answer a customer's question from the shop's FAQ, with how sure; unsure or angry ones go to a "
                     "person as a task (a site key may ask, for a help widget)")
def faq_ask(request: Request, _: Annotated[Caller, Depends(needs("collect"))], asked: Question) -> dict[str, Any]:
    return _app.ask(request.app.state.workspace, asked.question, customer_id=asked.customer_id).to_dict()


@router.get("/faq", response_model=model_of(_app.FaqResult),
            summary="How the FAQ assistant served: questions answered, handed over, resolved without a ticket")
def faq(request: Request, _: Reader) -> dict[str, Any]:
    return _app.faq(request.app.state.workspace).to_dict()


@router.get("/engagement-quality", response_model=model_of(_app.QualityResult),
            summary="The engagement-quality scorecard (relevance, timeliness, personalisation, helpfulness, "
                    "consistency, each with its formula) and Return on Engagement, beside revenue-based ROI")
def engagement_quality(request: Request, _: Reader, days: Annotated[int, Query(ge=7, le=730)] = 90) -> dict[str, Any]:
    return _app.engagement_quality(request.app.state.workspace, days=days).to_dict()
