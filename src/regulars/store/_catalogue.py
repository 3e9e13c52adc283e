"""The data catalogue: every place regulars keeps data about a person, declared once. Access and
erasure on request walk it; a test fails when a table naming a customer is not declared here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["CATALOGUE", "CUSTOMER_COLUMNS", "PERSON_IDS", "Place", "undeclared_tables"]

#: Columns that name a person: a table with one of them holds customer data.
CUSTOMER_COLUMNS = frozenset({"customer_id", "resolved_id", "email", "phone", "email_norm", "phone_norm"})


#: The person's ids (raw and resolved) and identifying values, as access and erasure see them:
#: ``_person(id)`` and ``_person_values(needle)`` (each value JSON-quoted, lower case, so a JSON
#: column names them only where a whole value is theirs).
PERSON_IDS = "(SELECT id FROM _person)"
_NAMED_IN_JSON = ("EXISTS (SELECT 1 FROM _person_values v WHERE contains(lower(CAST({column} AS VARCHAR)), "
                  "v.needle))")


@dataclass(frozen=True)
class Place:
    """Where a person's data is kept: a table (or view) and the columns that name them, the
    columns holding what they said or what is known of them, and JSON columns that may hold
    either; or files in the workspace (``kind`` files, ``name`` a glob).

    ``where`` picks a person's rows (SQL over ``_person`` and ``_person_values``; by default
    their ids in the key columns); ``erase`` says what erasure does there: delete the rows,
    ``anonymise`` them (a sale stays a sale, without the person), ``rebuild`` (worked out
    again from the tables it derives from), ``redact`` their values in place (the audit log
    keeps who did what), or ``none`` (a view of other places); for files, remove their
    ``rows``, or ``rewrite`` the file from what is left (a report)."""

    name: str
    kind: str
    keys: tuple[str, ...]
    personal: tuple[str, ...] = ()
    json: tuple[str, ...] = ()
    what: str = ""
    where: str = ""
    erase: str = "delete"

    @property
    def rows_of_person(self) -> str:
        """The SQL condition picking the person's rows."""
        return self.where or " OR ".join(f"{k} IN {PERSON_IDS}" for k in self.keys)


def _of(table: str, key: str, column: str = "customer_id") -> str:
    return f"{key} IN (SELECT {key} FROM {table} WHERE {column} IN {PERSON_IDS})"


#: Texts' row keys (``_schema.ROW_KEYS``) of the person's tickets and feedback.
_TEXT_ROWS = ("(table_name = 'tickets' AND row_key IN (SELECT CAST(ticket_id AS VARCHAR) FROM tickets "
              f"WHERE customer_id IN {PERSON_IDS})) OR (table_name = 'feedback' AND row_key IN (SELECT row_key FROM "
              f"texts WHERE source = 'feedback' AND customer_id IN {PERSON_IDS}))")

