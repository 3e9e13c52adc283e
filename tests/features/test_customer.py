"""Point-in-time customer features: definitions, missing tables, and no leakage past the cutoff."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from regulars import app
from regulars.errors import InsufficientDataError
from regulars.features import customer_features
from regulars.store import open_workspace

CUTOFF = date(2024, 7, 1)


@pytest.fixture(scope="module")
def demo_shop(tmp_path_factory):
    from regulars.app import demo as run_demo

    path = tmp_path_factory.mktemp("features") / "demo"
    run_demo(path, customers=400, seed=9)
    return path


def features(path, cutoff=CUTOFF) -> pd.DataFrame:
    with open_workspace(path).store(read_only=True) as store:
        return customer_features(store.feature_inputs(), cutoff).to_pandas().set_index("customer_id")


def test_every_group_is_present_and_counts_are_zero_not_missing(demo_shop):
    f = features(demo_shop)
    for column in ("orders_total", "days_since_last_order", "lateness", "items_per_order", "email_open_rate_90d",
                   "web_visits_30d", "tickets_total", "latest_nps", "lead_source", "days_since_signup"):
        assert column in f.columns, column
    assert f["tickets_total"].notna().all() and (f["tickets_total"] >= 0).all()
    assert (f["orders_90d"] <= f["orders_total"].fillna(0) + 0).all()
    assert f.index.is_unique


def _plant_after_cutoff(path) -> None:
    """Rows dated on or after the cutoff in every table, for existing customers."""
    rows = {
        "orders": "order_id,customer_id,ordered_at,amount\nLATE1,C00001,2024-07-01,999\nLATE2,C00002,2024-09-01,5\n",
        "events": "customer_id,occurred_at,event_type\nC00001,2024-07-01 00:00:00,pricing_view\nC00003,2024-08-01,email_open\n",
        "tickets": "ticket_id,customer_id,opened_at\nLATE-T,C00001,2024-07-02\n",
        "feedback": "customer_id,submitted_at,kind,score\nC00001,2024-07-05,nps,0\n",
        "messages": "message_id,customer_id,sent_at\nLATE-M,C00001,2024-07-01\n",
    }
    for table, text in rows.items():
        file = path / f"late_{table}.csv"
        file.write_text(text)
        app.ingest(path, [file], table=table)


def test_rows_after_the_cutoff_change_nothing(demo_shop, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(demo_shop, copy)
    before = features(copy)
    _plant_after_cutoff(copy)
    after = features(copy)
    pd.testing.assert_frame_equal(after.loc[before.index, before.columns], before)
    # and the same rows do count once the cutoff passes them
    later = features(copy, date(2024, 10, 1))
    assert later.loc["C00001", "orders_total"] >= before.loc["C00001", "orders_total"] + 1


def test_missing_tables_mean_missing_features(workspace, write):
    app.ingest(workspace, [write("o.csv", "order_id,customer_id,ordered_at,amount\n1,a,2024-01-01,5\n2,a,2024-02-01,7\n")],
                    table="orders")
    f = features(workspace)
    assert "orders_total" in f.columns and "web_visits_30d" not in f.columns and "tickets_total" not in f.columns
    assert f.loc["a", "orders_total"] == 2 and f.loc["a", "mean_days_between_orders"] == 31
    assert f.loc["a", "avg_order_value"] == 6


def test_no_activity_at_all(workspace):
    with open_workspace(workspace).store(read_only=True) as store, pytest.raises(InsufficientDataError, match="no orders, events"):
        customer_features(store.feature_inputs(), CUTOFF)


def test_rhythm_counts_purchase_days_and_windows_count_zero(workspace, write):
    orders = ("order_id,customer_id,ordered_at,amount\n1,a,2024-03-01 09:00,5\n2,a,2024-03-01 17:00,5\n"
              "3,a,2024-03-11,5\n4,a,2024-03-31,5\n5,b,2024-06-20,5\n")
    events = ("customer_id,occurred_at,event_type\na,2023-01-05,email_unsubscribe\na,2024-06-25,pricing_view\n"
              "a,2024-05-15,page_view\nb,2023-02-01,page_view\n")
    app.ingest(workspace, [write("o.csv", orders)], table="orders")
    app.ingest(workspace, [write("e.csv", events)], table="events")
    f = features(workspace)
    # two orders on 1 March are one purchase day: gaps are 10 and 20 days
    assert f.loc["a", "mean_days_between_orders"] == 15
    assert f.loc["a", "std_days_between_orders"] == pytest.approx(7.0711, abs=1e-4)
    assert pd.isna(f.loc["b", "mean_days_between_orders"])
    assert f.loc["a", "pricing_views_30d"] == 1 and f.loc["a", "web_visits_30d"] == 1
    assert f.loc["a", "web_visits_prev_30d"] == 1 and f.loc["a", "email_unsubscribes"] == 1
    # b's only event is long before the windows: zero, not missing
    assert f.loc["b", "web_visits_30d"] == 0 and f.loc["b", "pricing_views_30d"] == 0
    assert f.loc["b", "days_since_last_event"] == pytest.approx((pd.Timestamp(CUTOFF) - pd.Timestamp("2023-02-01")).days)


def test_the_feature_query_is_compiled_once_and_gives_what_compiling_it_gives(demo_shop, monkeypatch):
    """FeatureFrames runs the query compiled once per shape of the shop at any cutoff: the same
    frame as compiling it at that cutoff, and a second store opening compiles nothing."""
    import ibis

    from regulars.features import FeatureFrames

    cutoffs = (date(2024, 3, 1), CUTOFF)
    with open_workspace(demo_shop).store(read_only=True) as store:
        tables = store.feature_inputs()
        got = {c: FeatureFrames(tables).at(c) for c in cutoffs}
        for c in cutoffs:
            direct = customer_features(tables, c).order_by("customer_id").to_pyarrow().to_pandas().set_index("customer_id")
            for column in direct.columns:
                if direct[column].dtype == object or str(direct[column].dtype) in ("str", "string"):
                    direct[column] = direct[column].astype("category")
            pd.testing.assert_frame_equal(got[c], direct)
    compiled = []
    real = ibis.to_sql
    monkeypatch.setattr(ibis, "to_sql", lambda expr, *a, **k: compiled.append(expr) or real(expr, *a, **k))
    with open_workspace(demo_shop).store(read_only=True) as store:
        again = FeatureFrames(store.feature_inputs()).at(date(2024, 5, 1))
    assert len(again) > 100 and len(compiled) <= 2  # the cutoff's literal, and the sentinel's: no query
    assert all(len(str(real(e))) < 300 for e in compiled)


def test_one_customer_in_every_few_has_the_features_and_label_everyone_would_give_them(demo_shop):
    """A check that trains on a sample builds features for about one customer in ``every``: the
    same customers at every cutoff, each with exactly the features and label of the whole."""
    from regulars.features import FeatureFrames, one_in, time_labels

    with open_workspace(demo_shop).store(read_only=True) as store:
        tables = store.feature_inputs()
        frames = FeatureFrames(tables)
        whole, some = FeatureFrames(tables).at(CUTOFF), frames.at(CUTOFF, 4)
        earlier = frames.at(date(2024, 3, 1), 4)
        labels = {k: time_labels(t, "churn", CUTOFF, 90).to_pandas().set_index("customer_id")["label"]
                  for k, t in (("whole", tables), ("some", one_in(tables, 4)))}
        assert frames.at(date(2024, 3, 1), 4) is earlier  # kept, not built again
        assert frames.at(CUTOFF, 4) is some and frames.at(CUTOFF).shape == whole.shape
        assert frames.at(CUTOFF, 4).shape == whole.shape  # everyone, once that is built
    assert 0.15 * len(whole) < len(some) < 0.35 * len(whole)
    assert 0 < len(earlier) < len(some) and set(earlier.index) <= set(some.index)  # the same customers
    pd.testing.assert_frame_equal(some, whole.loc[some.index], check_categorical=False)
    assert labels["some"].sort_index().equals(labels["whole"].loc[labels["some"].index].sort_index())
