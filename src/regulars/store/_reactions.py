"""Reactions: batches of events, orders, tickets and feedback whose customers' event and ticket
playbooks were evaluated as they arrived. A mark (``store_meta`` reacted_through_seq) says
through which batch; it moves in the same transaction as the actions a reaction queued, so a
process killed at any point did both or neither, and the next reaction starts after the mark."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from regulars.store._store import Store

__all__ = ["REACTING_TABLES", "queued_on", "reaction_log", "reaction_mark", "reaction_pending", "start_reactions"]

#: Tables whose new rows change what an event or ticket trigger sees (an order makes a cart moot),
#: with the column that says when each thing happened.
REACTING_TABLES = {"events": "occurred_at", "orders": "ordered_at", "tickets": "opened_at", "feedback": "submitted_at"}
_MARK = "reacted_through_seq"


def reaction_mark(store: Store) -> int | None:
    """The last batch reacted to (None before reactions began in this workspace)."""
    row = store.con.execute("SELECT max(CAST(value AS BIGINT)) FROM store_meta WHERE key = ?", [_MARK]).fetchone()
    return None if row[0] is None else int(row[0])


def start_reactions(store: Store) -> int:
    """Begin reacting after the batches stored so far (history is the daily plan's); the mark."""
    with store.transaction() as con:
        seq = con.execute("SELECT coalesce(max(seq), 0) FROM batches").fetchone()[0]
        _move(con, int(seq))
    return int(seq)


def reaction_pending(store: Store, after: int, most_batches: int = 10_000
                     ) -> tuple[int, int, list[str], datetime | None]:
    """Batches after ``after`` that a reaction takes (the last one's number, how many), their
    customers (resolved ids) and when the latest thing in them happened; (``after``, 0, [],
    None) when none arrived."""
    found = store.con.execute(
        f"SELECT batch_id, seq, table_name FROM batches WHERE seq > ? ORDER BY seq LIMIT {int(most_batches)}",
        [after]).fetchall()
    if not found:
        return after, 0, [], None
    mine = [(b, t) for b, _, t in found if t in REACTING_TABLES]
    customers: set[str] = set()
    latest = None
    for table in {t for _, t in mine}:
        ids = [b for b, t in mine if t == table]
        rows = store.con.execute(
            f"SELECT m.resolved_id, max(x.{REACTING_TABLES[table]}) FROM {table} x "
            f"JOIN customer_map m USING (customer_id) WHERE x.batch_id IN (SELECT unnest(?::VARCHAR[])) "
            f"AND m.resolved_id IS NOT NULL GROUP BY 1", [ids]).fetchall()
        customers |= {r[0] for r in rows}
        latest = max([latest] + [r[1] for r in rows if r[1] is not None], key=lambda t: t or datetime.min)
    return int(found[-1][1]), len(mine), sorted(customers), latest


def queued_on(store: Store, at: datetime) -> int:
    """Actions queued for ``at``'s day so far (against the shop-wide daily cap)."""
    return int(store.con.execute("SELECT count(*) FROM outbox WHERE CAST(planned_at AS DATE) = CAST(? AS DATE) "
                                 "AND status <> 'rejected'", [at]).fetchone()[0])


def _move(con: Any, seq: int) -> None:
    con.execute("DELETE FROM store_meta WHERE key = ?", [_MARK])
    con.execute("INSERT INTO store_meta VALUES (?, ?)", [_MARK, str(seq)])


def reaction_log(con: Any, through: int, batches: int, customers: int, counts: dict[str, int]) -> None:
    """Inside the transaction that queued a reaction's actions: move the mark to ``through`` and
    log the reaction, stamped when it is written (UTC)."""
    _move(con, through)
    con.execute("INSERT INTO reactions VALUES (?, ?, ?, ?, ?, ?, ?)",
                [through, datetime.now(timezone.utc).replace(tzinfo=None), batches, customers,
                 counts.get("queued", 0), counts.get("waiting", 0), counts.get("held out", 0)])
