"""DDL of the store: canonical tables from the contracts, plus bookkeeping tables."""

from __future__ import annotations

from regulars._sql import quote
from regulars.schema import CONTRACTS
from regulars.scorers import wide_columns

__all__ = ["CUSTOMER_MAP_VIEW", "PART_COLUMNS", "ROW_KEYS", "RUN_TABLES", "SCHEMA_VERSION", "TEXTS_VIEW", "ddl", "migrate_wide_scores",
           "scores_view"]

#: What a scorer hands the store per customer: its numbers, its words (such as a tier), and
#: its reasons. Which number is which is recorded once per run and scorer in ``run_measures``.
PART_COLUMNS = ("customer_id", "measures", "labels", "reasons")

#: 2: customers.first_seen_at (when any source first saw the customer).
#: 3: run results by scorer (``results`` and ``run_measures``); ``scores`` is a wide view of them.
#: 4: segments (members, catalogue, rules, pins), recommendations, product pairs, replenishment.
#: 5: the outbox (actions queued by playbooks), delivery attempts and playbook exclusions;
#:    batches count anonymous sales (orders without a customer, stored) and rows an upsert
#:    replaced, whose earlier versions are kept in ``row_history``.
#: 6: API keys (hashed) with their roles; events keep the id a client gave them; the
#:    scheduler's log of jobs.
#: 7: currency codes upper case.
#: 8: the day's plan as last worked out (``plans``, ``plan_actions``), read by pages showing today;
#:    each run's headline figures (``runs.figures``), worked out when it is stored.
#: 9: the ``purchases`` table: every sale by the one purchase rule (``features.shop_purchases``).
#: 10: ``refund_shares``: what each refund takes from each purchase, so features net refunds
#:     as of a cutoff without working the shares out on every query.
#: 11: ``run_features``: the features the latest run scored its customers on (its columns
#:     those of the shop's features; made empty here, replaced by each run).
#: 13: ``reactions``: the batches whose customers' event and ticket playbooks were evaluated as
#:     they arrived, through which batch (``store_meta`` reacted_through_seq holds the mark).
#: 16: the business at a glance: ``runs.business`` (KPIs, cohorts, funnel and forecasts kept with
#:     each run), ``alerts`` (days a measure moved beyond its expected range) and ``targets``.
#: 17: the voice of the customer: ``texts`` (a view of every ticket's and review's text with its
#:     sentiment) and ``sentiment_checks`` (the held-out check that chose a shop's engine);
#:     ``alerts.about``: the part of a measure that moved (the unhappy texts of one source).
#: 18: ``ticket_changes``: each change of a ticket's status or priority, and the shop's replies
#:     (service times and SLAs need them).
#: 19: surveys: ``outbox.survey`` (the survey an action's message asks) and ``survey_answers``
#:     (each link answered, once); the shop's signing secret in ``store_meta``.
#: 20: ``faq_questions``: every question the FAQ assistant was asked, its answer and confidence,
#:     and whether a person took it over.
#: 21: ``tickets.agent`` (who the ticket is assigned to) and ``feedback.product_id`` (what a review is of).
#: 22: ``orders.delivered_at`` (when it reached the customer: a survey after delivery).
#: 23: privacy: ``erasures`` (who asked, why, what went, and keyed one-way hashes of the erased
#:     person's ids and emails, so a re-import does not bring them back),
#:     ``batches.rows_suppressed`` (rows of erased people a load dropped), and the consent
#:     history ``consent_changes`` (``consent_now`` the state it gives; an older store's consent
#:     columns and unsubscribe events become its first entries).
SCHEMA_VERSION = 23

#: ``linked_at``: from when a visitor's record is the customer's (before it, a cutoff sees the
#: visitor as they were: anonymous); NULL for links by email, phone or platform id.
CUSTOMER_MAP_VIEW = """CREATE OR REPLACE VIEW customer_map AS
    SELECT c.customer_id, coalesce(l.resolved_id, c.customer_id) AS resolved_id,
           coalesce(l.matched_on, 'self') AS matched_on, l.linked_at
    FROM customers c LEFT JOIN identity_links l USING (customer_id)"""

