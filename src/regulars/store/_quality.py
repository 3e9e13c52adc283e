"""What the engagement-quality scorecard reads: the messages sent in a window (not holdouts), by
person, with the template and timing a playbook gave them and whether a click or an order
followed; the CSAT answers of the window."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from regulars.store._store import Store

__all__ = ["csat_scores", "latest_message_time", "quality_messages"]


def latest_message_time(store: Store) -> datetime | None:
    """When the latest message (not a holdout) went."""
    return store.con.execute("SELECT max(sent_at) FROM messages WHERE coalesce(variant, '') <> 'holdout'").fetchone()[0]


def quality_messages(store: Store, since: datetime, until: datetime, days: int) -> pd.DataFrame:
    """Each email and text sent from ``since`` to before ``until``: person, channel, what sent it
    (playbook, else campaign), when, the playbook's template and timing (none for a campaign), and
    whether the person clicked (any message) or ordered within ``days`` after."""
    return store.frame(
        "WITH m AS (SELECT s.message_id, cm.resolved_id AS person, lower(s.channel) AS channel, "
        "coalesce(s.playbook, s.campaign_id, 'other') AS sender, s.sent_at, o.template, o.timing "
        "FROM messages s JOIN customer_map cm USING (customer_id) LEFT JOIN outbox o ON o.action_id = s.message_id "
        "WHERE coalesce(s.variant, '') <> 'holdout' AND lower(s.channel) IN ('email', 'sms') "
        "AND s.sent_at >= ? AND s.sent_at < ?), "
        "clicks AS (SELECT em.resolved_id AS person, e.occurred_at AS at FROM events e "
        "JOIN customer_map em USING (customer_id) WHERE e.event_type IN ('email_click', 'sms_click')), "
        "buys AS (SELECT pm.resolved_id AS person, p.ordered_at AS at FROM purchases p "
        "JOIN customer_map pm USING (customer_id)) "
        "SELECT m.*, EXISTS (SELECT 1 FROM clicks c WHERE c.person = m.person AND c.at >= m.sent_at "
        f"AND c.at < m.sent_at + INTERVAL {int(days)} DAY) AS clicked, "
        "EXISTS (SELECT 1 FROM buys b WHERE b.person = m.person AND b.at >= m.sent_at "
        f"AND b.at < m.sent_at + INTERVAL {int(days)} DAY) AS ordered FROM m", [since, until])


def csat_scores(store: Store, since: datetime, until: datetime) -> list[float]:
    """The CSAT answers (1-5) given from ``since`` to before ``until``: survey answers, and the
    ratings tickets carry (dated when the ticket was opened)."""
    return [float(r[0]) for r in store.con.execute(
        "SELECT score FROM feedback WHERE kind = 'csat' AND score BETWEEN 1 AND 5 AND submitted_at >= $1 "
        "AND submitted_at < $2 UNION ALL SELECT csat FROM tickets WHERE csat BETWEEN 1 AND 5 "
        "AND opened_at >= $1 AND opened_at < $2", [since, until]).fetchall()]
