"""The links every message carries: the person's preference page and a one-step unsubscribe
from the message's channel. A link names the person and what it is for, is signed with the
shop's secret and dated, so a made-up, altered or expired one is refused."""

from __future__ import annotations

import base64
import re
from datetime import date, datetime

from regulars._signing import signature, signed
from regulars.errors import ClosedError, NotFoundError

__all__ = ["LINK_PURPOSES", "read_person_link", "sign_person_link"]

#: What a link is for: the preference page, or unsubscribing from one channel.
LINK_PURPOSES = {"prefs": None, "unsub-email": "email", "unsub-sms": "sms"}
_TOKEN = re.compile(r"^(prefs|unsub-email|unsub-sms)\.([A-Za-z0-9_-]{1,400})\.(\d{8})\.([A-Za-z0-9_-]{22})$")


def _encoded(customer_id: str) -> str:
    return base64.urlsafe_b64encode(customer_id.encode()).decode().rstrip("=")


def sign_person_link(secret: str, purpose: str, customer_id: str, expires: date) -> str:
    """The token of a link for ``purpose`` naming ``customer_id``, good to the end of ``expires``."""
    if purpose not in LINK_PURPOSES:
        raise ValueError(f"no link purpose {purpose!r}")
    body = f"{purpose}.{_encoded(customer_id)}.{expires:%Y%m%d}"
    return f"{body}.{signature(secret, 'person:' + body)}"


def read_person_link(secret: str, token: str, today: date) -> tuple[str, str]:
    """(purpose, customer id) of a token: one not made with the secret is not found; one past
    its day is closed."""
    found = _TOKEN.match(token or "")
    if not found or not signed(secret, "person:" + token.rsplit(".", 1)[0], found.group(4)):
        raise NotFoundError("this link is not one we sent; check it was copied whole")
    if datetime.strptime(found.group(3), "%Y%m%d").date() < today:
        raise ClosedError("this link has expired; the newest message we sent you has a fresh one")
    encoded = found.group(2)
    return found.group(1), base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
