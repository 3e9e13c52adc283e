"""The store: schema, identity links over loads, status warnings."""

from __future__ import annotations

import duckdb
import pytest

from regulars import app
from regulars.errors import WorkspaceError
from regulars.store._schema import SCHEMA_VERSION
from tests.conftest import query

HEADER = "order_id,customer_id,ordered_at,amount\n"


def test_identity_is_stable_across_loads(workspace, write):
    app.ingest(workspace, [write("a.csv", "customer_id,email,phone\nA,ann@x.io,\nB,,+44 20 7946 0958\n")], table="customers")
    app.ingest(workspace, [write("b.csv", "customer_id,email,phone\nZ,ANN+news@x.io,\nY,,020 7946 0958\n")], table="customers")
    first = dict(query(workspace, "SELECT customer_id, resolved_id FROM customer_map"))
    assert first == {"A": "A", "B": "B", "Z": "A", "Y": "Y"}
    # Y's national-format number matches B only with a GB region; the default region is US
    app.ingest(workspace, [write("c.csv", "customer_id,email\nC,ann@x.io\n")], table="customers")
    second = dict(query(workspace, "SELECT customer_id, resolved_id FROM customer_map"))
    assert second["C"] == second["Z"] == second["A"] == "A"
    assert {k: v for k, v in second.items() if k != "C"} == first
    assert query(workspace, "SELECT matched_on FROM identity_links WHERE customer_id = 'Z'") == [("email",)]


def test_phone_region_setting(tmp_path, write):
    path = tmp_path / "uk"
    app.init(path)
    settings = (path / "regulars.toml").read_text().replace('phone_region = "US"', 'phone_region = "GB"')
    (path / "regulars.toml").write_text(settings)
    app.ingest(path, [write("p.csv", "customer_id,phone\nB,+44 20 7946 0958\nY,020 7946 0958\n")], table="customers")
    assert dict(query(path, "SELECT customer_id, resolved_id FROM customer_map")) == {"B": "B", "Y": "B"}


def test_future_dates_and_orphans_are_warned(workspace, write):
    app.ingest(workspace, [write("o.csv", HEADER + "A1,c1,2099-01-01,5\n")], table="orders")
    app.ingest(workspace, [write("i.csv", "order_id,product_id\nZZ,p1\n")], table="order_items")
    warnings = app.status(workspace).warnings
    assert "orders: 1 rows have ordered_at in the future" in warnings
    assert "order_items: 1 lines belong to orders that are not loaded" in warnings
    assert "1 customers are known only from orders or activity (no customer profile loaded)" in warnings


def test_status_of_an_empty_workspace(workspace):
    data = app.status(workspace)
    assert data.warnings == [] and data.batches == [] and data.currencies == {}
    assert all(t["rows"] == 0 for t in data.tables.values())


def test_newer_schema_is_refused(workspace, write):
    path = write("o.csv", HEADER + "A1,c1,2024-01-01,5\n")
    con = duckdb.connect(str(workspace / "regulars.duckdb"))
    con.execute("UPDATE store_meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(WorkspaceError, match="made by a newer regulars"):
        app.ingest(workspace, [path], table="orders")


def test_not_a_workspace(tmp_path):
    (tmp_path / "plain").mkdir()
    with pytest.raises(WorkspaceError, match="is not a regulars workspace"):
        app.status(tmp_path / "plain")
    (tmp_path / "file").write_text("x")
    with pytest.raises(WorkspaceError, match="exists and is not a folder"):
        app.init(tmp_path / "file")


def test_an_older_store_is_migrated_when_opened_even_to_read(loaded):
    """Schema 1 had no first_seen_at and kept runs in a wide scores table: opening the store
    (read-only too) fills first_seen_at and turns the old scores into long results."""
    con = duckdb.connect(str(loaded / "regulars.duckdb"))
    con.execute("ALTER TABLE customers DROP COLUMN first_seen_at")
    con.execute("DROP VIEW scores")
    con.execute("CREATE TABLE scores (run_id VARCHAR, customer_id VARCHAR, p_alive DOUBLE, clv_12m DOUBLE, "
                "reason VARCHAR, churn_probability DOUBLE, model_versions VARCHAR)")
    con.execute("INSERT INTO scores VALUES ('r0001', 'c1', 0.8, 12.5, 'a regular', 0.3, 'clv=abc; churn=def')")
    con.execute("INSERT INTO runs (run_id, created_at, cutoff, models, customers) VALUES "
                "('r0001', now(), DATE '2024-04-01', '{}', 1)")
    con.execute("UPDATE store_meta SET value = '1' WHERE key = 'schema_version'")
    con.close()
    app.status(loaded)  # opens read-only
    assert query(loaded, "SELECT value FROM store_meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
    seen = dict(query(loaded, "SELECT customer_id, CAST(first_seen_at AS DATE)::VARCHAR FROM customers"))
    assert seen == {"c1": "2024-01-05", "c2": "2024-03-01"}
    assert query(loaded, "SELECT p_alive, clv, reason, churn_probability, model_versions FROM scores") == [
        (0.8, 12.5, "a regular", 0.3, "churn=def; clv=abc")]
    assert app.scores(loaded).frame["customer_id"].tolist() == ["c1"]


def test_run_ids_never_repeat_and_unknown_result_columns_are_refused(loaded):
    import pyarrow as pa

    from regulars.store import ResultPart, open_workspace, write_run

    table = pa.table({"customer_id": ["c1"], "measures": [[0.5]], "labels": pa.array([[]], pa.list_(pa.string())),
                      "reasons": ["a regular"]})
    part = ResultPart("clv", "v1", ["p_alive"], [], table)
    with open_workspace(loaded).store() as store:
        first = write_run(store, "2024-04-01", {}, {}, [part])
        second = write_run(store, "2024-04-01", {}, {}, [part])
        store.con.execute("DELETE FROM runs WHERE run_id = ?", [first])
        third = write_run(store, "2024-04-01", {}, {}, [part])
        assert (first, second, third) == ("r0001", "r0002", "r0003")
        assert store.rows("SELECT p_alive, reason FROM scores WHERE run_id = 'r0003'") == [
            {"p_alive": 0.5, "reason": "a regular"}]
        with pytest.raises(ValueError, match="clv results must have the columns"):
            write_run(store, "2024-04-01", {}, {}, [ResultPart("clv", "v1", [], [], table.append_column("x", [[1]]))])


def test_several_currencies_are_said_in_status(workspace, write):
    app.ingest(workspace, [write("o.csv", "order_id,customer_id,ordered_at,amount,currency\n"
                                          "A1,c1,2024-01-01,5,GBP\nA2,c2,2024-01-02,6,EUR\nA3,c2,2024-01-03,7,GBP\n")],
               table="orders")
    data = app.status(workspace)
    assert data.currencies == {"GBP": 2, "EUR": 1}
    assert any("orders are in 2 currencies (GBP 2, EUR 1)" in w for w in data.warnings)
