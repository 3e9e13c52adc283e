"""The outbox: actions playbooks queued, each with an idempotency key (``action_id``), moving
through states that are each written in their own transaction, so a process killed at any
point leaves every action in a state that says what to do next:

    needs approval -> queued (approved) or rejected
    queued -> sending (claimed, attempt recorded) -> sent (and a row in messages)
                                                 -> queued again later (failed, retried with backoff)
                                                 -> parked (failed for good, with its reason)
                                                 -> cancelled (consent withdrawn since it was queued)
    sending, found by the next deliverer -> unconfirmed (it may have left: never resent without a person)

Held-out customers are recorded in ``messages`` with variant holdout, like a send, so results
compare them with the treated.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from regulars.errors import NotFoundError, SettingsError
from regulars.store._consent import CONSENT_BY_PERSON
from regulars.store._store import now

if TYPE_CHECKING:
    import pandas as pd

    from regulars.store._store import Store

__all__ = ["OUTBOX_COLUMNS", "PENDING", "claim_actions", "decide_actions", "delivery_contacts", "due_actions",
           "exclude_customer", "finish_actions", "interrupted_actions", "outbox_actions", "outbox_counts",
           "outbox_keys", "pause_marketing", "queue_actions", "retry_actions", "sent_since", "unconfirmed_count"]

OUTBOX_COLUMNS = ("action_id", "created_at", "planned_at", "run_id", "customer_id", "playbook", "step", "channel",
                  "template", "subject", "body", "url", "owner", "due_on", "priority", "value", "cost", "why",
                  "deliver_at", "status", "attempts", "next_attempt_at", "last_error", "decided_by", "decided_at",
                  "sent_at", "method", "export_file", "timing", "survey")
#: States an action is still on its way in: it counts against caps and cool-downs.
PENDING = ("needs approval", "queued", "sending", "unconfirmed")


def queue_actions(store: Store, actions: pd.DataFrame, holdouts: pd.DataFrame, actor: str,
                  then: Callable[[Any, dict[str, int]], None] | None = None) -> dict[str, int]:
    """Add ``actions`` (the outbox columns from action_id to status) to the outbox and record
    ``holdouts`` (action_id, customer_id, playbook, channel, planned_at) in messages, in one
    transaction (``then`` runs in it last, given the counts). An action whose key is already
    there is skipped: running a plan twice queues nothing twice. Returns counts of what was new
    (queued, of which waiting for approval, and held out) and of what was there already."""
    given = [c for c in OUTBOX_COLUMNS if c in actions.columns]
    before = store.count("outbox")
    held = waiting = 0
    with store.transaction() as con:
        if len(actions):
            con.register("new_actions", actions[given])
            waiting = con.execute("SELECT count(*) FROM new_actions WHERE status = 'needs approval' "
                                  "AND action_id NOT IN (SELECT action_id FROM outbox)").fetchone()[0]
            con.execute(f"INSERT INTO outbox ({', '.join(given)}) SELECT * FROM new_actions n "
                        f"WHERE n.action_id NOT IN (SELECT action_id FROM outbox)")
            con.unregister("new_actions")
        queued = store.count("outbox") - before
        if len(holdouts):
            con.register("new_holdouts", holdouts)
            held = con.execute(
                "INSERT INTO messages (message_id, customer_id, sent_at, channel, campaign_id, playbook, variant, "
                "batch_id) SELECT action_id, customer_id, planned_at, channel, playbook, playbook, 'holdout', "
                "'playbooks' FROM new_holdouts WHERE action_id NOT IN (SELECT message_id FROM messages)").fetchone()[0]
            con.unregister("new_holdouts")
        counts = {"queued": int(queued), "waiting": int(waiting), "already queued": int(len(actions) - queued),
                  "held out": int(held)}
        if queued or held:
            store.audit("queue actions", {"queued": int(queued), "held_out": int(held)}, actor=actor)
        if then is not None:
            then(con, counts)
    return counts


def outbox_actions(store: Store, statuses: tuple[str, ...] = (), ids: list[str] | None = None) -> pd.DataFrame:
    """The outbox's actions (all, or in ``statuses``, or with these ``ids``), newest plan first."""
    where, params = [], []
    if statuses:
        where.append(f"status IN ({', '.join('?' * len(statuses))})")
        params += list(statuses)
    if ids is not None:
        where.append("action_id IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(ids))
    sql = "SELECT * FROM outbox" + (f" WHERE {' AND '.join(where)}" if where else "")
    return store.frame(sql + " ORDER BY planned_at DESC, priority DESC, value DESC NULLS LAST, action_id", params)


def due_actions(store: Store, at: datetime) -> pd.DataFrame:
    """Queued actions due at ``at`` (their delivery time and any retry wait passed), the most
    important first."""
    return store.frame("SELECT * FROM outbox WHERE status = 'queued' AND coalesce(deliver_at, planned_at) <= ? "
                       "AND coalesce(next_attempt_at, deliver_at, planned_at) <= ? "
                       "ORDER BY priority DESC, value DESC NULLS LAST, action_id", [at, at])


def unconfirmed_count(store: Store) -> int:
    """How many actions may or may not have left (a person must look before any is retried)."""
    return int(store.con.execute("SELECT count(*) FROM outbox WHERE status = 'unconfirmed'").fetchone()[0])


def outbox_keys(store: Store) -> set[str]:
    """The idempotency key of every action ever queued (whatever became of it)."""
    return {r[0] for r in store.con.execute("SELECT action_id FROM outbox").fetchall()}


def sent_since(store: Store, since: Any) -> list[dict[str, Any]]:
    """Actions sent at or after ``since`` per playbook and channel, most first."""
    return store.rows("SELECT playbook, channel, count(*) AS sent FROM outbox WHERE status = 'sent' AND sent_at >= ? "
                      "GROUP BY ALL ORDER BY sent DESC, playbook, channel", [since])


def outbox_counts(store: Store) -> list[dict[str, Any]]:
    """Actions per playbook and status."""
    return store.rows("SELECT playbook, status, count(*) AS actions FROM outbox GROUP BY ALL ORDER BY ALL")


def _known(store: Store, ids: list[str]) -> dict[str, str]:
    found = dict(store.con.execute("SELECT action_id, status FROM outbox WHERE action_id IN "
                                   "(SELECT unnest(?::VARCHAR[]))", [ids]).fetchall())
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFoundError(f"no action {missing[0]!r} in the outbox; `regulars playbooks DIR approve` lists them")
    return found


def decide_actions(store: Store, ids: list[str], decision: str, by: str, *, subject: str | None = None,
                   body: str | None = None, why: str | None = None) -> int:
    """A person's decision on actions waiting for approval: ``approve`` (queued for delivery),
    ``reject`` (never sent), or ``edit`` (a new subject or body, still waiting). Who and when
    are recorded. Deciding on an action no longer waiting is an error naming it."""
    if decision not in ("approve", "reject", "edit"):
        raise SettingsError(f"unknown decision {decision!r}; choose approve, reject or edit")
    if not by.strip():
        raise SettingsError("say who decides (--by NAME): approvals are recorded with a name")
    with store.transaction() as con:
        waiting = [i for i, status in _known(store, ids).items() if status != "needs approval"]
        if waiting:
            raise SettingsError(f"action {waiting[0]!r} is not waiting for approval; nothing was changed")
        at = now()
        if decision == "edit":
            con.execute("UPDATE outbox SET subject = coalesce(?, subject), body = coalesce(?, body), "
                        "decided_by = ?, decided_at = ? WHERE action_id IN (SELECT unnest(?::VARCHAR[]))",
                        [subject, body, by, at, ids])
        else:
            con.execute("UPDATE outbox SET status = ?, decided_by = ?, decided_at = ?, last_error = ? "
                        "WHERE action_id IN (SELECT unnest(?::VARCHAR[]))",
                        ["queued" if decision == "approve" else "rejected", by, at,
                         why if decision == "reject" else None, ids])
        store.audit(f"{decision} actions", {"actions": ids, "why": why}, actor=by)
    return len(ids)


def exclude_customer(store: Store, playbook: str, customer_id: str, by: str, why: str | None) -> int:
    """A person excludes a customer from a playbook: later plans hold them back, and the
    playbook's actions for them still waiting are cancelled. Returns how many were cancelled."""
    if not by.strip():
        raise SettingsError("say who excludes (--by NAME): exclusions are recorded with a name")
    if not store.rows("SELECT 1 FROM customer_map WHERE customer_id = ? OR resolved_id = ? LIMIT 1",
                      [customer_id, customer_id]):
        raise SettingsError(f"no customer {customer_id!r} in this workspace")
    with store.transaction() as con:
        con.execute("INSERT INTO playbook_exclusions VALUES (?, ?, ?, ?, ?)", [playbook, customer_id, by, why, now()])
        cancelled = con.execute(
            "UPDATE outbox SET status = 'cancelled', last_error = 'excluded by ' || ? "
            "WHERE playbook = ? AND customer_id = ? AND status IN ('needs approval', 'queued')",
            [by, playbook, customer_id]).fetchone()[0]
        store.audit("exclude customer", {"playbook": playbook, "customer_id": customer_id, "why": why}, actor=by)
    return int(cancelled)


#: What a crisis pause stops for a customer: everything that would reach them (not a person's task).
MARKETING_CHANNELS = ("email", "sms", "audience", "webhook")


def pause_marketing(store: Store, customer_ids: list[str], why: str) -> int:
    """Cancel the marketing still waiting for ``customer_ids`` (queued or awaiting approval),
    saying ``why``. Returns how many were cancelled."""
    return int(store.con.execute(
        "UPDATE outbox SET status = 'cancelled', last_error = ? WHERE customer_id IN (SELECT unnest(?::VARCHAR[])) "
        f"AND channel IN ({', '.join(repr(c) for c in MARKETING_CHANNELS)}) "
        "AND status IN ('needs approval', 'queued')", [why, customer_ids]).fetchone()[0])


def claim_actions(store: Store, ids: list[str], method: str, at: datetime, export_file: str | None = None
                  ) -> dict[str, int]:
    """Mark queued actions as being sent and record each attempt, before anything leaves.
    Returns each claimed action's attempt number; an action no longer queued (another
    deliverer, or a decision since) is left out."""
    with store.transaction() as con:
        rows = con.execute(
            "UPDATE outbox SET status = 'sending', attempts = coalesce(attempts, 0) + 1, method = ?, "
            "export_file = coalesce(?, export_file) WHERE action_id IN (SELECT unnest(?::VARCHAR[])) "
            "AND status = 'queued' RETURNING action_id, attempts", [method, export_file, ids]).fetchall()
        claimed = {action_id: int(attempt) for action_id, attempt in rows}
        con.execute("INSERT INTO delivery_attempts SELECT unnest(?::VARCHAR[]), unnest(?::INTEGER[]), ?, ?, NULL, "
                    "'sending', NULL", [list(claimed), list(claimed.values()), method, at])
    return claimed


def finish_actions(store: Store, attempts: dict[str, int], outcome: str, detail: str | None = None, *,
                   retry_at: datetime | None = None) -> None:
    """Record how attempts ended: ``sent`` (the outbox keeps the wall-clock time; a message row
    each, dated in the shop's time line, so caps and results see them), ``failed`` (queued again for ``retry_at``), ``parked`` (failed for good) or
    ``cancelled``."""
    if outcome not in ("sent", "failed", "parked", "cancelled"):
        raise ValueError(f"unknown outcome {outcome!r}")
    at = now()
    status = {"sent": "sent", "failed": "queued", "parked": "parked", "cancelled": "cancelled"}[outcome]
    ids, numbers = list(attempts), list(attempts.values())
    with store.transaction() as con:
        con.execute("UPDATE outbox SET status = ?, last_error = ?, next_attempt_at = ?, sent_at = ? "
                    "WHERE action_id IN (SELECT unnest(?::VARCHAR[]))",
                    [status, None if outcome == "sent" else detail, retry_at, at if outcome == "sent" else None, ids])
        con.execute("UPDATE delivery_attempts a SET finished_at = $1, outcome = $2, detail = $3 FROM "
                    "(SELECT unnest($4::VARCHAR[]) AS action_id, unnest($5::INTEGER[]) AS attempt) f "
                    "WHERE a.action_id = f.action_id AND a.attempt = f.attempt",
                    [at, outcome, detail, ids, numbers])
        if outcome == "sent":
            # The message is a fact about the customer in the shop's time line (the plan's day and
            # hour), not the wall clock: a shop's data may end long before today, and a send must
            # neither move the shop's clock nor fall outside the window cool-downs look at.
            con.execute(
                "INSERT INTO messages (message_id, customer_id, sent_at, channel, campaign_id, playbook, variant, "
                "batch_id) SELECT action_id, customer_id, coalesce(deliver_at, planned_at), channel, playbook, "
                "playbook, 'treatment', 'outbox' FROM outbox WHERE action_id IN (SELECT unnest(?::VARCHAR[])) "
                "AND channel <> 'pause' AND action_id NOT IN (SELECT message_id FROM messages)", [ids])


def interrupted_actions(store: Store) -> pd.DataFrame:
    """Actions a deliverer left in ``sending`` (it died between claiming and recording). An
    export file is rewritten whole, so those are returned to finish; a message or webhook may
    or may not have left, so those become ``unconfirmed`` and are never resent without a
    person (``outbox retry``): at most once."""
    with store.transaction() as con:
        con.execute("UPDATE delivery_attempts SET finished_at = ?, outcome = 'unconfirmed', "
                    "detail = 'the deliverer stopped before recording the result' "
                    "WHERE outcome = 'sending' AND action_id IN "
                    "(SELECT action_id FROM outbox WHERE status = 'sending' AND method <> 'csv')", [now()])
        con.execute("UPDATE outbox SET status = 'unconfirmed', last_error = 'the deliverer stopped while sending: "
                    "it may have arrived; check before retrying' WHERE status = 'sending' AND method <> 'csv'")
    return store.frame("SELECT o.*, a.attempt FROM outbox o JOIN delivery_attempts a USING (action_id) "
                       "WHERE o.status = 'sending' AND a.outcome = 'sending' ORDER BY o.export_file, o.action_id")


def retry_actions(store: Store, ids: list[str] | None, actor: str) -> int:
    """Queue parked and unconfirmed actions again, now, with a fresh set of attempts (all of
    them, or these ``ids``)."""
    with store.transaction() as con:
        if ids:
            stuck = [i for i, status in _known(store, ids).items() if status not in ("parked", "unconfirmed")]
            if stuck:
                raise SettingsError(f"action {stuck[0]!r} is neither parked nor unconfirmed; nothing was changed")
        chosen = "AND action_id IN (SELECT unnest(?::VARCHAR[]))" if ids else ""
        n = con.execute(f"UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = NULL "
                        f"WHERE status IN ('parked', 'unconfirmed') {chosen}", [ids] if ids else []).fetchone()[0]
        store.audit("retry actions", {"actions": ids or "all parked and unconfirmed", "count": int(n)}, actor=actor)
    return int(n)


def delivery_contacts(store: Store, customer_ids: list[str]) -> pd.DataFrame:
    """What delivery needs now, per customer: name, email, phone, and their consent on each
    topic as the history says now (``consent_<topic>``), so a withdrawal recorded after an
    action was queued still stops it."""
    return store.frame(
        "WITH who AS (SELECT unnest(?::VARCHAR[]) AS customer_id), "
        "linked AS (SELECT m.resolved_id AS customer_id, m.customer_id AS raw_id FROM customer_map m "
        "  WHERE m.resolved_id IN (SELECT customer_id FROM who)) "
        "SELECT p.*, k.* EXCLUDE (customer_id) FROM (SELECT l.customer_id, any_value(c.name) AS name, "
        "any_value(c.email) AS email, any_value(c.phone) AS phone "
        "FROM linked l JOIN customers c ON c.customer_id = l.raw_id GROUP BY 1) p "
        f"LEFT JOIN {CONSENT_BY_PERSON} k USING (customer_id)",
        [customer_ids])
