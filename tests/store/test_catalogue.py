"""The data catalogue declares every place a person's data is kept."""

from __future__ import annotations

import duckdb

from regulars.store import CATALOGUE, undeclared_tables


def test_every_table_naming_a_customer_is_declared(workspace):
    con = duckdb.connect(str(workspace / "regulars.duckdb"), read_only=True)
    try:
        assert undeclared_tables(con) == []
    finally:
        con.close()
    assert {"customers", "orders", "outbox", "quarantine", "outbox/*.csv"} <= {p.name for p in CATALOGUE}


def test_a_new_table_with_a_customer_key_fails_the_check(workspace):
    con = duckdb.connect(str(workspace / "regulars.duckdb"))
    try:
        con.execute("CREATE TABLE loyalty_cards (card VARCHAR, customer_id VARCHAR)")
        con.execute("ALTER TABLE tickets DROP COLUMN text")
        assert undeclared_tables(con) == ["loyalty_cards: holds customer_id but is not in the data catalogue",
                                          "tickets: declared with text, which it does not have"]
    finally:
        con.close()
