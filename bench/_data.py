"""Benchmark inputs: the real UCI Online Retail file and a synthetic orders file we generate."""

from __future__ import annotations

from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent
WORK = ROOT / "_work"
SHARED = ROOT.parent.parent / "shared" / "data"
ONLINE_RETAIL = SHARED / "online_retail" / "online_retail.csv.gz"


def synthetic_orders(rows: int, customers: int) -> Path:
    """A deterministic orders CSV with ``rows`` orders over ``customers`` customers (made once)."""
    WORK.mkdir(exist_ok=True)
    path = WORK / f"orders_{rows}.csv"
    if path.exists():
        return path
    con = duckdb.connect()
    con.execute(
        f"""COPY (
            SELECT 'O' || lpad(CAST(i AS VARCHAR), 9, '0') AS order_id,
                   'C' || lpad(CAST(hash(i) % {customers} AS VARCHAR), 7, '0') AS customer_id,
                   strftime(TIMESTAMP '2022-01-01' + to_seconds(CAST(hash(i * 7) % 63072000 AS BIGINT)),
                            '%Y-%m-%d %H:%M:%S') AS ordered_at,
                   round(5 + (hash(i * 13) % 20000) / 100.0, 2) AS amount,
                   CASE WHEN hash(i * 17) % 50 = 0 THEN 'refunded' ELSE 'completed' END AS status,
                   'GBP' AS currency,
                   CASE hash(i * 19) % 3 WHEN 0 THEN 'web' WHEN 1 THEN 'shop' ELSE 'phone' END AS channel
            FROM range({rows}) t(i)
        ) TO '{path}' (HEADER, DELIMITER ',')"""
    )
    con.close()
    return path


def simulated_transactions(customers: int, seed: int = 42) -> Path:
    """A BG/NBD transaction log (customer_id, date, amount) for ``customers`` customers (made once).

    First purchases fall in the first 26 weeks of 1997; purchases follow the BG/NBD story
    (r 0.243, alpha 4.414 per week, a 0.793, b 2.426, the CDNOW values); spend is gamma
    distributed per customer. Observation ends on 1998-06-30, as in CDNOW.
    """
    import numpy as np
    import pandas as pd

    WORK.mkdir(exist_ok=True)
    path = WORK / f"transactions_{customers}.parquet"
    if path.exists():
        return path
    rng = np.random.default_rng(seed)
    horizon = 78 * 7.0
    first = rng.integers(0, 26 * 7, customers).astype(float)
    lam = rng.gamma(0.243, 1 / 4.414, customers) / 7  # per day
    p = rng.beta(0.793, 2.426, customers)
    spend = rng.gamma(6.25, 1 / rng.gamma(3.74, 1 / 15.44, customers))
    who, when = [np.arange(customers)], [first]
    t, active = first.copy(), np.ones(customers, dtype=bool)
    while active.any():
        idx = np.flatnonzero(active)
        nxt = t[idx] + rng.exponential(1 / np.maximum(lam[idx], 1e-12))
        buys = nxt < horizon
        buyers = idx[buys]
        who.append(buyers)
        when.append(nxt[buys])
        t[buyers] = nxt[buys]
        active[idx[~buys]] = False
        active[buyers[rng.random(len(buyers)) < p[buyers]]] = False
    who, when = np.concatenate(who), np.concatenate(when)
    frame = pd.DataFrame({
        "customer_id": who.astype("int64"),
        "date": pd.Timestamp("1997-01-01") + pd.to_timedelta(np.floor(when), unit="D"),
        "amount": np.round(rng.gamma(6.25, spend[who] / 6.25), 2),
    })
    frame.to_parquet(path, index=False)
    return path


def cdnow_transactions() -> Path:
    """CDNOW master as (customer_id, date, amount) parquet."""
    import pandas as pd

    WORK.mkdir(exist_ok=True)
    path = WORK / "cdnow_transactions.parquet"
    if not path.exists():
        raw = pd.read_csv(SHARED / "cdnow" / "cdnow_master.csv.gz", dtype=str)
        pd.DataFrame({
            "customer_id": raw["customer_id"].astype("int64"),
            "date": pd.to_datetime(raw["date"], format="%Y%m%d"),
            "amount": raw["dollar_value"].astype(float),
        }).to_parquet(path, index=False)
    return path
