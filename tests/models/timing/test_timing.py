"""The timing scorer's counts agree with a plain pandas count of the same events and orders
(hours, weekdays, weekdays of orders and channels, per customer, only before the cutoff), and
few events follow the customer's group while many follow the customer."""

from __future__ import annotations

from datetime import date

import ibis
import numpy as np
import pandas as pd

from regulars.models.timing import activity, activity_counts, group_prior, shrunk_best


def test_counts_match_pandas():
    rng = np.random.default_rng(5)
    n = 3000
    at = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 400 * 24 * 60, n), "min")
    events = pd.DataFrame({"customer_id": rng.integers(0, 40, n).astype(str), "occurred_at": at,
                           "event_type": rng.choice(["email_open", "page_view", "email_sent"], n),
                           "channel": rng.choice(["email", "web", None, "sms"], n)})
    orders = pd.DataFrame({"order_id": np.arange(500).astype(str), "customer_id": rng.integers(0, 40, 500).astype(str),
                           "ordered_at": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 400, 500), "D"),
                           "channel": rng.choice(["shop", "web"], 500), "amount": 10.0, "status": "completed"})
    con = ibis.duckdb.connect()
    tables = {"events": con.create_table("events", events), "orders": con.create_table("orders", orders)}
    customers = pd.Index([str(i) for i in range(45)])  # 40-44 have no activity
    index, channels, counts = activity_counts(activity(tables, date(2025, 1, 1)), customers)

    cutoff = pd.Timestamp("2025-01-01")
    seen = events[(events["occurred_at"] < cutoff) & (events["event_type"] != "email_sent")]
    seen = seen.assign(channel=seen["channel"].fillna("web"))
    bought = orders[orders["ordered_at"] < cutoff].rename(columns={"ordered_at": "occurred_at"})
    rows = pd.concat([seen.assign(order=False), bought.assign(order=True)])
    assert channels == ["email", "shop", "sms", "web"]
    assert list(index) == sorted(rows["customer_id"].unique(), key=int)

    def table(frame, by, width):
        return frame.groupby(["customer_id", by]).size().unstack(fill_value=0).reindex(
            index=index, columns=range(width) if width else channels, fill_value=0).to_numpy()

    assert (counts["hour"] == table(rows.assign(h=rows["occurred_at"].dt.hour), "h", 24)).all()
    weekday = rows.assign(w=rows["occurred_at"].dt.day_of_week)
    assert (counts["weekday"] == table(weekday, "w", 7)).all()
    assert (counts["order_weekday"] == table(weekday[weekday["order"].astype(bool)], "w", 7)).all()
    assert (counts["channel"] == table(rows, "channel", 0)).all()


def test_a_customer_with_one_event_follows_their_group_and_a_regular_their_habit():
    hours = np.zeros((3, 24), dtype=np.int32)  # as the scorer counts them
    hours[0, 18], hours[1, 18], hours[2, 3] = 200, 100, 1  # two evening regulars; one event at 3 a.m.
    best, share = shrunk_best(hours, group_prior(hours, np.zeros(3, dtype=np.int64)))
    assert best.tolist() == [18, 18, 18] and share[2] < share[0]
    hours[2, 3] = 50  # fifty nights at 3 a.m. are a habit of their own
    best, _ = shrunk_best(hours, group_prior(hours, np.zeros(3, dtype=np.int64)))
    assert best.tolist() == [18, 18, 3]
