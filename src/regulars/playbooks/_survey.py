"""Surveys a playbook sends: the questions (NPS, CSAT, CES and a win-back "why did you stop?"),
and the link each customer answers through, signed with the shop's secret so it cannot be made
up or altered, and dated so it expires. A link names its action (the outbox knows whose it is)
and its survey; that it is answered once is the store's to keep."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from regulars._signing import signature, signed
from regulars.errors import ClosedError, NotFoundError

__all__ = ["LINK_PLACEHOLDER", "SURVEYS", "Survey", "read_link", "sign_link"]


@dataclass(frozen=True)
class Survey:
    """One question, its scale (``low``-``high``; none for a written answer) and the feedback
    kind its answers are stored as."""

    question: str
    low: int | None
    high: int | None
    kind: str
    low_words: str = ""
    high_words: str = ""


SURVEYS = {
    "nps": Survey("How likely are you to recommend us to a friend or colleague?", 0, 10, "nps",
                  "not at all likely", "extremely likely"),
    "csat": Survey("How satisfied are you with the help you had from us?", 1, 5, "csat",
                   "very unsatisfied", "very satisfied"),
    "ces": Survey("How easy was it to get what you needed from us?", 1, 7, "ces", "very hard", "very easy"),
    "win-back": Survey("It has been a while since you last bought from us. What made you stop?", None, None, "survey"),
}
#: What a template's ``{{ survey_link }}`` shows until the action is queued and its link signed.
LINK_PLACEHOLDER = "[survey link]"
_TOKEN = re.compile(r"^([0-9a-f]{24})\.([a-z-]{2,12})\.(\d{8})\.([A-Za-z0-9_-]{22})$")


def sign_link(secret: str, action_id: str, survey: str, expires: date) -> str:
    """The token of ``action_id``'s ``survey`` link, good to the end of ``expires``."""
    body = f"{action_id}.{survey}.{expires:%Y%m%d}"
    return f"{body}.{signature(secret, body)}"


def read_link(secret: str, token: str, today: date) -> tuple[str, str]:
    """(action id, survey) of a link's token: one not made with the secret (made up, altered,
    cut short) is not found; one past its day is closed."""
    found = _TOKEN.match(token or "")
    if not found or found.group(2) not in SURVEYS or not signed(secret, token.rsplit(".", 1)[0], found.group(4)):
        raise NotFoundError("this survey link is not one we sent; check it was copied whole")
    if datetime.strptime(found.group(3), "%Y%m%d").date() < today:
        raise ClosedError("this survey has closed; thank you all the same")
    return found.group(1), found.group(2)
