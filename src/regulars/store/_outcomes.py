"""What happened after each playbook reached (or held out) a customer: orders, visits and
unsubscribes within the attribution window after the first message or holdout record."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from regulars.store._store import Store

__all__ = ["playbook_outcomes"]


def playbook_outcomes(store: Store, days: int) -> tuple[pd.DataFrame, Any]:
    """One row per (playbook, customer, variant): first_at (the first message or holdout record;
    for the outbox's actions, the time they were planned, which treated and held-out customers
    share), then within ``days`` after it: converted (ordered), revenue, retained (ordered or
    visited), unsubscribed; messages (treatment messages), cost (of the outbox's sent actions;
    NaN for messages recorded elsewhere), and closed: whether the window has ended by the last
    recorded order or event. Also returns that last time."""
    until = store.con.execute("SELECT greatest((SELECT max(ordered_at) FROM orders), "
                              "(SELECT max(occurred_at) FROM events))").fetchone()[0]
    if until is None:
        until_sql = "TIMESTAMP '1900-01-01'"
    else:
        until_sql = f"TIMESTAMP '{until:%Y-%m-%d %H:%M:%S}'"
    window = f"INTERVAL {int(days)} DAY"
    frame = store.frame(f"""
        WITH reach AS (
            SELECT s.playbook, m.resolved_id AS customer_id, s.variant, min(coalesce(q.planned_at, s.sent_at))
                   AS first_at, count(*) FILTER (WHERE s.variant = 'treatment') AS messages
            FROM messages s JOIN customer_map m USING (customer_id) LEFT JOIN outbox q ON q.action_id = s.message_id
            WHERE s.playbook IS NOT NULL AND s.variant IN ('treatment', 'holdout') GROUP BY ALL),
        bought AS (
            SELECT r.playbook, r.customer_id, r.variant, count(*) AS orders, sum(p.amount) AS revenue
            FROM reach r JOIN purchases p ON p.customer_id = r.customer_id
            WHERE p.ordered_at >= r.first_at AND p.ordered_at < r.first_at + {window}
            GROUP BY ALL),
        acted AS (
            SELECT r.playbook, r.customer_id, r.variant,
                   count(*) FILTER (WHERE e.event_type NOT LIKE 'email%' AND e.event_type NOT LIKE 'sms%') AS visits,
                   count(*) FILTER (WHERE e.event_type LIKE '%unsubscribe') AS unsubscribes
            FROM reach r JOIN customer_map m ON m.resolved_id = r.customer_id
            JOIN events e ON e.customer_id = m.customer_id
            WHERE e.occurred_at >= r.first_at AND e.occurred_at < r.first_at + {window}
            GROUP BY ALL),
        spent AS (
            SELECT playbook, customer_id, sum(cost) AS cost FROM outbox WHERE status = 'sent' GROUP BY ALL)
        SELECT r.playbook, r.customer_id, r.variant, r.first_at, r.messages,
               CAST(coalesce(b.orders, 0) > 0 AS INTEGER) AS converted, coalesce(b.revenue, 0) AS revenue,
               CAST(coalesce(b.orders, 0) > 0 OR coalesce(a.visits, 0) > 0 AS INTEGER) AS retained,
               CAST(coalesce(a.unsubscribes, 0) > 0 AS INTEGER) AS unsubscribed,
               CASE WHEN r.variant = 'treatment' THEN s.cost END AS cost,
               r.first_at + {window} <= {until_sql} AS closed
        FROM reach r LEFT JOIN bought b USING (playbook, customer_id, variant)
        LEFT JOIN acted a USING (playbook, customer_id, variant)
        LEFT JOIN spent s USING (playbook, customer_id)
        ORDER BY r.playbook, r.variant, r.customer_id""")
    return frame, until