#: Tables whose rows carry text, and how a row is known again (its key), in SQL so a query can
#: join what enrichers said to the rows: a ticket by its id; feedback, which has no id of its own,
#: by a digest of its customer, time, kind and text.
ROW_KEYS = {
    "tickets": "CAST(ticket_id AS VARCHAR)",
    "feedback": "substr(sha256(concat_ws(chr(31), customer_id, CAST(submitted_at AS VARCHAR), kind, "
                "coalesce(text, ''))), 1, 24)",
}

#: Every text customers wrote (tickets and feedback; an empty one is no text), one row each, with its sentiment (score
#: -1 to 1, label, engine) and theme once the enrichers have read it.
TEXTS_VIEW = f"""CREATE OR REPLACE VIEW texts AS
    WITH sentiment AS (
        SELECT table_name, row_key, numbers[1] AS sentiment, words[1] AS label, words[2] AS engine
        FROM enrichments WHERE enricher = 'sentiment'),
    themes AS (
        SELECT table_name, row_key, nullif(words[1], '') AS theme FROM enrichments WHERE enricher = 'theme'),
    rows AS (
        SELECT 'tickets' AS source, {ROW_KEYS["tickets"]} AS row_key, CAST(ticket_id AS VARCHAR) AS source_id,
               customer_id, opened_at AS written_at, 'ticket' AS kind, channel, category AS topic, csat AS rating, text,
               CAST(NULL AS VARCHAR) AS product_id
        FROM tickets
        UNION ALL
        SELECT 'feedback', {ROW_KEYS["feedback"]}, NULL, customer_id, submitted_at, kind, NULL, NULL, score, text,
               CAST(product_id AS VARCHAR)
        FROM feedback)
    SELECT r.*, s.sentiment, s.label, s.engine, h.theme
    FROM rows r LEFT JOIN sentiment s ON s.table_name = r.source AND s.row_key = r.row_key
    LEFT JOIN themes h ON h.table_name = r.source AND h.row_key = r.row_key
    WHERE r.text IS NOT NULL AND trim(r.text) <> ''"""


#: Tables a scorer may add rows to for its run, beyond ``results``: name -> columns after run_id.
RUN_TABLES = {
    "segment_members": (("customer_id", "VARCHAR"), ("segments", "VARCHAR[]")),
    "run_segments": (("segment", "VARCHAR"), ("family", "VARCHAR"), ("size", "BIGINT"), ("description", "VARCHAR")),
    "recommendations": (("customer_id", "VARCHAR"), ("products", "VARCHAR[]"), ("sources", "VARCHAR[]"),
                        ("reasons", "VARCHAR[]")),
    "product_pairs": (("product_id", "VARCHAR"), ("other_id", "VARCHAR"), ("kind", "VARCHAR"),
                      ("customers", "BIGINT"), ("support", "DOUBLE"), ("confidence", "DOUBLE"), ("lift", "DOUBLE"),
                      ("lag_days", "DOUBLE")),
    "replenishment": (("customer_id", "VARCHAR"), ("product_id", "VARCHAR"), ("purchases", "BIGINT"),
                      ("usual_days", "DOUBLE"), ("last_bought", "DATE"), ("due_on", "DATE")),
}

_EXTRA = {
    "customers": (
        ("email_norm", "VARCHAR"), ("phone_norm", "VARCHAR"), ("is_stub", "BOOLEAN"),
        ("first_seen_at", "TIMESTAMP"),
    ),
}

