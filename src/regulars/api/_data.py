"""Data in (events, records, Segment-style messages), the API keys, and a person's data on request."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from regulars import app as _app
from regulars.api._auth import ERRORS, Caller, needs
from regulars.api._responses import model_of
from regulars.app import TABLES

__all__ = ["router"]

router = APIRouter(responses=ERRORS)
Writer = Annotated[Caller, Depends(needs("data"))]
Admin = Annotated[Caller, Depends(needs("admin"))]
Tables = Literal[tuple(TABLES)]  # type: ignore[valid-type]
Value = str | int | float | bool | None
Row = dict[Annotated[str, Field(min_length=1, max_length=200)], Value]
#: What sent data became (its batches), and the keys.
_RECORDED = model_of(_app.RecordResult)
_KEYS = model_of(_app.KeysResult)


class Event(BaseModel):
    """One event in regulars' words; ``id`` (the sender's) makes a resend a no-op."""

    customer_id: str = Field(min_length=1, max_length=200)
    event_type: str = Field(min_length=1, max_length=100, examples=["product_view"])
    occurred_at: str = Field(min_length=1, max_length=40, examples=["2026-11-29T10:15:00Z"])
    id: str | None = Field(default=None, min_length=1, max_length=200)
    channel: str | None = Field(default=None, max_length=200)
    campaign_id: str | None = Field(default=None, max_length=200)
    url: str | None = Field(default=None, max_length=2_000)
    product_id: str | None = Field(default=None, max_length=200)
    properties: dict[str, Value] = Field(default_factory=dict, max_length=100)


class Events(BaseModel):
    events: list[Event] = Field(min_length=1, max_length=100_000)


class Records(BaseModel):
    """Rows for a table, named as its canonical columns (other columns are kept as attributes)."""

    rows: list[Row] = Field(min_length=1, max_length=100_000)
    mode: Literal["insert", "upsert"] = "insert"


def _events(events: list[Event]) -> list[dict[str, Any]]:
    rows = []
    for e in events:
        row = e.model_dump(exclude={"id", "properties"}, exclude_none=True) | {"event_id": e.id}
        row |= {f"properties.{k}": v for k, v in e.properties.items()}
        rows.append(row)
    return rows


@router.post("/events", tags=["data in"], summary="Events, one or many (idempotent by each event's id)", response_model=_RECORDED)
def events(request: Request, body: Events | Event, _: Writer) -> dict[str, Any]:
    from regulars import app

    sent = body.events if isinstance(body, Events) else [body]
    return app.record(request.app.state.workspace, "events", _events(sent)).to_dict()


@router.post("/records/{table}", tags=["data in"], response_model=_RECORDED,
             summary="Rows for one table as a batch (orders, customers, tickets, ...); upsert replaces changed rows")
def records(request: Request, table: Tables, body: Records, _: Writer) -> dict[str, Any]:
    from regulars import app

    return app.record(request.app.state.workspace, table, body.rows, mode=body.mode).to_dict()


@router.post("/batch", tags=["data in"], summary="Segment-style messages: {\"batch\": [track, page, identify ...]}", response_model=_RECORDED)
def batch(request: Request, _: Writer,
          body: Annotated[dict[str, list[dict[str, Any]]], Body(examples=[{"batch": [
              {"type": "track", "userId": "c1", "event": "Product Viewed", "messageId": "m1",
               "timestamp": "2026-11-29T10:15:00Z", "properties": {"product_id": "sku-1"}}]}])]) -> dict[str, Any]:
    from regulars import app
    from regulars.errors import SettingsError

    if set(body) != {"batch"}:
        raise SettingsError("send {\"batch\": [messages]}")
    return app.record_messages(request.app.state.workspace, body["batch"]).to_dict()


@router.post("/track", tags=["data in"], summary="One Segment-style track message", response_model=_RECORDED)
def track(request: Request, _: Writer, body: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    from regulars import app

    return app.record_messages(request.app.state.workspace, [{"type": "track"} | body]).to_dict()


@router.post("/identify", tags=["data in"], summary="One Segment-style identify message (a customer's traits)", response_model=_RECORDED)
def identify(request: Request, _: Writer, body: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    from regulars import app

    return app.record_messages(request.app.state.workspace, [{"type": "identify"} | body]).to_dict()


class NewKey(BaseModel):
    model_config = {"extra": "forbid"}
    name: str = Field(min_length=1, max_length=100)
    role: Literal["owner", "analyst", "integrator", "read-only", "site"]


@router.get("/keys", tags=["keys"], summary="The API keys (never their secrets) and what each role may do", response_model=_KEYS)
def keys(request: Request, _: Admin) -> dict[str, Any]:
    from regulars import app

    return app.keys(request.app.state.workspace).to_dict()


@router.post("/keys", tags=["keys"], status_code=201, summary="A new key; its secret is shown this once", response_model=model_of(_app.KeyResult))
def create_key(request: Request, body: NewKey, caller: Admin) -> dict[str, Any]:
    from regulars import app

    made = app.create_key(request.app.state.workspace, body.name, body.role, by=f"api:{caller.name}")
    request.app.state.keys.reload()
    return made.to_dict()


@router.delete("/keys/{key_id}", tags=["keys"], summary="Revoke a key at once", response_model=_KEYS)
def revoke_key(request: Request, key_id: str, caller: Admin) -> dict[str, Any]:
    from regulars import app

    done = app.revoke_key(request.app.state.workspace, key_id, by=f"api:{caller.name}")
    request.app.state.keys.reload()
    return done.to_dict()


_ACCESS = model_of(_app.AccessResult, drop=("json_file", "html_file", "html"))


@router.get("/privacy/customers/{who}", tags=["privacy"], response_model=_ACCESS,
            summary="Everything held about one person (an access request), from every place of the data catalogue")
def customer_data(request: Request, who: Annotated[str, Path(min_length=1, max_length=320)], _: Admin
                  ) -> dict[str, Any]:
    from regulars import app

    found = app.customer_data(request.app.state.workspace, who).to_dict()
    return {k: found[k] for k in ("customer_id", "document")}


_CONSENT = model_of(_app.ConsentResult)
Reader = Annotated[Caller, Depends(needs("read"))]
Who = Annotated[str, Path(min_length=1, max_length=320)]


class Choices(BaseModel):
    """A person's answers, topic by topic (a topic left out is not changed)."""

    model_config = {"extra": "forbid"}
    email: bool | None = None
    sms: bool | None = None
    profiling: bool | None = None
    surveys: bool | None = None
    detail: str | None = Field(default=None, max_length=500, description="Where the answer came from")


