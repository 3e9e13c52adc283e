"""Consent as a history: every change (per topic: marketing email, SMS, profiling, surveys) is
kept as a dated entry with its source, never edited in place; what a person agrees to now is the
latest entry across their linked records (``consent_now``; at the same moment a "no" wins).

Sources: imports (a customers file's consent columns, recorded when a file's value for a record
differs from what imports said before; an unsubscribe or spam complaint event), the API, the
unsubscribe link and the preference page a message carries, and the owner."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import duckdb

from regulars.errors import SettingsError

if TYPE_CHECKING:
    from regulars.store._store import Store

__all__ = ["CONSENT_BY_PERSON", "CONSENT_SOURCES", "CONSENT_VIEW", "TOPICS", "consent_history", "consent_state", "record_consent",
           "record_loaded_consent"]

#: What one may agree to, in words.
TOPICS = {"email": "marketing email", "sms": "marketing text messages (SMS)",
          "profiling": "being scored and profiled (predictions, segments, personal offers)",
          "surveys": "surveys about our service"}
#: Where a change may come from.
CONSENT_SOURCES = ("import", "api", "unsubscribe link", "preference page", "owner")

#: The latest entry per person and topic; ``changed_at`` and ``source`` are that entry's.
CONSENT_VIEW = """CREATE OR REPLACE VIEW consent_now AS
    SELECT m.resolved_id AS customer_id, c.topic,
           arg_max(c.granted, {'t': c.changed_at, 'no': NOT c.granted}) AS granted,
           max(c.changed_at) AS changed_at,
           arg_max(c.source, {'t': c.changed_at, 'no': NOT c.granted}) AS source
    FROM consent_changes c JOIN customer_map m USING (customer_id)
    GROUP BY 1, 2"""

#: One row per person: ``consent_<topic>`` True, False or NULL (never answered), for joining.
CONSENT_BY_PERSON = ("(SELECT customer_id, " + ", ".join(
    f"any_value(granted) FILTER (WHERE topic = '{t}') AS consent_{t}" for t in TOPICS)
    + " FROM consent_now GROUP BY 1)")

#: A customers file's consent columns, by topic.
_COLUMNS = {"email": "consent_email", "sms": "consent_sms"}
#: Events that withdraw consent on a topic.
_WITHDRAWING = {"email_unsubscribe": "email", "email_complaint": "email", "sms_unsubscribe": "sms"}


def record_loaded_consent(con: duckdb.DuckDBPyConnection, table: str, batch_id: str | None, source_name: str,
                          at: datetime) -> int:
    """Entries for what a load says (the caller's transaction): a customers record's consent
    where it differs from what imports said of that record before (the first one dated when the
    customer was created or first seen; a later change at the load), and each unsubscribe or
    complaint event at its time. ``batch_id`` None: every stored row (a store made before the
    history was kept)."""
    rows = "batch_id = ?" if batch_id else "true"
    params = [batch_id] if batch_id else []
    n = 0
    if table == "customers":
        given = " UNION ALL ".join(
            f"SELECT customer_id, '{topic}' AS topic, {column} AS granted, coalesce(created_at, first_seen_at) AS since "
            f"FROM customers WHERE {rows} AND {column} IS NOT NULL" for topic, column in _COLUMNS.items())
        n = con.execute(
            f"""INSERT INTO consent_changes
                WITH given AS ({given}),
                said AS (SELECT customer_id, topic, arg_max(granted, changed_at) AS granted FROM consent_changes
                         WHERE source = 'import' GROUP BY ALL)
                SELECT g.customer_id, g.topic, g.granted,
                       CASE WHEN s.granted IS NULL THEN coalesce(least(g.since, ?::TIMESTAMP), ?::TIMESTAMP)
                            ELSE ?::TIMESTAMP END,
                       'import', ?, ?::TIMESTAMP
                FROM given g LEFT JOIN said s USING (customer_id, topic)
                WHERE s.granted IS DISTINCT FROM g.granted""",
            [*params * len(_COLUMNS), at, at, at, source_name, at]).fetchone()[0]
    elif table == "events":
        kinds = ", ".join(f"'{k}'" for k in _WITHDRAWING)
        topic = "CASE " + " ".join(f"WHEN event_type = '{k}' THEN '{t}'" for k, t in _WITHDRAWING.items()) + " END"
        n = con.execute(
            f"""INSERT INTO consent_changes
                SELECT customer_id, {topic}, false, occurred_at, 'import',
                       replace(event_type, '_', ' ') || ' in ' || ?, ?::TIMESTAMP
                FROM events WHERE {rows} AND event_type IN ({kinds}) AND customer_id IS NOT NULL""",
            [source_name, at, *params]).fetchone()[0]
    return int(n)


def record_consent(store: Store, customer_id: str, choices: dict[str, bool], *, source: str, detail: str | None,
                   at: datetime) -> int:
    """Entries for a person's choices (``topic`` -> agreed), from ``source``; a choice the
    person already holds is not recorded again. Returns the entries made."""
    unknown = sorted(set(choices) - set(TOPICS))
    if unknown:
        raise SettingsError(f"no consent topic {unknown[0]!r}; the topics are {', '.join(TOPICS)}")
    if source not in CONSENT_SOURCES:
        raise SettingsError(f"no consent source {source!r}; the sources are {', '.join(CONSENT_SOURCES)}")
    now = consent_state(store, [customer_id]).get(customer_id, {})
    made = 0
    for topic, granted in choices.items():
        if now.get(topic) is bool(granted):
            continue
        store.con.execute("INSERT INTO consent_changes VALUES (?, ?, ?, ?, ?, ?, ?)",
                          [customer_id, topic, bool(granted), at, source, detail, at])
        made += 1
    return made


def consent_state(store: Store, customer_ids: list[str]) -> dict[str, dict[str, bool]]:
    """What each of ``customer_ids`` (resolved ids) agrees to now, topic by topic (a topic they
    never answered is left out)."""
    out: dict[str, dict[str, bool]] = {}
    for cid, topic, granted in store.con.execute(
            "SELECT customer_id, topic, granted FROM consent_now WHERE customer_id IN (SELECT unnest(?::VARCHAR[]))",
            [customer_ids]).fetchall():
        out.setdefault(cid, {})[topic] = bool(granted)
    return out


def is_customer(store: Store, customer_id: str) -> bool:
    """Whether ``customer_id`` is a resolved customer of this shop (a signed link may outlive them)."""
    return bool(store.rows("SELECT 1 FROM customer_map WHERE resolved_id = ? LIMIT 1", [customer_id]))


def consent_history(store: Store, customer_id: str) -> list[dict[str, Any]]:
    """Every entry of a person (all their linked records), newest first."""
    return store.rows(
        "SELECT c.topic, c.granted, CAST(c.changed_at AS VARCHAR) AS changed_at, c.source, c.detail "
        "FROM consent_changes c JOIN customer_map m USING (customer_id) WHERE m.resolved_id = ? "
        "ORDER BY c.changed_at DESC, c.recorded_at DESC, c.topic", [customer_id])
