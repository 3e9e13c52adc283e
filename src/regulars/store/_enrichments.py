"""What enrichers added to rows of a table: one row per enricher, version, table and row key,
with the enricher's numbers and words as lists (their names are the enricher's own)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from regulars.store._store import now

if TYPE_CHECKING:
    import pandas as pd

    from regulars.store._store import Store

__all__ = ["enriched_keys", "enrichments", "text_rows", "write_enrichments"]


def text_rows(store: Store, table: str) -> pd.DataFrame:
    """Every row of ``table`` (a table with text), its own columns."""
    return store.frame(f"SELECT * EXCLUDE (attributes, batch_id) FROM {table}")


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
