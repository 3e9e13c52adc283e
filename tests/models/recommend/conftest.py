"""A real slice of UCI Online Retail: 1,200 customers' purchase lines from May 2011 on."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import FIXTURES


@pytest.fixture(scope="session")
def uci_lines() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train, test): lines before and from 2011-10-01."""
    frame = pd.read_csv(FIXTURES / "uci_lines.csv.gz", dtype=str)
    frame["ordered_at"] = pd.to_datetime(frame["ordered_at"])  # pandas 2 keeps dtype=str columns as text
    split = pd.Timestamp("2011-10-01")
    return frame[frame["ordered_at"] < split], frame[frame["ordered_at"] >= split]