@router.get("/consent/{who}", tags=["consent"], response_model=_CONSENT,
            summary="What a person agrees to now, with the history of every change")
def consent(request: Request, who: Who, _: Reader) -> dict[str, Any]:
    from regulars import app

    return app.consent(request.app.state.workspace, who).to_dict()


@router.post("/consent/{who}", tags=["consent"], response_model=_CONSENT,
             summary="Record a person's answers (from your shop or CRM): each becomes a dated entry, source api")
def record_consent(request: Request, who: Who, body: Choices, _: Writer) -> dict[str, Any]:
    from regulars import app

    choices = body.model_dump(exclude={"detail"}, exclude_none=True)
    return app.set_consent(request.app.state.workspace, who, choices, source="api", detail=body.detail).to_dict()


Analyst = Annotated[Caller, Depends(needs("analyse"))]


@router.get("/models/{model}/fairness", tags=["models"], response_model=model_of(_app.FairnessResult),
            summary="Whether a model picks groups alike (per group and fairlearn's measures), and what group "
                    "thresholds would do; retrains its check, so it takes seconds")
def fairness(request: Request, model: Annotated[str, Path(max_length=40)], _: Analyst,
             by: Annotated[list[str] | None, Query(max_length=10)] = None,
             threshold: Annotated[float | None, Query(gt=0, lt=1)] = None,
             mitigate: Annotated[Literal["demographic-parity", "equalised-odds"] | None, Query()] = None,
             seed: Annotated[int, Query(ge=0, le=2**31)] = 0) -> dict[str, Any]:
    from regulars import app

    return app.fairness(request.app.state.workspace, model=model, by=[b[:80] for b in by or []], threshold=threshold,
                        mitigate=mitigate, seed=seed).to_dict()


@router.post("/privacy/disclosure", tags=["privacy"], response_model=model_of(_app.DisclosureResult),
             summary="Write the privacy notice to publish (disclosure.txt and .html in the workspace) and return it")
def disclosure(request: Request, _: Admin) -> dict[str, Any]:
    from regulars import app

    return app.disclosure(request.app.state.workspace).to_dict()
