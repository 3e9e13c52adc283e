"""Writing runs: a scoring run's long-format results, or a prediction run's rows, with its cards."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from regulars._faults import fault_point
from regulars._json import dumps
from regulars.store._schema import PART_COLUMNS, RUN_TABLES
from regulars.store._store import now

if TYPE_CHECKING:
    import pandas as pd

    from regulars.store._store import Store

__all__ = ["ResultPart", "write_predictions", "write_run"]


def _next_run_id(store: Store) -> str:
    """r0001, r0002, ...: one more than the highest so far, so deleted runs free no id."""
    seq = store.con.execute(
        "SELECT coalesce(max(TRY_CAST(substr(run_id, 2) AS BIGINT)), 0) + 1 FROM runs").fetchone()[0]
    return f"r{seq:04d}"


@dataclass(frozen=True)
class ResultPart:
    """One scorer's results for a run: ``table`` (Arrow, columns ``PART_COLUMNS``) holds a row per
    customer; ``measures`` and ``labels`` name the entries of its lists, in order. ``tables`` holds
    rows for the run's other tables (``RUN_TABLES``: segment members, recommendations, ...)."""

    scorer: str
    model_version: str
    measures: list[str]
    labels: list[str]
    table: Any
    tables: dict[str, Any] = field(default_factory=dict)


def write_run(store: Store, cutoff: Any, models: dict[str, Any], skipped: dict[str, str],
              parts: list[ResultPart]) -> str:
    """Store one run: its models' cards, what was skipped and why, and each scorer's results
    (one row per customer and scorer). The caller commits."""
    for part in parts:
        if tuple(part.table.column_names) != PART_COLUMNS:
            raise ValueError(f"{part.scorer} results must have the columns {PART_COLUMNS}, got {part.table.column_names}")
        for name, rows in part.tables.items():
            wanted = tuple(c for c, _ in RUN_TABLES.get(name, ()))
            if not wanted or tuple(rows.column_names) != wanted:
                raise ValueError(f"{part.scorer}: {name} is not a run table with the columns {wanted}")
    run_id = _next_run_id(store)
    con = store.con
    for part in parts:
        con.register("_part", part.table)
        con.execute("INSERT INTO results SELECT ?, customer_id, ?, measures, labels, reasons, ? FROM _part",
                    [run_id, part.scorer, part.model_version])
        con.unregister("_part")
        con.execute("INSERT INTO run_measures VALUES (?, ?, ?, ?)", [run_id, part.scorer, part.measures, part.labels])
        for name, rows in part.tables.items():
            con.register("_rows", rows)
            con.execute(f"INSERT INTO {name} SELECT ?, * FROM _rows", [run_id])
            con.unregister("_rows")
    fault_point("run-storing")  # results written, the run not yet: a crash here must leave no trace
    customers = con.execute("SELECT count(DISTINCT customer_id) FROM results WHERE run_id = ?", [run_id]).fetchone()[0]
    con.execute("INSERT INTO runs (run_id, created_at, cutoff, models, customers, skipped) VALUES (?, ?, ?, ?, ?, ?)",
                [run_id, now(), cutoff, dumps(models), customers, dumps(skipped)])
    store.audit("run", {"run_id": run_id, "cutoff": str(cutoff), "customers": customers})
    return run_id


def write_predictions(store: Store, target: str, card: dict[str, Any], scored: pd.DataFrame) -> str:
    """Store a prediction run (its model card in ``runs``, its rows in ``predictions``)."""
    run_id = _next_run_id(store)
    con = store.con
    con.register("_scored", scored)
    con.execute("INSERT INTO predictions SELECT ?, ?, customer_id, probability, reasons FROM _scored", [run_id, target])
    con.unregister("_scored")
    con.execute("INSERT INTO runs (run_id, created_at, cutoff, models, customers) VALUES (?, ?, NULL, ?, ?)",
                [run_id, now(), dumps(card), len(scored)])
    store.audit("predict", {"run_id": run_id, "target": target, "customers": len(scored)})
    return run_id
