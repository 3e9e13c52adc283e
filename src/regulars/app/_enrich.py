"""Enrich: run each enricher over the rows it has not read yet and store what it adds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from regulars.app._results import EnrichResult
from regulars.store import (
    enriched_keys,
    keep_sentiment_check,
    open_workspace,
    sentiment_check,
    text_rows,
    theme_names,
    write_enrichments,
)

__all__ = ["enrich"]


def enrich(workspace_path: str | Path, enrichers: list[Any] | None = None) -> EnrichResult:
    """Each enricher over its table's rows not yet enriched by its version (all of them once, then
    only new rows); per enricher and table, how many rows were enriched now and before. By
    default: the sentiment and theme of every ticket and feedback text, with the sentiment engine the shop's held-out
    check chose (kept, and reported as ``check``)."""
    from regulars.enrich import ENRICHABLE, Sentiment, SentimentReader, Themes, rated_texts

    workspace = open_workspace(workspace_path)
    counts = []
    with workspace.store() as store:
        rows = {table: text_rows(store, table) for table in ENRICHABLE if store.count(table)}
        reader = None
        if enrichers is None:
            reader = SentimentReader(rated_texts(rows), workspace.settings.voice.words)
            reader.check = sentiment_check(store, reader.version)
            corpus = [t for frame in rows.values() for t in frame["text"].dropna().astype(str) if t.strip()]
            previous = theme_names(store)
            enrichers = [Sentiment(table, reader) for table in rows] + [Themes(t, corpus, previous) for t in rows]
        for enricher in enrichers:
            if enricher.table not in rows:
                continue
            table_rows = rows[enricher.table]
            done = enriched_keys(store, enricher.name, enricher.version, enricher.table)
            todo = table_rows[~table_rows["row_key"].isin(done)].drop_duplicates("row_key")
            added = enricher.enrich(todo) if len(todo) else None
            stored = write_enrichments(store, enricher.name, enricher.version, enricher.table, added,
                                       enricher.numbers, enricher.words) if added is not None else 0
            counts.append({"enricher": enricher.name, "table": enricher.table, "version": enricher.version,
                           "enriched": stored, "already": len(done)})
        if reader is not None and rows and reader.check is None:
            reader.engine()  # the card says which engine reads this shop, even when nothing was new
        if reader is not None and reader.checked_now:
            keep_sentiment_check(store, reader.version, reader.check)
    return EnrichResult(enrichers=counts, check=reader.check if reader is not None else None)
