"""The data catalogue: every place regulars keeps data about a person, declared once. Access and
erasure on request walk it; a test fails when a table naming a customer is not declared here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["CATALOGUE", "CUSTOMER_COLUMNS", "Place", "undeclared_tables"]

#: Columns that name a person: a table with one of them holds customer data.
CUSTOMER_COLUMNS = frozenset({"customer_id", "resolved_id", "email", "phone", "email_norm", "phone_norm"})


@dataclass(frozen=True)
class Place:
    """Where a person's data is kept: a table (or view) and the columns that name them, the
    columns holding what they said or what is known of them, and JSON columns that may hold
    either; or files in the workspace (``kind`` files, ``name`` a glob)."""

    name: str
    kind: str
    keys: tuple[str, ...]
    personal: tuple[str, ...] = ()
    json: tuple[str, ...] = ()
    what: str = ""


CATALOGUE: tuple[Place, ...] = (
    Place("customers", "table", ("customer_id",), ("email", "phone", "name", "email_norm", "phone_norm", "birthday",
                                                   "city", "company", "job_title"), ("attributes",), "profiles"),
    Place("purchases", "table", ("customer_id",), what="every sale by the purchase rule (worked out from orders)"),
    Place("refund_shares", "table", ("p_id",), what="what each refund took from each purchase (by order id)"),
    Place("run_features", "table", ("customer_id",), what="the features the latest run scored each customer on"),
    Place("customer_map", "view", ("customer_id", "resolved_id"), what="which records are one person"),
    Place("identity_links", "table", ("customer_id", "resolved_id"), what="identity links and what matched"),
    Place("identity_ranks", "table", ("customer_id",), what="the order records were first seen in"),
    Place("external_ids", "table", ("customer_id",), ("external_id",), what="ids in the shop's other systems"),
    Place("visitor_links", "table", ("visitor_id", "customer_id"), what="browsers linked to the customer they "
          "signed in as"),
    Place("orders", "table", ("customer_id",), json=("attributes",), what="orders"),
    Place("events", "table", ("customer_id",), ("url",), ("attributes",), "web, email and app activity"),
    Place("tickets", "table", ("customer_id",), ("text",), ("attributes",), "support tickets"),
    Place("feedback", "table", ("customer_id",), ("text",), ("attributes",), "surveys and reviews"),
    Place("messages", "table", ("customer_id",), json=("attributes",), what="messages sent and holdouts"),
    Place("outbox", "table", ("customer_id",), ("subject", "body", "why"), what="actions queued for a person"),
    Place("plan_actions", "table", ("customer_id",), ("why", "subject"), what="the day's plan as last worked out"),
    Place("delivery_attempts", "table", ("action_id",), ("detail",), what="delivery attempts (by outbox action)"),
    Place("playbook_exclusions", "table", ("customer_id",), ("why",), what="people excluded from a playbook"),
    Place("faq_questions", "table", ("customer_id",), ("question",), what="questions put to the FAQ assistant"),
    Place("survey_answers", "table", ("customer_id",), what="survey links answered, with the score"),
    Place("segment_pins", "table", ("customer_id",), ("why",), what="people pinned into or out of a segment"),
    Place("segment_members", "table", ("customer_id",), what="segment memberships per run"),
    Place("results", "table", ("customer_id",), ("reasons",), what="scores per run and scorer, with reasons"),
    Place("scores", "view", ("customer_id",), what="the wide view of results"),
    Place("predictions", "table", ("customer_id",), ("reasons",), what="no-code predictions"),
    Place("recommendations", "table", ("customer_id",), ("reasons",), what="recommended products"),
    Place("replenishment", "table", ("customer_id",), what="products due again"),
    Place("texts", "view", ("customer_id",), ("text",), what="every ticket's and review's text with its sentiment"),
    Place("enrichments", "table", ("row_key",), ("words",), what="what enrichers read in tickets' and reviews' text"),
    Place("quarantine", "table", (), json=("original",), what="rows refused at load, as they were read"),
    Place("row_history", "table", ("row_key",), json=("old_row",), what="rows replaced by an update"),
    Place("audit_log", "table", (), json=("detail",), what="who did what (may name a customer)"),
    Place("outbox/*.csv", "files", (), what="import files and task lists written by delivery"),
    Place("incoming/**/*", "files", (), what="records sent to the API and files uploaded on the import page"),
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
