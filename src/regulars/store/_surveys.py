"""Surveys in the store: the shop's signing secret (made once, kept in ``store_meta``), the
action a link names, each link answered once, and what was sent and answered per survey."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING, Any

from regulars.errors import ClosedError, NotFoundError

if TYPE_CHECKING:
    from regulars.store._store import Store

__all__ = ["claim_answer", "release_answer", "survey_action", "survey_counts", "survey_secret"]


def survey_secret(store: Store) -> str:
    """The shop's secret survey links are signed with, made on first need (a writable store)."""
    found = store.con.execute("SELECT value FROM store_meta WHERE key = 'survey_secret'").fetchone()
    if found:
        return found[0]
    secret = secrets.token_urlsafe(32)
    store.con.execute("INSERT INTO store_meta VALUES ('survey_secret', ?)", [secret])
    return secret


def survey_action(store: Store, action_id: str) -> dict[str, Any]:
    """The sent action a link names: its customer, survey, when it went and whether it was answered."""
    found = store.rows("SELECT o.customer_id, o.survey, o.status, o.sent_at, a.action_id IS NOT NULL AS answered "
                       "FROM outbox o LEFT JOIN survey_answers a USING (action_id) WHERE o.action_id = ?", [action_id])
    if not found or found[0]["status"] != "sent":
        raise NotFoundError("this survey link is not one we sent; check it was copied whole")
    return found[0]


def claim_answer(store: Store, action_id: str, survey: str, customer_id: str, at: datetime,
                 score: float | None) -> None:
    """Mark a link answered, with its score (the key makes it once, even when two answers race)."""
    try:
        store.con.execute("INSERT INTO survey_answers VALUES (?, ?, ?, ?, ?)",
                          [action_id, survey, customer_id, at, score])
    except Exception as exc:  # duckdb's ConstraintException: answered already
        if "constraint" not in str(exc).lower():
            raise
        raise ClosedError("this survey was answered already; thank you") from None


def release_answer(store: Store, action_id: str) -> None:
    """Undo a claim whose answer could not be stored, so the customer may try again."""
    store.con.execute("DELETE FROM survey_answers WHERE action_id = ?", [action_id])


def survey_counts(store: Store) -> list[dict[str, Any]]:
    """Per survey: links sent, answered, the answers' scores (a list) and the last sending."""
    return store.rows(
        "SELECT o.survey, count(*) AS sent, count(a.action_id) AS answered, list(a.score) FILTER "
        "(WHERE a.score IS NOT NULL) AS scores, max(o.sent_at) AS last_sent FROM outbox o "
        "LEFT JOIN survey_answers a USING (action_id) WHERE o.survey IS NOT NULL AND o.status = 'sent' "
        "GROUP BY 1 ORDER BY 1")
