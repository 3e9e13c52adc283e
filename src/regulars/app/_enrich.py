"""Enrich: run each enricher over the rows it has not read yet and store what it adds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from regulars.app._results import EnrichResult
from regulars.store import enriched_keys, open_workspace, text_rows, write_enrichments

__all__ = ["enrich"]


def _default_enrichers() -> list[Any]:
    from regulars.enrich import TextSize

    return [TextSize("tickets"), TextSize("feedback")]


def enrich(workspace_path: str | Path, enrichers: list[Any] | None = None) -> EnrichResult:
    """Each enricher over its table's rows not yet enriched by its version (all of them once, then
    only new rows); per enricher and table, how many rows were enriched now and before."""
    from regulars.enrich import row_keys

    workspace = open_workspace(workspace_path)
    counts = []
    with workspace.store() as store:
        for enricher in enrichers if enrichers is not None else _default_enrichers():
            if not store.count(enricher.table):
                continue
            rows = text_rows(store, enricher.table)
            rows["row_key"] = row_keys(rows, enricher.table)
            done = enriched_keys(store, enricher.name, enricher.version, enricher.table)
            todo = rows[~rows["row_key"].isin(done)].drop_duplicates("row_key")
            added = enricher.enrich(todo) if len(todo) else None
            stored = write_enrichments(store, enricher.name, enricher.version, enricher.table, added,
                                       enricher.numbers, enricher.words) if added is not None else 0
            counts.append({"enricher": enricher.name, "table": enricher.table, "version": enricher.version,
                           "enriched": stored, "already": len(done)})
    return EnrichResult(enrichers=counts)