#: In the order erasure deletes in reverse: a place read through another (an order's lines, a
#: ticket's changes, an action's attempts, a text's enrichments) comes after it.
CATALOGUE: tuple[Place, ...] = (
    Place("customers", "table", ("customer_id",), ("email", "phone", "name", "email_norm", "phone_norm", "birthday",
                                                   "city", "company", "job_title"), ("attributes",), "profiles"),
    Place("purchases", "table", ("customer_id",), what="every sale by the purchase rule (worked out from orders)",
          erase="rebuild"),
    Place("refund_shares", "table", ("p_id",), what="what each refund took from each purchase (no one's name; "
          "worked out from orders)", where="false", erase="rebuild"),
    Place("run_features", "table", ("customer_id",), what="the features the latest run scored each customer on"),
    Place("customer_map", "view", ("customer_id", "resolved_id"), what="which records are one person", erase="none"),
    Place("identity_links", "table", ("customer_id", "resolved_id"), what="identity links and what matched"),
    Place("identity_ranks", "table", ("customer_id",), what="the order records were first seen in"),
    Place("external_ids", "table", ("customer_id",), ("external_id",), what="ids in the shop's other systems"),
    Place("visitor_links", "table", ("visitor_id", "customer_id"), what="browsers linked to the customer they "
          "signed in as"),
    Place("orders", "table", ("customer_id",), json=("attributes",), what="orders (erased: kept as sales without "
          "the person)", erase="anonymise"),
    Place("order_items", "table", ("order_id",), json=("attributes",), what="the lines of their orders",
          where=_of("orders", "order_id"), erase="anonymise"),
    Place("events", "table", ("customer_id",), ("url",), ("attributes",), "web, email and app activity"),
    Place("tickets", "table", ("customer_id",), ("text",), ("attributes",), "support tickets"),
    Place("ticket_changes", "table", ("ticket_id",), ("value",), ("attributes",), "their tickets' changes and "
          "the shop's replies", where=_of("tickets", "ticket_id")),
    Place("feedback", "table", ("customer_id",), ("text",), ("attributes",), "surveys and reviews"),
    Place("messages", "table", ("customer_id",), json=("attributes",), what="messages sent and holdouts"),
    Place("outbox", "table", ("customer_id",), ("subject", "body", "why"), what="actions queued for a person"),
    Place("delivery_attempts", "table", ("action_id",), ("detail",), what="delivery attempts (by outbox action)",
          where=_of("outbox", "action_id")),
    Place("plan_actions", "table", ("customer_id",), ("why", "subject"), what="the day's plan as last worked out"),
    Place("playbook_exclusions", "table", ("customer_id",), ("why",), what="people excluded from a playbook"),
    Place("consent_changes", "table", ("customer_id",), ("detail",), what="every consent given or withdrawn, "
          "with when and where from"),
    Place("consent_now", "view", ("customer_id",), what="what they agree to now (the latest of each)", erase="none"),
    Place("faq_questions", "table", ("customer_id",), ("question",), what="questions put to the FAQ assistant"),
    Place("survey_answers", "table", ("customer_id",), what="survey links answered, with the score"),
    Place("segment_pins", "table", ("customer_id",), ("why",), what="people pinned into or out of a segment"),
    Place("segment_members", "table", ("customer_id",), what="segment memberships per run"),
    Place("results", "table", ("customer_id",), ("reasons",), what="scores per run and scorer, with reasons"),
    Place("scores", "view", ("customer_id",), what="the wide view of results", erase="none"),
    Place("predictions", "table", ("customer_id",), ("reasons",), what="no-code predictions"),
    Place("recommendations", "table", ("customer_id",), ("reasons",), what="recommended products"),
    Place("replenishment", "table", ("customer_id",), what="products due again"),
    Place("texts", "view", ("customer_id",), ("text",), what="every ticket's and review's text with its sentiment",
          erase="none"),
    Place("enrichments", "table", ("row_key",), ("words",), what="what enrichers read in tickets' and reviews' text",
          where=_TEXT_ROWS),
    Place("quarantine", "table", (), json=("original",), what="rows refused at load, as they were read",
          where=_NAMED_IN_JSON.format(column="original")),
    Place("row_history", "table", ("row_key",), json=("old_row",), what="rows replaced by an update",
          where=f"old_row->>'customer_id' IN {PERSON_IDS}"),
    Place("runs", "table", (), json=("figures",), what="each run's headline figures (the valuable customers at risk)",
          where=_NAMED_IN_JSON.format(column="figures"), erase="redact"),
    Place("audit_log", "table", (), json=("detail",), what="who did what (may name a customer)",
          where=_NAMED_IN_JSON.format(column="detail"), erase="redact"),
    Place("outbox/*.csv", "files", (), what="import files and task lists written by delivery", erase="rows"),
    Place("incoming/**/*", "files", (), what="records sent to the API and files uploaded on the import page",
          erase="rows"),
    Place("*.html", "files", (), what="reports written into the workspace", erase="rewrite"),
)


def undeclared_tables(con: Any) -> list[str]:
    """Tables and views of the store with a column naming a person that the catalogue does not
    declare, and declared ones that lack a key column they are declared with."""
    columns: dict[str, set[str]] = {}
    for table, column in con.execute("SELECT table_name, column_name FROM information_schema.columns "
                                     "WHERE table_schema = 'main'").fetchall():
        columns.setdefault(table, set()).add(column)
    declared = {p.name: p for p in CATALOGUE if p.kind != "files"}
    out = [f"{t}: holds {', '.join(sorted(c & CUSTOMER_COLUMNS))} but is not in the data catalogue"
           for t, c in sorted(columns.items()) if c & CUSTOMER_COLUMNS and t not in declared]
    for name, place in declared.items():
        missing = set(place.keys + place.personal + place.json) - columns.get(name, set())
        if missing:
            out.append(f"{name}: declared with {', '.join(sorted(missing))}, which it does not have")
    return out
