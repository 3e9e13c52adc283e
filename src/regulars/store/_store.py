"""The DuckDB store: canonical tables, batches, quarantine, identity links, audit log.

All writes of one load happen inside one transaction opened by the caller, so a load is
all or nothing: a process killed half-way leaves the file as it was before the load.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from regulars._faults import fault_point
from regulars._sql import quote
from regulars.config import Settings
from regulars.errors import WorkspaceError
from regulars.schema import CONTRACTS
from regulars.store._batch_result import BatchResult
from regulars.store._checkouts import orders_from_checkouts
from regulars.store._consent import CONSENT_VIEW, record_loaded_consent
from regulars.store._identity import insert_stubs, link_visitors, mark_first_seen, normalise_phones, refresh_identities
from regulars.store._owner import busy_error
from regulars.store._pages import type_pages
from regulars.store._sales import SALES_TABLES, ensure_purchases, refresh_purchases
from regulars.store._schema import CUSTOMER_MAP_VIEW, TEXTS_VIEW, SCHEMA_VERSION, ddl, migrate_wide_scores, scores_view
from regulars.store._upsert import update_rows
from regulars.store._words import unknown_words

if TYPE_CHECKING:  # pandas and the ingest helpers load only when a load or a frame needs them
    from collections.abc import Callable

    import pandas as pd

    from regulars.ingest import Staged

__all__ = ["BatchResult", "Store"]

def now() -> datetime:
    """The time stored in bookkeeping rows: UTC, whole seconds."""
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


class Store:
    """One open DuckDB file, as a context manager; ``transaction()`` wraps a load. ``on_close``
    runs at close; ``check_schema=False`` skips a writer's schema check (a server checks once)."""

    def __init__(self, path: Path, settings: Settings, *, read_only: bool = False,
                 on_close: Callable[[], None] | None = None, check_schema: bool = True) -> None:
        self.path = Path(path)
        self.settings = settings
        self._on_close = on_close
        config: dict[str, Any] = {}
        if settings.store.memory_limit:
            config["memory_limit"] = settings.store.memory_limit
        if settings.store.threads:
            config["threads"] = settings.store.threads
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only, config=config)
        except duckdb.Error as exc:
            raise busy_error(self.path, str(exc)) or WorkspaceError(
                f"{self.path}: cannot open the store ({str(exc).splitlines()[0]})") from None
        self.con.execute("SET TimeZone = 'UTC'")
        self.con.execute("SET enable_progress_bar = false")
        if not read_only and check_schema:
            self._ensure_schema()
        elif self._schema_version() < SCHEMA_VERSION:  # an older store: migrate it once, then read
            self.con.close()
            Store(path, settings).close()
            self.con = duckdb.connect(str(self.path), read_only=True, config=config)
            self.con.execute("SET TimeZone = 'UTC'")
            self.con.execute("SET enable_progress_bar = false")

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.con.close()
        finally:
            if self._on_close is not None:
                self._on_close, done = None, self._on_close
                done()

    def _schema_version(self) -> int:
        """The store's schema version (0 for a file made before versions were recorded)."""
        try:
            have = self.con.execute("SELECT value FROM store_meta WHERE key = 'schema_version'").fetchone()
        except duckdb.CatalogException:
            return 0
        return int(have[0]) if have else 0

    def _ensure_schema(self) -> None:
        """Create what is missing and run the numbered migrations an older store needs."""
        have = self._schema_version()
        if have > SCHEMA_VERSION:
            raise WorkspaceError(
                f"{self.path}: made by a newer regulars (schema {have}); upgrade regulars to open it"
            )
        with self.transaction():
            for statement in ddl():
                self.con.execute(statement)
            self.con.execute(CUSTOMER_MAP_VIEW)
            self.con.execute(TEXTS_VIEW)
            self.con.execute(CONSENT_VIEW)
            ensure_purchases(self.con)
            if 0 < have < 2:  # version 2 records when each customer was first seen
                for table in CONTRACTS:
                    mark_first_seen(self.con, table)
            if 0 < have < 3:  # version 3 keeps run results in long format
                migrate_wide_scores(self.con)
            if 0 < have < 23:  # version 23 keeps consent as a history: what was loaded is its start
                for table in ("customers", "events"):
                    record_loaded_consent(self.con, table, None, "a file loaded before consent history was kept",
                                          now())
            if 0 < have < 7:  # version 7: currency codes in ISO 4217 upper case ("usd" was not "USD")
                self.con.execute("UPDATE orders SET currency = upper(currency) WHERE currency <> upper(currency)")
            self.con.execute(scores_view())
            if have < SCHEMA_VERSION:
                self.con.execute("DELETE FROM store_meta WHERE key = 'schema_version'")
                self.con.execute("INSERT INTO store_meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])

    # -- reading -------------------------------------------------------------------------

    def find_batch(self, content_hash: str, table: str, mode: str = "insert") -> dict[str, Any] | None:
        """The earlier batch that loaded this content into this table in this mode, if any (a
        file loaded before may be loaded again as an upsert, to replace what it conflicted with)."""
        row = self.con.execute(
            "SELECT batch_id, source_name, loaded_at FROM batches WHERE content_hash = ? AND table_name = ? "
            "AND coalesce(mode, 'insert') = ?", [content_hash, table, mode],
        ).fetchone()
        return None if row is None else {"batch_id": row[0], "source_name": row[1], "loaded_at": str(row[2])}

    def existing_relations(self) -> dict[str, str | None]:
        """Per keyed table, a relation of stored rows with ``_replaceable`` (stubs may be replaced)."""
        out: dict[str, str | None] = {}
        for name, contract in CONTRACTS.items():
            if not contract.key:
                continue
            replaceable = "coalesce(is_stub, false)" if name == "customers" else "false"
            out[name] = f"(SELECT *, {replaceable} AS _replaceable FROM {name})"
        return out

    def count(self, table: str) -> int:
        return self.con.execute(f"SELECT count(*) FROM {quote(table)}").fetchone()[0]

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        """A query's rows as dicts (no pandas: quick commands stay quick)."""
        cursor = self.con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def frame(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        return self.con.execute(sql, params or []).fetch_df()

    # -- writing (inside a transaction) ----------------------------------------------------

    def transaction(self) -> _Transaction:
        return _Transaction(self.con)

    def write_batch(
        self, staged: Staged, *, source_name: str, content_hash: str, mapping: str, changes: list[str] | None = None
    ) -> BatchResult:
        """Write staged rows, quarantine and the batch record; the caller commits."""
        from regulars.ingest import QUARANTINE
        con = self.con
        # numbers are never reused, not even an undone batch's
        seq = con.execute("SELECT greatest((SELECT coalesce(max(seq), 0) FROM batches), (SELECT coalesce(max("
                          "CAST(value AS BIGINT)), 0) FROM store_meta WHERE key = 'undone_batch_seq')) + 1").fetchone()[0]
        batch_id = f"b{seq:04d}-{content_hash[:6]}"
        written: dict[str, int] = {}
        for table, (view, columns) in staged.updates.items():  # an upsert's new versions first
            written[f"{table} updated"] = update_rows(con, table, view, columns, batch_id, now())
        for table, tmp in staged.outputs.items():
            if table == "customers":
                continue
            if table == "products":
                n = self._insert_new(tmp, "products", "product_id", batch_id)
            else:
                n = self._insert(tmp, table, batch_id)
            written[table] = n
            fault_point("mid_write")
        created = 0
        if staged.table == "customers":
            written["customers"] = self._insert_customers(staged.outputs["customers"], batch_id)
        else:
            side = staged.outputs.get("customers")
            if side:
                created += self._insert_side_customers(side, batch_id)
            created += insert_stubs(self.con, staged.table, staged.outputs[staged.table], batch_id)
            if created:
                written["customers"] = created
        if staged.table == "events":
            type_pages(con, self.settings.events.pages, batch_id)
            made = orders_from_checkouts(con, batch_id)
            if made:
                written["orders (from checkout events)"] = made
            linked = link_visitors(con, batch_id, staged=staged.outputs["events"])
            if linked:
                written["visitors linked"] = linked
        mark_first_seen(self.con, staged.table, batch_id)
        normalise_phones(self.con, self.settings, batch_id)
        if staged.table == "customers" or created:
            record_loaded_consent(con, "customers", batch_id, source_name, now())
        if staged.table == "events":
            record_loaded_consent(con, "events", batch_id, source_name, now())
        con.execute(
            f"""INSERT INTO quarantine SELECT ?, ?, ?, _row, reason, codes, CAST(original AS JSON)
                FROM {QUARANTINE}""",
            [batch_id, staged.table, source_name],
        )
        changes = [*(changes or []), *unknown_words(con, staged.table, batch_id)]
        loaded_at = now()
        con.execute(
            "INSERT INTO batches (batch_id, seq, table_name, source_name, content_hash, mapping, rows_read, "
            "rows_accepted, rows_quarantined, rows_unchanged, customers_created, written, loaded_at, rows_anonymous, "
            "rows_updated, mode, header, date_orders, changes, rows_suppressed) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [batch_id, seq, staged.table, source_name, content_hash, mapping, staged.rows_read,
             staged.rows_accepted, staged.rows_quarantined, staged.rows_unchanged, created,
             json.dumps(written), loaded_at, staged.rows_anonymous, staged.rows_updated,
             "upsert" if staged.upsert else "insert", json.dumps(staged.header), json.dumps(staged.date_orders),
             json.dumps(changes or []), staged.rows_suppressed],
        )
        if staged.table == "customers" or created or "visitors linked" in written:
            refresh_identities(self.con, seq)
        if staged.table in SALES_TABLES or created or "orders (from checkout events)" in written:
            refresh_purchases(self.con)
        self.audit("ingest", {"batch_id": batch_id, "table": staged.table, "source": source_name,
                              "rows_read": staged.rows_read, "rows_anonymous": staged.rows_anonymous,
                              "rows_updated": staged.rows_updated,
                              "rows_quarantined": staged.rows_quarantined, "rows_suppressed": staged.rows_suppressed})
        return BatchResult(
            batch_id=batch_id, table=staged.table, source_name=source_name,
            rows_read=staged.rows_read, rows_accepted=staged.rows_accepted,
            rows_quarantined=staged.rows_quarantined, rows_unchanged=staged.rows_unchanged,
            customers_created=created, written=written, loaded_at=str(loaded_at), rows_anonymous=staged.rows_anonymous,
            rows_updated=staged.rows_updated, changes=list(changes or []), rows_suppressed=staged.rows_suppressed,
        )

    def _columns(self, table: str) -> list[str]:
        return [c.name for c in CONTRACTS[table].columns] + ["attributes"]

    def _insert(self, tmp: str, table: str, batch_id: str) -> int:
        cols = ", ".join(quote(c) for c in self._columns(table))
        return self.con.execute(f"INSERT INTO {table} ({cols}, batch_id) SELECT {cols}, ? FROM {tmp}",
                                [batch_id]).fetchone()[0]

    def _insert_new(self, tmp: str, table: str, key: str, batch_id: str) -> int:
        cols = ", ".join(quote(c) for c in self._columns(table))
        return self.con.execute(
            f"INSERT INTO {table} ({cols}, batch_id) SELECT {cols}, ? FROM {tmp} t "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} s WHERE s.{key} = t.{key})", [batch_id]).fetchone()[0]

    def _email_norm(self) -> str:
        from regulars.ingest import email_norm_sql

        return email_norm_sql("email", self.settings.ingest.strip_plus_addressing)

    def _insert_customers(self, tmp: str, batch_id: str) -> int:
        """A customers file: new ids, and full records merged into minimal ones (the full record's
        values win; what only the minimal record knew, such as a phone from an order, is kept)."""
        names = [quote(c.name) for c in CONTRACTS["customers"].columns if c.name != "customer_id"]
        sets = ", ".join(f"{c} = coalesce(s.{c}, customers.{c})" for c in names)
        merged = self.con.execute(
            f"""UPDATE customers SET {sets}, is_stub = false, batch_id = ?,
                   attributes = CASE WHEN customers.attributes IS NULL THEN s.attributes
                                     WHEN s.attributes IS NULL THEN customers.attributes
                                     ELSE json_merge_patch(customers.attributes, s.attributes) END
                FROM {tmp} s WHERE customers.customer_id = s.customer_id AND customers.is_stub""",
            [batch_id],
        ).fetchone()[0]
        cols = ", ".join(quote(c) for c in self._columns("customers"))
        added = self.con.execute(
            f"""INSERT INTO customers ({cols}, is_stub, batch_id)
                SELECT {cols}, false, ? FROM {tmp} t
                WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = t.customer_id)""",
            [batch_id],
        ).fetchone()[0]
        self.con.execute(f"UPDATE customers SET email_norm = {self._email_norm()} WHERE batch_id = ?", [batch_id])
        return merged + added

    def _insert_side_customers(self, tmp: str, batch_id: str) -> int:
        """Profile fields found in a facts file: new minimal customers, or filling gaps of stubs."""
        names = [c.name for c in CONTRACTS["customers"].columns if c.name != "customer_id"]
        sets = ", ".join(f"{quote(c)} = coalesce(customers.{quote(c)}, s.{quote(c)})" for c in names)
        self.con.execute(
            f"UPDATE customers SET {sets} FROM {tmp} s "
            f"WHERE customers.customer_id = s.customer_id AND customers.is_stub"
        )
        cols = ", ".join(quote(c) for c in self._columns("customers"))
        created = self.con.execute(
            f"""INSERT INTO customers ({cols}, is_stub, batch_id)
                SELECT {cols}, true, ? FROM {tmp} t
                WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = t.customer_id)""",
            [batch_id],
        ).fetchone()[0]
        self.con.execute(
            f"UPDATE customers SET email_norm = {self._email_norm()} "
            "WHERE is_stub AND email IS NOT NULL AND email_norm IS NULL"
        )
        return created

    @cached_property
    def ibis(self) -> Any:
        """The store as an Ibis backend (made once per opening: making one reads the catalogue)."""
        import ibis

        return ibis.duckdb.from_connection(self.con)

    def resolved(self, table: str) -> Any:
        """A canonical table as an Ibis table, customer ids resolved through identity links."""
        backend = self.ibis
        rows, links = backend.table(table), backend.table("customer_map")
        if not self.con.execute("SELECT count(*) FROM identity_links").fetchone()[0]:
            # nobody is linked to anyone, so every id is its own resolved id: skip joining every row
            return rows.filter(rows.customer_id.notnull())
        joined = rows.join(links, "customer_id")
        # a visitor's events are the customer's from when they identified: each row keeps its
        # own id and that time, for features at an earlier cutoff (features.as_known)
        visitors = table == "events" and self.con.execute(
            "SELECT count(*) FROM identity_links WHERE linked_at IS NOT NULL").fetchone()[0]
        joined = joined.mutate(own_id=joined.customer_id) if visitors else joined.drop("linked_at")
        return joined.mutate(customer_id=joined.resolved_id).drop("resolved_id", "matched_on")

    def last_day(self, tables: tuple[str, ...]) -> date | None:
        """The last day any of ``tables`` has a row on (by each table's own time column)."""
        parts = [f"SELECT max({CONTRACTS[t].time_column}) AS t FROM {t}" for t in tables]
        last = self.con.execute(f"SELECT max(t) FROM ({' UNION ALL '.join(parts)})").fetchone()[0]
        return None if last is None else last.date()

    def currencies(self) -> dict[str, int]:
        """Orders per currency code (orders without one are left out), most used first."""
        return dict(self.con.execute(
            "SELECT currency, count(*) FROM orders WHERE currency IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1").fetchall())

    def data_version(self) -> str:
        """Changes whenever a batch is loaded, a person erased or old rows removed: models trained
        on an older version are stale (and retrained without the rows that went)."""
        row = self.con.execute(
            "SELECT count(*), string_agg(batch_id || ':' || content_hash, ',' ORDER BY seq), "
            "(SELECT count(*) FROM erasures), "
            "(SELECT count(*) FROM audit_log WHERE action = 'retention') FROM batches").fetchone()
        return (f"{row[0]}:{row[1] or ''}" + (f":erased {row[2]}" if row[2] else "")
                + (f":expired {row[3]}" if row[3] else ""))

    def feature_inputs(self) -> dict[str, Any]:
        """Every canonical table that has rows, as Ibis tables with resolved customer ids (rows
        without a customer, or of a person who said no to profiling, left out); ``texts``: tickets' and feedback's texts with their sentiment;
        ``refund_shares`` with the orders (``features.purchases``
        nets refunds with them); ``anonymous_orders``: the sales without a customer."""
        backend = self.ibis
        out = {}
        for name, contract in CONTRACTS.items():
            if not self.count(name):
                continue
            out[name] = self.resolved(name) if "customer_id" in contract.names else backend.table(name)
        if "tickets" in out or "feedback" in out:  # what customers wrote, with its sentiment once read
            texts = self.resolved("texts")
            out["texts"] = texts.filter(texts.label.notnull())
        if "orders" in out:  # what each refund takes from each purchase, for netting as of a cutoff
            out["refund_shares"] = backend.table("refund_shares")
        if "customers" in out:  # one profile per resolved customer: the fullest, earliest record
            out["customers"] = backend.table("customers").join(backend.table("customer_map"), "customer_id")
        if "orders" in out or self.count("orders"):
            # sales without a customer: kept apart (per-customer features never see them), for
            # what sells together and the shop's own measures
            orders = backend.table("orders")
            anonymous = orders.filter(orders.customer_id.isnull())
            if anonymous.count().to_pyarrow().as_py():
                out["anonymous_orders"] = anonymous
        if self.not_profiled():  # people who said no to profiling are neither scored nor planned
            now = backend.table("consent_now")
            refused = now.filter((now.topic == "profiling") & ~now.granted).select(refused_id=now.customer_id)
            for name, table in out.items():
                key = "resolved_id" if name == "customers" else "customer_id"
                if name != "anonymous_orders" and key in table.columns:
                    out[name] = table.anti_join(refused, table[key] == refused.refused_id)
        return out

    def not_profiled(self) -> int:
        """How many people said no to profiling (as their consent history says now)."""
        return self.con.execute("SELECT count(*) FROM consent_now WHERE topic = 'profiling' AND NOT granted"
                                ).fetchone()[0]

    def audit(self, action: str, detail: dict[str, Any], actor: str = "cli") -> None:
        self.con.execute("INSERT INTO audit_log VALUES (?, ?, ?, ?)", [now(), actor, action, json.dumps(detail)])


class _Transaction:
    """BEGIN on enter; COMMIT on a clean exit, ROLLBACK on any exception."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def __enter__(self) -> duckdb.DuckDBPyConnection:
        self.con.execute("BEGIN TRANSACTION")
        return self.con

    def __exit__(self, exc_type: type | None, *rest: object) -> None:
        self.con.execute("COMMIT" if exc_type is None else "ROLLBACK")
