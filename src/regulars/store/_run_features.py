"""The features a run scored its customers on, kept with the latest run: what planning, rule
checks and previews evaluate against, read back instead of computed again. Only the latest
run's are kept (a run of a million customers keeps a million rows); an older run's are worked
out again by whoever needs them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from regulars.store._store import Store

__all__ = ["keep_run_features", "run_features"]


def keep_run_features(store: Store, run_id: str, features: pd.DataFrame) -> None:
    """Keep ``features`` (indexed by customer id) as run ``run_id``'s, in place of the last run's."""
    store.con.register("_features", features.reset_index())
    try:
        store.con.execute("CREATE OR REPLACE TABLE run_features AS SELECT ?::VARCHAR AS run_id, * FROM _features",
                          [run_id])
    finally:
        store.con.unregister("_features")


def run_features(store: Store, run_id: str) -> pd.DataFrame | None:
    """Run ``run_id``'s features as kept (indexed by customer id, text as categories), or None
    when they are not kept (an older run, or a run stored before they were)."""
    if not store.con.execute("SELECT 1 FROM run_features WHERE run_id = ? LIMIT 1", [run_id]).fetchone():
        return None
    frame = store.con.execute("SELECT * EXCLUDE (run_id) FROM run_features WHERE run_id = ? ORDER BY customer_id",
                              [run_id]).to_arrow_table().to_pandas().set_index("customer_id")
    for column in frame.columns:
        if frame[column].dtype == object or str(frame[column].dtype) in ("str", "string"):
            frame[column] = frame[column].astype("category")
    return frame
