from __future__ import annotations

from datetime import date

import ibis
import pandas as pd
import pytest

from regulars.features import transaction_summary
from tests.conftest import SHARED_DATA


def cdnow_orders() -> pd.DataFrame:
    raw = pd.read_csv(SHARED_DATA / "cdnow" / "cdnow_sample.csv.gz", dtype=str)
    return pd.DataFrame({
        "customer_id": raw["master_customer_id"],
        "ordered_at": pd.to_datetime(raw["date"], format="%Y%m%d"),
        "amount": raw["dollar_value"].astype(float),
    })


@pytest.fixture(scope="session")
def cdnow_table():
    return ibis.duckdb.connect().create_table("orders", cdnow_orders())


@pytest.fixture(scope="session")
def cdnow_summary(cdnow_table) -> pd.DataFrame:
    """The paper's calibration: the 2,357-customer 1/10 sample, 39 weeks ending 1997-09-30, in weeks."""
    return transaction_summary(cdnow_table, date(1997, 10, 1), "weeks").to_pandas()
