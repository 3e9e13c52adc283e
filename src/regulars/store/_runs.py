"""Writing runs: a scoring run's long-format results, or a prediction run's rows, with its cards."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from regulars._json import dumps
from regulars.store._schema import RESULT_COLUMNS
from regulars.store._store import now

if TYPE_CHECKING:
    import pandas as pd

    from regulars.store._store import Store

__all__ = ["write_predictions", "write_run"]


def _next_run_id(store: Store) -> str:
    """r0001, r0002, ...: one more than the highest so far, so deleted runs free no id."""
    seq = store.con.execute(
        "SELECT coalesce(max(TRY_CAST(substr(run_id, 2) AS BIGINT)), 0) + 1 FROM runs").fetchone()[0]
    return f"r{seq:04d}"


def write_run(store: Store, cutoff: Any, models: dict[str, Any], skipped: dict[str, str], results: pd.DataFrame) -> str:
    """Store one run: its models' cards, what was skipped and why, and its results in long format
    (a frame with exactly the ``results`` columns but run_id). The caller commits."""
    expected = [c for c in RESULT_COLUMNS if c != "run_id"]
    if list(results.columns) != expected:
        raise ValueError(f"run results must have the columns {expected}, got {list(results.columns)}")
    run_id = _next_run_id(store)
    con = store.con
    con.register("_results", results)
    con.execute(f"INSERT INTO results SELECT ?, {', '.join(expected)} FROM _results", [run_id])
    customers = con.execute("SELECT count(DISTINCT customer_id) FROM _results").fetchone()[0]
    con.unregister("_results")
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
