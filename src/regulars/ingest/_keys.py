"""Key checks of staged rows: an id repeated within the file, or already stored with the same
values (accepted, unchanged) or other values (quarantined, or with an upsert a new version)."""

from __future__ import annotations

import duckdb

from regulars.ingest._convert import lit, quote
from regulars.schema import TableContract

__all__ = ["key_checks"]


def _attribute_changes() -> tuple[str, str]:
    """SQL over a staged row ``t`` and its stored row ``e``: (the row brings columns the stored
    row lacks, the row has a column the stored row has with another value)."""
    def value(row: str) -> str:
        return f"json_extract({row}.attributes, '$.\"' || replace(k, '\"', '\\\"') || '\"')"

    def some(test: str) -> str:
        return f"coalesce(len(list_filter(json_keys(t.attributes), k -> {test})) > 0, false)"

    return some(f"{value('e')} IS NULL"), some(f"{value('e')} <> {value('t')}")


def key_checks(
    con: duckdb.DuckDBPyConnection, source: str, flags: str, view: str, contract: TableContract,
    mapped: list[str], existing: str | None, upsert: bool = False,
) -> None:
    """``view`` = ``source`` + duplicate-in-file and stored-key reasons + ``_unchanged`` +
    ``_update``.

    Rows whose key is already stored with the same values are accepted and unchanged; with
    other values they are quarantined, or with ``upsert`` replace the stored row (``_update``).
    Only rows with such problems enter ``flags``.
    """
    key = contract.key[0]
    k = quote(key)
    parts = [
        f"""SELECT v._row, {lit(key + ' ')} || '''' || v._key || ''' appears earlier in this file (row '
                   || d._first || ')' AS reason, {lit('duplicate_key:' + key)} AS code, false AS unchanged,
                   false AS changed
            FROM (SELECT _row, {k} AS _key FROM {source} WHERE _reason = '' AND {k} IS NOT NULL) v
            JOIN (SELECT {k} AS _key, min(_row) AS _first FROM {source}
                  WHERE _reason = '' AND {k} IS NOT NULL GROUP BY {k} HAVING count(*) > 1) d
            USING (_key) WHERE v._row > d._first"""
    ]
    if existing is not None:
        compared = [c for c in mapped if c != key]
        same = " AND ".join(f"t.{quote(c)} IS NOT DISTINCT FROM e.{quote(c)}" for c in compared) or "true"
        kept = any(r[0] == "attributes" for r in con.execute(f"DESCRIBE {source}").fetchall())
        adds, clash = _attribute_changes() if kept else ("false", "false")
        conflict = "false" if upsert else f"(NOT ({same}) OR {clash})"
        unchanged = f"({same} AND NOT {adds} AND NOT {clash})"
        # an upsert replaces what changed; otherwise columns the stored row lacks are added to it
        changed = f"NOT {unchanged}" if upsert else f"({same} AND {adds} AND NOT {clash})"
        parts.append(
            f"""SELECT t._row,
                       CASE WHEN {conflict} THEN {lit(key + ' ')} || '''' || t.{k} ||
                            ''' is already stored with different values (batch ' || e.batch_id || '); '
                            || 'load it with --mode upsert to replace the stored row' END,
                       CASE WHEN {conflict} THEN {lit('conflicts_with_store:' + key)} END,
                       {unchanged}, {changed}
                FROM {source} t JOIN {existing} e ON t.{k} = e.{k}
                WHERE t._reason = '' AND NOT e._replaceable"""
        )
    con.execute(
        f"""CREATE TEMP TABLE {flags} AS
            SELECT _row, string_agg(reason, '; ') AS reason, string_agg(code, '; ') AS code,
                   bool_and(unchanged) AS unchanged, bool_or(changed) AS changed
            FROM ({' UNION ALL '.join(parts)}) GROUP BY _row"""
    )
    if con.execute(f"SELECT count(*) FROM {flags}").fetchone()[0]:
        con.execute(
            f"""CREATE TEMP VIEW {view} AS
                SELECT s.* EXCLUDE (_reason, _codes),
                       concat_ws('; ', NULLIF(s._reason, ''), f.reason) AS _reason,
                       concat_ws('; ', NULLIF(s._codes, ''), f.code) AS _codes,
                       coalesce(f.unchanged, false) AS _unchanged, coalesce(f.changed, false) AS _update
                FROM {source} s LEFT JOIN {flags} f USING (_row)"""
        )
    else:
        con.execute(f"CREATE TEMP VIEW {view} AS SELECT *, false AS _unchanged, false AS _update FROM {source}")
