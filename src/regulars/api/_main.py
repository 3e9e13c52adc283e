"""The API app: middleware (body size), error answers, and the routers, for one workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from regulars.api._auth import Denied, KeyRing
from regulars.errors import (
    ClosedError,
    DeliveryError,
    InsufficientDataError,
    NotFoundError,
    RegularsError,
    SettingsError,
    SourceError,
    WorkspaceBusyError,
)

__all__ = ["create_app"]

#: The HTTP status of each error regulars raises on purpose (the first match wins).
STATUS = ((NotFoundError, 404), (ClosedError, 410), (SettingsError, 422), (SourceError, 422), (InsufficientDataError, 409),
          (WorkspaceBusyError, 503), (DeliveryError, 502), (RegularsError, 500))


def error(status: int, message: str) -> JSONResponse:
    """An error answer: the status and a message a person can act on."""
    return JSONResponse({"error": message, "status": status}, status_code=status)


class BodyLimit:
    """Refuse a body larger than ``limit`` bytes with 413: by its declared length, or for a
    streamed body as soon as it grows past the limit (it is read before the route runs)."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        too_big = error(413, f"the request body is larger than {self.limit / 1e6:g} MB; send the data in smaller "
                             "batches (or raise serve.max_body_mb)")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            return await too_big(scope, receive, send)
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                return await too_big(scope, receive, send)
            more = message.get("more_body", False)
        body, replayed = b"".join(chunks), False

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _field(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc if p != "body") or "body"


def create_app(workspace_path: str | Path, *, max_body_mb: float | None = None) -> FastAPI:
    """The API for the workspace at ``workspace_path`` (its keys read now)."""
    from regulars import app as use_cases
    from regulars._version import __version__
    from regulars.api import _business, _collect, _data, _read, _voice

    workspace = str(workspace_path)
    from fastapi_offline import FastAPIOffline

    # the API docs' scripts and styles are served from the package, not a CDN: /docs works offline
    api = FastAPIOffline(title="regulars", version=__version__, static_url="/docs-assets",
                  description="Customers, scores, segments, actions and results of one shop; data in by events and "
                              "records. Every route but /api/v1/health, /api/v1/snippet.js and /api/v1/collect (a site "
                              "key in the body) needs an API key (`Authorization: Bearer KEY`).",
                  docs_url="/docs", openapi_url="/openapi.json", redoc_url=None)
    api.state.workspace = workspace
    api.state.keys = KeyRing(workspace)

    @api.exception_handler(Denied)
    async def denied(_: Request, exc: Denied) -> JSONResponse:
        return error(exc.status, str(exc))

    @api.exception_handler(RegularsError)
    async def failed(_: Request, exc: RegularsError) -> JSONResponse:
        status = next(code for kind, code in STATUS if isinstance(exc, kind))
        return error(status, str(exc))

    @api.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        broken = next((e for e in errors if e.get("type") == "json_invalid"), None)
        if broken is not None:
            return error(422, f"the body is not valid JSON ({broken.get('ctx', {}).get('error', 'unreadable')})")
        problems = [f"{_field(tuple(e.get('loc', ())))}: {e.get('msg', 'is not valid')}" for e in errors[:10]]
        return error(422, "the request is not valid: " + "; ".join(problems))

    @api.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        words = {404: "no such address; the API's routes are listed at /docs",
                 405: "this address does not take that method; see /docs"}
        return error(exc.status_code, words.get(exc.status_code, str(exc.detail)))

    @api.exception_handler(Exception)
    async def crashed(_: Request, exc: Exception) -> JSONResponse:
        import logging

        logging.getLogger("regulars.api").exception("internal error")
        return error(500, "internal error: the server logged it; nothing was changed by this request's failure")

    api.include_router(_read.router, prefix="/api/v1")
    api.include_router(_data.router, prefix="/api/v1")
    api.include_router(_collect.router, prefix="/api/v1")
    api.include_router(_business.router, prefix="/api/v1")
    api.include_router(_voice.router, prefix="/api/v1")
    limit = max_body_mb if max_body_mb is not None else use_cases.serve_settings(workspace).max_body_mb
    api.add_middleware(BodyLimit, limit=int(limit * 1e6))
    return api
