"""The FAQ assistant's questions in the store: each kept with its answer, confidence and outcome
(answered, or handed over to a person with a task), and what became of them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from regulars.store._store import Store

__all__ = ["faq_outcomes", "keep_question"]


def keep_question(store: Store, row: dict[str, Any], task: pd.DataFrame | None) -> None:
    """Keep a question (and, when it is handed over, queue the person's task) in one transaction."""
    from regulars.store._outbox import queue_actions

    def write(con: Any, _: dict[str, int]) -> None:
        con.execute("INSERT INTO faq_questions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [row[k] for k in ("question_id", "asked_at", "customer_id", "question", "entry", "confidence",
                                      "sentiment", "outcome", "channel")])

    import pandas as pd

    queue_actions(store, task if task is not None else pd.DataFrame(), pd.DataFrame(), actor="faq", then=write)


def faq_outcomes(store: Store, since: datetime | None, ticket_days: int) -> dict[str, Any]:
    """Questions asked (since ``since``): answered, handed over; of the answered from a known
    customer, how many were followed by no ticket within ``ticket_days`` (resolved without one);
    and the questions handed over most recently (to write into the FAQ)."""
    where, params = ("WHERE f.asked_at >= ?", [since]) if since else ("", [])
    counts = store.rows(
        f"WITH q AS (SELECT f.*, coalesce(m.resolved_id, f.customer_id) AS person FROM faq_questions f "
        f"LEFT JOIN customer_map m USING (customer_id) {where}), "
        "tk AS (SELECT m.resolved_id AS person, t.opened_at FROM tickets t JOIN customer_map m USING (customer_id)) "
        "SELECT count(*) AS asked, count(*) FILTER (WHERE outcome = 'answered') AS answered, "
        "count(*) FILTER (WHERE outcome = 'handed over') AS handed_over, "
        "count(*) FILTER (WHERE outcome = 'answered' AND person IS NOT NULL) AS answered_known, "
        "count(*) FILTER (WHERE outcome = 'answered' AND person IS NOT NULL AND NOT EXISTS (SELECT 1 FROM tk "
        "WHERE tk.person = q.person AND tk.opened_at >= q.asked_at "
        f"AND tk.opened_at < q.asked_at + INTERVAL {int(ticket_days)} DAY)) AS resolved FROM q", params)[0]
    handed = store.rows(f"SELECT asked_at, question, confidence FROM faq_questions f {where}"
                        f"{' AND' if where else ' WHERE'} outcome = 'handed over' ORDER BY asked_at DESC LIMIT 10",
                        params)
    return {**counts, "handed_over_questions": handed}