_BOOKKEEPING = (
    """CREATE TABLE IF NOT EXISTS batches (
        batch_id VARCHAR, seq BIGINT, table_name VARCHAR, source_name VARCHAR,
        content_hash VARCHAR, mapping VARCHAR, rows_read BIGINT, rows_accepted BIGINT,
        rows_quarantined BIGINT, rows_unchanged BIGINT, customers_created BIGINT,
        written JSON, loaded_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS quarantine (
        batch_id VARCHAR, table_name VARCHAR, source_name VARCHAR, source_row BIGINT,
        reason VARCHAR, reason_codes VARCHAR, original JSON)""",
    """CREATE TABLE IF NOT EXISTS identity_links (
        customer_id VARCHAR, resolved_id VARCHAR, matched_on VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS identity_ranks (customer_id VARCHAR, first_seq BIGINT)""",
    """CREATE TABLE IF NOT EXISTS audit_log (
        logged_at TIMESTAMP, actor VARCHAR, action VARCHAR, detail JSON)""",
    """CREATE TABLE IF NOT EXISTS store_meta (key VARCHAR, value VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS runs (
        run_id VARCHAR, created_at TIMESTAMP, cutoff DATE, models JSON, customers BIGINT)""",
    "ALTER TABLE runs ADD COLUMN IF NOT EXISTS skipped JSON",
    "ALTER TABLE events ADD COLUMN IF NOT EXISTS event_id VARCHAR",
    "ALTER TABLE batches ADD COLUMN IF NOT EXISTS rows_anonymous BIGINT DEFAULT 0",
    "ALTER TABLE batches ADD COLUMN IF NOT EXISTS rows_updated BIGINT DEFAULT 0",
    "ALTER TABLE batches ADD COLUMN IF NOT EXISTS mode VARCHAR DEFAULT 'insert'",
    "ALTER TABLE batches ADD COLUMN IF NOT EXISTS header JSON",
    "ALTER TABLE batches ADD COLUMN IF NOT EXISTS date_orders JSON",
    "ALTER TABLE batches ADD COLUMN IF NOT EXISTS changes JSON",
    "ALTER TABLE batches ADD COLUMN IF NOT EXISTS rows_suppressed BIGINT DEFAULT 0",
    """CREATE TABLE IF NOT EXISTS consent_changes (
        customer_id VARCHAR, topic VARCHAR, granted BOOLEAN, changed_at TIMESTAMP, source VARCHAR, detail VARCHAR,
        recorded_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS erasures (
        erasure_id VARCHAR, erased_at TIMESTAMP, erased_by VARCHAR, why VARCHAR, hashes VARCHAR[], removed JSON)""",
    """CREATE TABLE IF NOT EXISTS external_ids (
        customer_id VARCHAR, source VARCHAR, external_id VARCHAR, batch_id VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS row_history (
        table_name VARCHAR, row_key VARCHAR, replaced_at TIMESTAMP, old_batch_id VARCHAR,
        new_batch_id VARCHAR, old_row JSON)""",
    """CREATE TABLE IF NOT EXISTS results (
        run_id VARCHAR, customer_id VARCHAR, scorer VARCHAR, measures DOUBLE[], labels VARCHAR[],
        reasons VARCHAR, model_version VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS run_measures (run_id VARCHAR, scorer VARCHAR, measures VARCHAR[], labels VARCHAR[])""",
    """CREATE TABLE IF NOT EXISTS segment_rules (
        name VARCHAR, rule VARCHAR, defined_by VARCHAR, defined_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS segment_pins (
        segment VARCHAR, customer_id VARCHAR, pinned_in BOOLEAN, pinned_by VARCHAR, why VARCHAR,
        pinned_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS outbox (
        action_id VARCHAR PRIMARY KEY, created_at TIMESTAMP, planned_at TIMESTAMP, run_id VARCHAR,
        customer_id VARCHAR, playbook VARCHAR, step INTEGER, channel VARCHAR, template VARCHAR,
        subject VARCHAR, body VARCHAR, url VARCHAR, owner VARCHAR, due_on DATE, priority DOUBLE,
        value DOUBLE, cost DOUBLE, why VARCHAR, deliver_at TIMESTAMP, status VARCHAR,
        attempts INTEGER, next_attempt_at TIMESTAMP, last_error VARCHAR, decided_by VARCHAR,
        decided_at TIMESTAMP, sent_at TIMESTAMP, method VARCHAR, export_file VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS enrichments (
        enricher VARCHAR, version VARCHAR, table_name VARCHAR, row_key VARCHAR, numbers DOUBLE[], words VARCHAR[],
        enriched_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS sentiment_checks (version VARCHAR, figures VARCHAR, checked_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS plans (
        plan_id VARCHAR, run_id VARCHAR, planned_for TIMESTAMP, file_hash VARCHAR, created_at TIMESTAMP, counts VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS plan_actions (
        plan_id VARCHAR, action_id VARCHAR, customer_id VARCHAR, playbook VARCHAR, step INTEGER, channel VARCHAR,
        status VARCHAR, priority DOUBLE, value DOUBLE, expected_value DOUBLE, why VARCHAR, subject VARCHAR,
        rank BIGINT)""",
    """CREATE TABLE IF NOT EXISTS delivery_attempts (
        action_id VARCHAR, attempt INTEGER, method VARCHAR, started_at TIMESTAMP,
        finished_at TIMESTAMP, outcome VARCHAR, detail VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS playbook_exclusions (
        playbook VARCHAR, customer_id VARCHAR, excluded_by VARCHAR, why VARCHAR, excluded_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS schedule_log (
        job VARCHAR, slot TIMESTAMP, started_at TIMESTAMP, finished_at TIMESTAMP, outcome VARCHAR, detail VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS api_keys (
        key_id VARCHAR PRIMARY KEY, name VARCHAR, role VARCHAR, secret_hash VARCHAR, created_at TIMESTAMP,
        created_by VARCHAR, revoked_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS visitor_links (
        visitor_id VARCHAR, customer_id VARCHAR, linked_at TIMESTAMP, batch_id VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS alerts (
        measure VARCHAR, since DATE, until DATE, direction VARCHAR, observed DOUBLE, expected DOUBLE, low DOUBLE,
        high DOUBLE, days INTEGER, found_at TIMESTAMP, run_id VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS targets (
        measure VARCHAR, value DOUBLE, by_date DATE, grain VARCHAR, set_by VARCHAR, set_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS reactions (
        through_seq BIGINT, reacted_at TIMESTAMP, batches INTEGER, customers INTEGER, queued INTEGER,
        waiting INTEGER, held_out INTEGER)""",
    """CREATE TABLE IF NOT EXISTS survey_answers (
        action_id VARCHAR PRIMARY KEY, survey VARCHAR, customer_id VARCHAR, answered_at TIMESTAMP, score DOUBLE)""",
    """CREATE TABLE IF NOT EXISTS faq_questions (
        question_id VARCHAR PRIMARY KEY, asked_at TIMESTAMP, customer_id VARCHAR, question VARCHAR, entry VARCHAR,
        confidence DOUBLE, sentiment DOUBLE, outcome VARCHAR, channel VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS predictions (
        run_id VARCHAR, target VARCHAR, customer_id VARCHAR, probability DOUBLE, reasons VARCHAR)""",
)


