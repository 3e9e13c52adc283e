"""DDL of the store: canonical tables from the contracts, plus bookkeeping tables."""

from __future__ import annotations

from regulars.ingest._convert import quote
from regulars.schema import CONTRACTS

__all__ = ["SCHEMA_VERSION", "ddl"]

#: 2: customers.first_seen_at (when any source first saw the customer).
SCHEMA_VERSION = 2

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
    """CREATE TABLE IF NOT EXISTS scores (
        run_id VARCHAR, customer_id VARCHAR, p_alive DOUBLE, expected_orders_90d DOUBLE,
        expected_orders_12m DOUBLE, median_days_to_next_order DOUBLE, expected_order_value DOUBLE,
        clv_12m DOUBLE, orders BIGINT, recency_days DOUBLE, days_since_last_order DOUBLE,
        reason VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS predictions (
        run_id VARCHAR, target VARCHAR, customer_id VARCHAR, probability DOUBLE, reasons VARCHAR)""",
)


#: Columns added to ``scores`` after its first version (older stores gain them on open).
SCORE_COLUMNS = (
    ("churn_probability", "DOUBLE"), ("churn_reasons", "VARCHAR"), ("engagement", "DOUBLE"),
    ("engagement_tier", "VARCHAR"), ("engagement_reason", "VARCHAR"), ("conversion_probability", "DOUBLE"),
    ("conversion_reasons", "VARCHAR"), ("support_probability", "DOUBLE"), ("support_reasons", "VARCHAR"),
    ("model_versions", "VARCHAR"),
)


def ddl() -> list[str]:
    """Statements creating every table (and column) that does not exist yet."""
    out = []
    for name, contract in CONTRACTS.items():
        cols = [f"{quote(c.name)} {c.sql_type}" for c in contract.columns]
        cols += [f"{quote(n)} {t}" for n, t in _EXTRA.get(name, ())]
        cols += ["attributes JSON", "batch_id VARCHAR"]
        out.append(f"CREATE TABLE IF NOT EXISTS {name} ({', '.join(cols)})")
    added = [("scores", n, k) for n, k in SCORE_COLUMNS] + [("customers", n, k) for n, k in _EXTRA["customers"]]
    return out + list(_BOOKKEEPING) + [
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {name} {kind}" for table, name, kind in added
    ]
