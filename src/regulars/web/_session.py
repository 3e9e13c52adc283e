"""Who is looking at the dashboard. ``regulars serve`` prints a sign-in address with a token
made for this server; anyone may also sign in with an API key. Either gives a session cookie
(HttpOnly, SameSite=Strict) and a token each form must carry, so another site cannot make the
browser approve anything."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field

from regulars.api import Caller

__all__ = ["COOKIE", "Session", "Sessions"]

COOKIE = "regulars_session"


@dataclass(frozen=True)
class Session:
    caller: Caller
    form_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))


class Sessions:
    """Sessions in memory (a restart signs everyone out), and this server's sign-in token."""

    def __init__(self) -> None:
        self.sign_in_token = secrets.token_urlsafe(24)
        self._open: dict[str, Session] = {}

    def start(self, caller: Caller) -> tuple[str, Session]:
        key = secrets.token_urlsafe(32)
        self._open[key] = Session(caller)
        return key, self._open[key]

    def get(self, key: str | None) -> Session | None:
        return self._open.get(key) if key else None

    def end(self, key: str | None) -> None:
        if key:
            self._open.pop(key, None)

    def token_matches(self, token: str) -> bool:
        return hmac.compare_digest(token.encode(), self.sign_in_token.encode())