def _pick(measure: str, kind: str) -> str:
    """One wide column: the measure, found by name in the run's list for its scorer."""
    if measure == "reasons":
        return "r.reasons"
    if kind == "VARCHAR":
        return f"r.labels[list_position(n.labels, '{measure}')]"
    return f"CAST(r.measures[list_position(n.measures, '{measure}')] AS {kind})"


def scores_view() -> str:
    """The wide view of ``results``: one row per run and customer, a column per known measure.
    Each scorer's rows are laid out on their own, then joined on (run, customer): much faster
    than grouping every row, since no text is aggregated. (``store.latest_scores`` lays out one
    customer's rows the same way, in Python, for a quick answer.)"""
    scorers = list(dict.fromkeys(s for _, s, _, _ in wide_columns()))
    parts = []
    for scorer in scorers:
        picks = [f"{_pick(m, k)} AS {c}" for c, s, m, k in wide_columns() if s == scorer]
        parts.append(f"s_{scorer} AS (SELECT r.run_id, r.customer_id, {', '.join(picks)}, "
                     f"'{scorer}=' || r.model_version AS v_{scorer} FROM results r "
                     f"JOIN run_measures n USING (run_id, scorer) WHERE r.scorer = '{scorer}')")
    joined = f"s_{scorers[0]}" + "".join(f" FULL OUTER JOIN s_{s} USING (run_id, customer_id)" for s in scorers[1:])
    columns = ", ".join(c for c, _, _, _ in wide_columns())
    versions = f"concat_ws('; ', {', '.join(f'v_{s}' for s in sorted(scorers))})"
    return (f"CREATE OR REPLACE VIEW scores AS WITH {', '.join(parts)} "
            f"SELECT run_id, customer_id, {columns}, NULLIF({versions}, '') AS model_versions FROM {joined}")


