"""A customer's story in time order: orders, events, tickets, feedback, messages sent or held
out, and the actions queued for them, each as (when, kind, what), newest first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from regulars.store._store import Store

__all__ = ["customer_timeline"]


def customer_timeline(store: Store, resolved_id: str, limit: int = 200) -> list[dict[str, Any]]:
    """The newest ``limit`` entries for every record linked to ``resolved_id``."""
    return store.rows(
        """WITH ids AS (SELECT customer_id FROM customer_map WHERE resolved_id = $1)
           SELECT * FROM (
             SELECT ordered_at AS happened, 'order' AS kind,
                    concat(order_id, ': ', status, ', ', format('{:,.2f}', amount), ' ' || upper(currency)) AS what
               FROM orders WHERE customer_id IN (SELECT customer_id FROM ids)
             UNION ALL
             SELECT occurred_at, 'event',
                    event_type || coalesce(' ' || url, '') || coalesce(' (' || product_id || ')', '')
               FROM events WHERE customer_id IN (SELECT customer_id FROM ids)
             UNION ALL
             SELECT opened_at, 'ticket',
                    ticket_id || coalesce(' [' || status || ']', '') || coalesce(': ' || left(text, 160), '')
               FROM tickets WHERE customer_id IN (SELECT customer_id FROM ids)
             UNION ALL
             SELECT submitted_at, 'feedback', kind || coalesce(' ' || CAST(score AS VARCHAR), '')
                    || coalesce(': ' || left(text, 160), '')
               FROM feedback WHERE customer_id IN (SELECT customer_id FROM ids)
             UNION ALL
             SELECT sent_at, CASE WHEN variant = 'holdout' THEN 'held out' ELSE 'message' END,
                    coalesce(playbook, campaign_id, 'message') || coalesce(' by ' || channel, '')
               FROM messages WHERE customer_id IN (SELECT customer_id FROM ids)
             UNION ALL
             SELECT coalesce(sent_at, planned_at), 'action', playbook || ' (' || channel || '): ' || status
                    || coalesce(' - ' || why, '')
               FROM outbox WHERE customer_id IN (SELECT customer_id FROM ids)
           ) WHERE happened IS NOT NULL ORDER BY happened DESC, kind LIMIT $2""", [resolved_id, limit])
