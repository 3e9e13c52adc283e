"""What the home page reads besides the measures: a run's headline figures as kept with it, and
how fresh each table's data is; and the stored tables handed to ``regulars.metrics``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from regulars._json import dumps

if TYPE_CHECKING:
    from regulars.store._store import Store

__all__ = ["freshness", "kept_figures", "keep_figures", "stored_tables"]


def stored_tables(store: Store, *names: str) -> dict[str, Any]:
    """Stored tables and views by name as Ibis tables, as kept (customer ids not resolved)."""
    return {name: store.ibis.table(name) for name in names}


def keep_figures(store: Store, run_id: str, figures: dict[str, Any]) -> None:
    """Keep a run's headline figures with it (the home page reads them back)."""
    store.con.execute("UPDATE runs SET figures = ? WHERE run_id = ?", [dumps(figures), run_id])


def kept_figures(store: Store, run_id: str) -> dict[str, Any] | None:
    """A run's headline figures as kept with it (None for runs before schema 8)."""
    kept = store.con.execute("SELECT figures FROM runs WHERE run_id = ?", [run_id]).fetchone()
    return json.loads(kept[0]) if kept and kept[0] else None


def freshness(store: Store) -> list[dict[str, Any]]:
    """Per table: when data was last loaded and how many batches it has."""
    return store.rows(
        """SELECT table_name AS "table", CAST(max(loaded_at) AS VARCHAR) AS loaded_at, count(*) AS batches
           FROM batches GROUP BY 1 ORDER BY max(loaded_at) DESC""")
