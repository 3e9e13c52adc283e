"""DDL of the store: canonical tables from the contracts, plus bookkeeping tables."""

from __future__ import annotations

from regulars._sql import quote
from regulars.schema import CONTRACTS

__all__ = ["RESULT_COLUMNS", "SCHEMA_VERSION", "WIDE_SCORES", "ddl", "migrate_wide_scores", "scores_view"]

#: The long format every run is stored in: one row per run, customer, scorer and measure.
RESULT_COLUMNS = {"run_id": "VARCHAR", "customer_id": "VARCHAR", "scorer": "VARCHAR", "measure": "VARCHAR",
                  "value": "DOUBLE", "text": "VARCHAR", "model_version": "VARCHAR"}

#: 2: customers.first_seen_at (when any source first saw the customer).
#: 3: run results in long format (``results``); ``scores`` becomes a wide view of them.
SCHEMA_VERSION = 3

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
    f"CREATE TABLE IF NOT EXISTS results ({', '.join(f'{n} {t}' for n, t in RESULT_COLUMNS.items())})",
    """CREATE TABLE IF NOT EXISTS predictions (
        run_id VARCHAR, target VARCHAR, customer_id VARCHAR, probability DOUBLE, reasons VARCHAR)""",
)


#: The wide ``scores`` view: (column, scorer, measure, type) laid out per run and customer.
WIDE_SCORES = (
    ("p_alive", "clv", "p_alive", "DOUBLE"),
    ("expected_orders_90d", "clv", "expected_orders_90d", "DOUBLE"),
    ("expected_orders_12m", "clv", "expected_orders_12m", "DOUBLE"),
    ("median_days_to_next_order", "clv", "median_days_to_next_order", "DOUBLE"),
    ("expected_order_value", "clv", "expected_order_value", "DOUBLE"),
    ("clv", "clv", "clv", "DOUBLE"),
    ("orders", "clv", "orders", "BIGINT"),
    ("recency_days", "clv", "recency_days", "DOUBLE"),
    ("days_since_last_order", "clv", "days_since_last_order", "DOUBLE"),
    ("reason", "clv", "reasons", "VARCHAR"),
    ("churn_probability", "churn", "probability", "DOUBLE"),
    ("churn_reasons", "churn", "reasons", "VARCHAR"),
    ("conversion_probability", "conversion", "probability", "DOUBLE"),
    ("conversion_reasons", "conversion", "reasons", "VARCHAR"),
    ("support_probability", "support", "probability", "DOUBLE"),
    ("support_reasons", "support", "reasons", "VARCHAR"),
    ("engagement", "engagement", "points", "DOUBLE"),
    ("engagement_tier", "engagement", "tier", "VARCHAR"),
    ("engagement_reason", "engagement", "reasons", "VARCHAR"),
)


def scores_view() -> str:
    """The wide view of ``results``: one row per run and customer, a column per known measure."""
    picks = []
    for column, scorer, measure, kind in WIDE_SCORES:
        source = "text" if kind == "VARCHAR" else "value"
        picks.append(f"CAST(max({source}) FILTER (WHERE scorer = '{scorer}' AND measure = '{measure}') AS {kind}) "
                     f"AS {column}")
    versions = "string_agg(DISTINCT scorer || '=' || model_version, '; ' ORDER BY scorer || '=' || model_version)"
    return (f"CREATE OR REPLACE VIEW scores AS SELECT run_id, customer_id, {', '.join(picks)}, "
            f"{versions} AS model_versions FROM results GROUP BY run_id, customer_id")


def migrate_wide_scores(con) -> None:
    """Schema 3: the wide ``scores`` table of older stores becomes rows of ``results``."""
    kind = con.execute("SELECT table_type FROM information_schema.tables WHERE table_name = 'scores'").fetchone()
    if kind is None or kind[0] != "BASE TABLE":
        return
    have = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'scores'").fetchall()}
    renamed = {"clv": "clv_12m"}  # the old table named lifetime value by its 12 months
    for column, scorer, measure, kind in WIDE_SCORES:
        old = renamed.get(column, column)
        if old not in have:
            continue
        value, text = ("NULL", f"CAST({old} AS VARCHAR)") if kind == "VARCHAR" else (f"CAST({old} AS DOUBLE)", "NULL")
        version = (f"regexp_extract(model_versions, '{scorer}=([0-9a-f]+)', 1)" if "model_versions" in have
                   else "NULL")
        con.execute(f"INSERT INTO results SELECT run_id, customer_id, '{scorer}', '{measure}', {value}, {text}, "
                    f"NULLIF({version}, '') FROM scores WHERE {old} IS NOT NULL")
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
    return out + list(_BOOKKEEPING) + [
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {name} {kind}" for table, name, kind in added
    ]
