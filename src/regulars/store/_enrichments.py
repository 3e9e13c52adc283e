"""What enrichers added to rows of a table: one row per enricher, version, table and row key,
with the enricher's numbers and words as lists (their names are the enricher's own)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from regulars.store._schema import ROW_KEYS, TEXTS_VIEW
from regulars.store._store import now

if TYPE_CHECKING:
    import pandas as pd

    from regulars.store._store import Store

__all__ = ["enriched_keys", "enrichments", "keep_sentiment_check", "sentiment_check",
           "stored_texts", "text_rows", "theme_names", "write_enrichments"]

def text_rows(store: Store, table: str) -> pd.DataFrame:
    """Every row of ``table`` (a table with text), its own columns and its ``row_key``."""
    return store.frame(f"SELECT * EXCLUDE (attributes, batch_id), {ROW_KEYS[table]} AS row_key FROM {table}")


def stored_texts(store: Store, source: str | None = None, customer_ids: list[str] | None = None,
                 limit: int | None = None) -> pd.DataFrame:
    """The texts (newest first) with their sentiment, from one ``source`` table or both, of some
    customers (resolved ids) or all; each under its customer's resolved id."""
    where, params = ["TRUE"], []
    if source:
        where.append("source = ?")
        params.append(source)
    if customer_ids is not None:
        where.append("list_contains(?, customer_id)")
        params.append(list(customer_ids))
    tail = f" LIMIT {int(limit)}" if limit else ""
    return store.frame("SELECT * FROM (SELECT t.* REPLACE (coalesce(m.resolved_id, t.customer_id) AS customer_id) "
                       "FROM texts t LEFT JOIN customer_map m USING (customer_id)) "
                       f"WHERE {' AND '.join(where)} ORDER BY written_at DESC, row_key{tail}", params)


def theme_names(store: Store) -> list[str]:
    """The names themes were given so far (a run that finds one again keeps its name)."""
    return [r[0] for r in store.con.execute(
        "SELECT words[1] FROM enrichments WHERE enricher = 'theme' AND words[1] <> '' GROUP BY 1 "
        "ORDER BY max(enriched_at) DESC, 1").fetchall()]


def sentiment_check(store: Store, version: str) -> dict | None:
    """The held-out check that chose the sentiment engine for this version, if it was made."""
    import json

    row = store.con.execute("SELECT figures FROM sentiment_checks WHERE version = ? ORDER BY checked_at DESC LIMIT 1",
                            [version]).fetchone()
    return json.loads(row[0]) if row else None


def keep_sentiment_check(store: Store, version: str, figures: dict) -> None:
    """Keep the check that chose the engine, for the card and for the runs that follow."""
    import json

    store.con.execute("INSERT INTO sentiment_checks VALUES (?, ?, ?)", [version, json.dumps(figures), now()])


def enriched_keys(store: Store, enricher: str, version: str, table: str) -> set[str]:
    """The rows of ``table`` this enricher's ``version`` has enriched already."""
    return {r[0] for r in store.con.execute(
        "SELECT row_key FROM enrichments WHERE enricher = ? AND version = ? AND table_name = ?",
        [enricher, version, table]).fetchall()}


def write_enrichments(store: Store, enricher: str, version: str, table: str, frame: pd.DataFrame,
                      numbers: tuple[str, ...], words: tuple[str, ...]) -> int:
    """Store ``frame`` (row_key and the enricher's columns) in one transaction, replacing what an
    older version said about the same rows. Returns how many rows were stored."""
    import pandas as pd

    rows = pd.DataFrame({
        "row_key": frame["row_key"].astype(str),
        "numbers": frame[list(numbers)].astype(float).values.tolist() if numbers else [[]] * len(frame),
        "words": frame[list(words)].astype(str).values.tolist() if words else [[]] * len(frame)})
    with store.transaction() as con:
        con.register("_enriched", rows)
        con.execute("DELETE FROM enrichments WHERE enricher = ? AND table_name = ? AND row_key IN "
                    "(SELECT row_key FROM _enriched)", [enricher, table])
        con.execute("INSERT INTO enrichments SELECT ?, ?, ?, row_key, numbers, words, ? FROM _enriched",
                    [enricher, version, table, now()])
        con.unregister("_enriched")
    return len(rows)


def enrichments(store: Store, enricher: str, table: str) -> pd.DataFrame:
    """An enricher's rows for ``table``: row_key, version, numbers, words."""
    return store.frame("SELECT row_key, version, numbers, words FROM enrichments WHERE enricher = ? AND table_name = ? "
                       "ORDER BY row_key", [enricher, table])
