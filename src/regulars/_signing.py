"""The signature on links a customer follows without signing in (a survey, their preferences, an
unsubscribe): a keyed hash of what the link says, so it cannot be made up or altered."""

from __future__ import annotations

import base64
import hashlib
import hmac

__all__ = ["signature", "signed"]


def signature(secret: str, body: str) -> str:
    """22 URL-safe characters: the first 128 bits of HMAC-SHA256 of ``body``."""
    digest = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def signed(secret: str, body: str, given: str) -> bool:
    """Whether ``given`` is ``body``'s signature (compared in constant time)."""
    return hmac.compare_digest(given, signature(secret, body))