def migrate_wide_scores(con) -> None:
    """Schema 3: the wide ``scores`` table of older stores becomes rows of ``results``, one per
    run, customer and scorer."""
    kind = con.execute("SELECT table_type FROM information_schema.tables WHERE table_name = 'scores'").fetchone()
    if kind is None or kind[0] != "BASE TABLE":
        return
    have = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'scores'").fetchall()}
    renamed = {"clv": "clv_12m"}  # the old table named lifetime value by its 12 months
    for scorer in dict.fromkeys(s for _, s, _, _ in wide_columns()):
        columns = [(renamed.get(c, c), m, k) for c, s, m, k in wide_columns() if s == scorer and renamed.get(c, c) in have]
        if not columns:
            continue
        numbers = [(c, m) for c, m, k in columns if k != "VARCHAR"]
        words = [(c, m) for c, m, k in columns if k == "VARCHAR" and m != "reasons"]
        reasons = next((c for c, m, _ in columns if m == "reasons"), "NULL")
        version = (f"NULLIF(regexp_extract(model_versions, '{scorer}=([0-9a-f]+)', 1), '')"
                   if "model_versions" in have else "NULL")
        present = " OR ".join(f"{c} IS NOT NULL" for c, _, _ in columns)
        con.execute(
            f"INSERT INTO results SELECT run_id, customer_id, '{scorer}', "
            f"[{', '.join(f'CAST({c} AS DOUBLE)' for c, _ in numbers)}]::DOUBLE[], "
            f"[{', '.join(f'CAST({c} AS VARCHAR)' for c, _ in words)}]::VARCHAR[], {reasons}, {version} "
            f"FROM scores WHERE {present}")
        con.execute(
            f"INSERT INTO run_measures SELECT DISTINCT run_id, '{scorer}', "
            f"[{', '.join(repr(m) for _, m in numbers)}]::VARCHAR[], [{', '.join(repr(m) for _, m in words)}]::VARCHAR[] "
            f"FROM scores WHERE {present}")
    con.execute("DROP TABLE scores")


def ddl() -> list[str]:
    """Statements creating every table (and column) that does not exist yet."""
    out = []
    for name, contract in CONTRACTS.items():
        cols = [f"{quote(c.name)} {c.sql_type}" for c in contract.columns]
        cols += [f"{quote(n)} {t}" for n, t in _EXTRA.get(name, ())]
        cols += ["attributes JSON", "batch_id VARCHAR"]
        out.append(f"CREATE TABLE IF NOT EXISTS {name} ({', '.join(cols)})")
    added = [("customers", n, k) for n, k in _EXTRA["customers"]]
    out += [f"CREATE TABLE IF NOT EXISTS {name} (run_id VARCHAR, {', '.join(f'{c} {k}' for c, k in cols)})"
            for name, cols in RUN_TABLES.items()]
    added.append(("runs", "figures", "VARCHAR"))  # 8: the run's headline figures, worked out once
    added += [("events", "title", "VARCHAR"), ("events", "category", "VARCHAR")]  # 12: a page's title, category
    added += [("events", "visitor_id", "VARCHAR"), ("identity_links", "linked_at", "TIMESTAMP")]  # 14: visitors
    added.append(("outbox", "timing", "VARCHAR"))  # 15: a message's timing (best or fixed), for results
    added.append(("runs", "business", "VARCHAR"))  # 16: the shop's KPIs, cohorts, funnel and forecasts
    added.append(("alerts", "about", "VARCHAR"))  # 17: what part of a measure moved (unhappy texts: their source)
    added.append(("outbox", "survey", "VARCHAR"))  # 19: the survey an action's message asks
    added += [("tickets", "agent", "VARCHAR"), ("feedback", "product_id", "VARCHAR")]  # 21
    added.append(("orders", "delivered_at", "TIMESTAMP"))  # 22
    out.append("CREATE TABLE IF NOT EXISTS run_features (run_id VARCHAR, customer_id VARCHAR)")  # 11
    return out + list(_BOOKKEEPING) + [
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {name} {kind}" for table, name, kind in added
    ]
