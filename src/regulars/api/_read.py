"""What the API gives out: the shop's status, customers with their scores, segments,
recommendations, today's actions, the plan, approvals, the outbox and results."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from regulars import app as _app
from regulars._json import jsonable
from regulars.api._auth import ERRORS, Caller, needs
from regulars.api._responses import CustomerScoresResponse, HealthResponse, model_of
from regulars.app import SCORE_SORTS

#: What customers may be sorted by (the scorers' own sorts, from the registry).
ScoreSort = Literal[tuple(SCORE_SORTS)]  # type: ignore[valid-type]

__all__ = ["router"]

router = APIRouter(responses=ERRORS)
Reader = Annotated[Caller, Depends(needs("read"))]
Decider = Annotated[Caller, Depends(needs("decide"))]
CustomerId = Annotated[str, Query(min_length=1, max_length=200)]


#: Answers several routes share.
_SCORES = model_of(_app.ScoresResult, drop=("top", "customers"), customers=int, rows=list[dict[str, Any]])
_PLAN = model_of(_app.PlanResult, actions_total=int)
_OUTBOX = model_of(_app.OutboxResult)


def _workspace(request: Request) -> str:
    return request.app.state.workspace


@router.get("/health", tags=["status"], summary="The server is up (no key needed)", response_model=HealthResponse)
def health() -> dict[str, Any]:
    from regulars._version import __version__

    return {"ok": True, "version": __version__}


@router.get("/status", tags=["status"], summary="Tables, batches, quarantine, sales and data-quality warnings", response_model=model_of(_app.StatusResult))
def status(request: Request, _: Reader) -> dict[str, Any]:
    from regulars import app

    return app.status(_workspace(request)).to_dict()


@router.get("/overview", tags=["status"], response_model=model_of(_app.OverviewResult),
            summary="KPIs with trends: monthly sales, active and repeat customers, churn risk, lifetime value, "
                    "valuable customers at risk, hot leads, data freshness")
def overview(request: Request, _: Reader) -> dict[str, Any]:
    from regulars import app

    return app.overview(_workspace(request)).to_dict()


@router.get("/customers", tags=["customers"], summary="Every customer's latest scores, sorted", response_model=_SCORES)
def customers(request: Request, _: Reader,
              sort: ScoreSort = "clv",
              top: Annotated[int, Query(ge=1, le=10_000)] = 50) -> dict[str, Any]:
    from regulars import app

    return app.scores(_workspace(request), sort=sort, top=top, only_top=True).to_dict()


@router.get("/customers/{customer_id}", tags=["customers"], response_model=model_of(_app.CustomerResult),
            summary="One customer: records, orders and every prediction with its horizon and reasons")
def customer(request: Request, customer_id: str, _: Reader) -> dict[str, Any]:
    from regulars import app

    return app.customer(_workspace(request), customer_id).to_dict()


@router.get("/customers/{customer_id}/scores", tags=["customers"], response_model=CustomerScoresResponse,
            summary="One customer's latest scores with their horizons (quick: no profile or timeline)")
def customer_scores(request: Request, customer_id: str, _: Reader) -> dict[str, Any]:
    from regulars import app

    return jsonable(app.customer_scores(_workspace(request), customer_id))


@router.get("/customers/{customer_id}/segments", tags=["customers"], summary="The segments a customer is in, and why", response_model=model_of(_app.CustomerSegmentsResult))
def customer_segments(request: Request, customer_id: str, _: Reader) -> dict[str, Any]:
    from regulars import app

    return app.segment_customer(_workspace(request), customer_id).to_dict()


@router.get("/customers/{customer_id}/recommendations", tags=["customers"],
            response_model=model_of(_app.RecommendResult),
            summary="A customer's next products, cross-sell and replenishment, with reasons")
def recommendations(request: Request, customer_id: str, _: Reader,
                    top: Annotated[int, Query(ge=1, le=100, description="Products to list")] = 5) -> dict[str, Any]:
    from regulars import app

    return app.recommend(_workspace(request), customer_id, top=top).to_dict()


@router.get("/segments", tags=["segments"], summary="Every segment with its size and change since the last run", response_model=model_of(_app.SegmentsResult))
def segments(request: Request, _: Reader) -> dict[str, Any]:
    from regulars import app

    return app.segments(_workspace(request)).to_dict()


@router.get("/segments/{name}", tags=["segments"], summary="A segment's members", response_model=model_of(_app.SegmentResult, members=list[dict[str, Any]]))
def segment(request: Request, name: str, _: Reader,
            top: Annotated[int, Query(ge=1, le=10_000)] = 50) -> dict[str, Any]:
    from regulars import app

    return app.segment(_workspace(request), name, top=top).to_dict()


Limit = Annotated[int, Query(ge=1, le=10_000, description="Actions to list (their count is given in full).")]


def _first(found: dict[str, Any], limit: int) -> dict[str, Any]:
    """A plan with its first ``limit`` actions (and how many there are)."""
    actions = found.get("actions") or []
    return found | {"actions": actions[:limit], "actions_total": len(actions)}


@router.get("/today", tags=["actions"], summary="Today's actions, most valuable first", response_model=_PLAN)
def today(request: Request, _: Reader, limit: Limit = 100) -> dict[str, Any]:
    from regulars import app

    return _first(app.today(_workspace(request)).to_dict(), limit)


@router.get("/playbooks", tags=["actions"], summary="The playbooks, switched on or off, with their triggers", response_model=model_of(_app.PlaybooksResult))
def playbooks(request: Request, _: Reader) -> dict[str, Any]:
    from regulars import app

    return app.playbooks(_workspace(request)).to_dict()


@router.get("/playbooks/plan", tags=["actions"], summary="What the playbooks would queue now, and what held back", response_model=_PLAN)
def plan(request: Request, _: Reader, limit: Limit = 100) -> dict[str, Any]:
    from regulars import app

    return _first(app.plan_playbooks(_workspace(request)).to_dict(), limit)


@router.get("/approvals", tags=["actions"], summary="Actions waiting for a person's approval", response_model=_OUTBOX)
def approvals(request: Request, _: Reader) -> dict[str, Any]:
    from regulars import app

    return app.approvals(_workspace(request)).to_dict()


class Decision(BaseModel):
    """Approve or reject actions waiting for approval (``["all"]``: every one), or edit one."""

    model_config = {"extra": "forbid"}
    ids: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(min_length=1, max_length=10_000)
    decision: Literal["approve", "reject", "edit"]
    why: str | None = Field(default=None, max_length=2_000)
    subject: str | None = Field(default=None, max_length=500)
    body: str | None = Field(default=None, max_length=50_000)


@router.post("/approvals", tags=["actions"], summary="Approve, reject or edit actions (owner keys)", response_model=model_of(_app.DecisionResult))
def decide(request: Request, decision: Decision, caller: Decider) -> dict[str, Any]:
    from regulars import app

    return app.decide(_workspace(request), decision.ids, decision.decision, by=f"api:{caller.name}",
                      subject=decision.subject, body=decision.body, why=decision.why).to_dict()


@router.get("/outbox", tags=["actions"], summary="Actions per playbook and status; those waiting or stuck", response_model=_OUTBOX)
def outbox(request: Request, _: Reader) -> dict[str, Any]:
    from regulars import app

    return app.outbox(_workspace(request)).to_dict()


@router.get("/results", tags=["actions"], response_model=model_of(_app.PlaybookResultsResult),
            summary="Each playbook against its holdout: effects with confidence intervals, and ROI")
def results(request: Request, _: Reader) -> dict[str, Any]:
    from regulars import app

    return app.playbook_results(_workspace(request)).to_dict()


Grain = Annotated[Literal["day", "week", "month", "quarter"], Query(description="The period each value covers.")]
Periods = Annotated[int, Query(ge=1, le=1_000, description="Periods up to the latest sale.")]
Segment = Annotated[str | None, Query(min_length=1, max_length=200,
                                      description="Only this segment's members (as of the latest run).")]
Slice = Annotated[str | None, Query(min_length=1, max_length=200,
                                    description="Only this channel's sales, or this source's or country's customers.")]


@router.get("/metrics", tags=["business"], response_model=model_of(_app.MetricsResult),
            summary="Every KPI per period, each with its formula in words")
def metrics(request: Request, _: Reader, by: Grain = "month", periods: Periods = 12, segment: Segment = None,
            channel: Slice = None, source: Slice = None, country: Slice = None) -> dict[str, Any]:
    from regulars import app

    return app.metrics(_workspace(request), by=by, periods=periods, segment=segment, channel=channel, source=source,
                       country=country).to_dict()


@router.get("/metrics/{name}", tags=["business"], response_model=model_of(_app.MetricsResult),
            summary="One KPI per period, with its interval where it is a share of customers")
def metric(request: Request, name: str, _: Reader, by: Grain = "month", periods: Periods = 12, segment: Segment = None,
           channel: Slice = None, source: Slice = None, country: Slice = None) -> dict[str, Any]:
    from regulars import app

    return app.metrics(_workspace(request), name, by=by, periods=periods, segment=segment, channel=channel,
                       source=source, country=country).to_dict()


@router.get("/cohorts", tags=["business"], response_model=model_of(_app.CohortsResult),
            summary="Who came back: retention (N-period and on-or-after) by first-purchase period or source")
def cohorts(request: Request, _: Reader, by: Grain = "month", source: bool = False,
            last: Annotated[int, Query(ge=1, le=1_000)] = 12) -> dict[str, Any]:
    from regulars import app

    return app.cohorts(_workspace(request), by=by, source=source, last=last).to_dict()


@router.get("/funnel", tags=["business"], response_model=model_of(_app.FunnelResult),
            summary="Visit to repeat purchase: customers at each stage within a window of their first visit")
def funnel(request: Request, _: Reader, days: Annotated[int, Query(ge=1, le=3_650)] = 90,
           window: Annotated[float, Query(gt=0, le=365)] = 14, strict: bool = False) -> dict[str, Any]:
    from regulars import app

    return app.funnel(_workspace(request), days=days, window=window, strict=strict).to_dict()
