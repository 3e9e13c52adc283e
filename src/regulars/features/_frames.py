"""The run's feature cache: customer features per cutoff, built once each and shared by every
scorer, backtest and plan of one run."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from regulars.features._customer import customer_features

__all__ = ["FeatureFrames"]


class FeatureFrames:
    """Customer features per cutoff, built once each: a run asks for the same cutoffs for several
    labels (churn and conversion share all four), so each feature query runs once."""

    def __init__(self, tables: dict[str, Any]) -> None:
        self.tables = tables
        self._frames: dict[date, pd.DataFrame] = {}

    def at(self, cutoff: date) -> pd.DataFrame:
        if cutoff not in self._frames:
            # sorted by DuckDB (in parallel), so splits never depend on scan order
            frame = customer_features(self.tables, cutoff).order_by("customer_id").to_pyarrow().to_pandas()
            frame = frame.set_index("customer_id")
            for c in frame.columns:
                if frame[c].dtype == object or str(frame[c].dtype) in ("str", "string"):
                    frame[c] = frame[c].astype("category")
            self._frames[cutoff] = frame
        return self._frames[cutoff]
