"""Who is asking: an API key in ``Authorization: Bearer`` (or ``X-API-Key``) names a role, and
each route needs a permission of that role (``regulars.store.ROLES``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from pydantic import BaseModel

__all__ = ["ERRORS", "Caller", "Denied", "ErrorBody", "KeyRing", "caller_of", "needs"]


class ErrorBody(BaseModel):
    """Every error's answer: what to change, and the HTTP status."""

    error: str
    status: int


#: The error answers every route may give, for the OpenAPI schema.
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": words} for code, words in (
        (401, "no API key, or an unknown or revoked one"), (403, "the key's role may not do this"),
        (404, "no such customer, segment, action or key"), (409, "not yet possible (no run yet, say)"),
        (413, "the body is larger than serve.max_body_mb"), (422, "the request or its data is not valid"),
        (503, "the workspace is busy"))}


class Denied(Exception):
    """401 (no or unknown key) or 403 (the role may not): answered as JSON."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Caller:
    name: str
    role: str


class KeyRing:
    """The keys in force, read at start and again after the API changes them (while the server
    runs it owns the workspace, so nothing else can)."""

    def __init__(self, workspace: str) -> None:
        self.workspace = workspace
        self.reload()

    def reload(self) -> None:
        from regulars import app

        self.keys = app.key_table(self.workspace)

    def match(self, key: str) -> Caller | None:
        from regulars.app import match_key

        found = match_key(self.keys, key)
        return Caller(*found) if found else None


def caller_of(request: Request) -> Caller:
    """The caller a request's key names, or ``Denied(401)``."""
    header = request.headers.get("authorization", "")
    key = header[7:].strip() if header.lower().startswith("bearer ") else request.headers.get("x-api-key", "")
    if not key:
        raise Denied(401, "send an API key as `Authorization: Bearer KEY` (create one with `regulars keys DIR create`)")
    found = request.app.state.keys.match(key)
    if found is None:
        raise Denied(401, "this API key is unknown or revoked; ask the owner for a key (`regulars keys DIR list`)")
    return found


def needs(permission: str) -> Any:
    """A dependency: the caller, when their role has ``permission``; else ``Denied(403)``."""
    from regulars.app import ROLES

    def check(request: Request) -> Caller:
        caller = caller_of(request)
        if permission not in ROLES[caller.role]:
            may = sorted(r for r, p in ROLES.items() if permission in p)
            raise Denied(403, f"the {caller.role} key {caller.name!r} may not {_WORDS[permission]}; "
                              f"that needs a key of role {' or '.join(may)}")
        return caller

    return check


_WORDS = {"read": "read", "data": "send data in", "analyse": "run models or change segments",
          "decide": "approve actions or change playbooks", "admin": "manage API keys",
          "collect": "send page views from the shop's pages"}
