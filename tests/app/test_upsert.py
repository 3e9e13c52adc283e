"""Changed records: a re-export in which an order was refunded, or a customer unsubscribed and
changed email, replaces the stored rows when loaded with mode upsert, the earlier versions kept
in row_history and the change in the audit log; by default such rows are quarantined."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from regulars import app
from regulars.cli import app as cli
from regulars.errors import SettingsError
from tests.conftest import query

ORDERS = "order_id,customer_id,ordered_at,amount,status\n"


def test_a_re_exported_order_replaces_the_stored_one_only_with_upsert(workspace, tmp_path):
    first, again = tmp_path / "orders-monday.csv", tmp_path / "orders-tuesday.csv"
    first.write_text(ORDERS + "A1,c1,2024-01-01,10,paid\nA2,c2,2024-01-02,20,paid\n")
    again.write_text(ORDERS + "A1,c1,2024-01-01,10,refunded\nA2,c2,2024-01-02,20,paid\nA3,c3,2024-01-03,5,paid\n")
    app.ingest(workspace, [first], table="orders")
    (insert,) = app.ingest(workspace, [again], table="orders").loads
    assert (insert.rows_accepted, insert.rows_quarantined, insert.rows_updated) == (2, 1, 0)
    (reason,) = query(workspace, "SELECT reason FROM quarantine")[0]
    assert "load it with --mode upsert" in reason
    (upsert,) = app.ingest(workspace, [again], table="orders", mode="upsert").loads  # the same file, now as upsert
    assert (upsert.already_loaded, upsert.rows_accepted, upsert.rows_unchanged, upsert.rows_updated) == (
        False, 3, 2, 1)
    assert query(workspace, "SELECT order_id, amount, status FROM orders ORDER BY 1") == [
        ("A1", -10.0, "refunded"), ("A2", 20.0, "completed"), ("A3", 5.0, "completed")]
    (table, key, old, new) = query(workspace, "SELECT table_name, row_key, old_row, new_batch_id FROM row_history")[0]
    assert (table, key, json.loads(old)["status"], new) == ("orders", "A1", "completed", upsert.batch_id)
    (detail,) = query(workspace, "SELECT detail FROM audit_log WHERE action = 'ingest' ORDER BY logged_at DESC, "
                                 "detail->>'batch_id' DESC LIMIT 1")[0]
    assert json.loads(detail)["rows_updated"] == 1
    assert app.ingest(workspace, [again], table="orders", mode="upsert").loads[0].already_loaded


def test_a_customer_who_unsubscribed_and_changed_email(workspace, tmp_path):
    first, again = tmp_path / "customers-1.csv", tmp_path / "customers-2.csv"
    first.write_text("customer_id,email,name,consent_email\nc1,old@example.com,Ann Lee,yes\nc2,b@example.com,Bob,yes\n")
    again.write_text("customer_id,email,consent_email\nc1,new@example.com,no\nc2,b@example.com,yes\n")
    app.ingest(workspace, [first], table="customers")
    (r,) = app.ingest(workspace, [again], table="customers", mode="upsert").loads
    assert (r.rows_updated, r.rows_unchanged) == (1, 1)
    # the file's columns replace the stored ones; a column it does not give (name) is kept
    assert query(workspace, "SELECT email, email_norm, name, consent_email FROM customers WHERE customer_id = 'c1'") == [
        ("new@example.com", "new@example.com", "Ann Lee", False)]


def test_an_order_re_exported_with_other_lines_replaces_its_lines(workspace, tmp_path):
    mapping = tmp_path / "lines.toml"
    mapping.write_text('table = "orders"\nshape = "order_lines"\n[columns]\norder_id = "inv"\ncustomer_id = "cust"\n'
                       'ordered_at = "at"\n"item.product_id" = "sku"\n"item.quantity" = "qty"\n'
                       '"item.unit_price" = "price"\n')
    first, again = tmp_path / "lines-1.csv", tmp_path / "lines-2.csv"
    first.write_text("inv,cust,at,sku,qty,price\n1,c1,2024-01-01,bread,2,3\n1,c1,2024-01-01,cake,1,10\n")
    again.write_text("inv,cust,at,sku,qty,price\n1,c1,2024-01-01,bread,1,3\n")  # the cake was taken off the order
    app.ingest(workspace, [first], mapping_file=mapping)
    (r,) = app.ingest(workspace, [again], mapping_file=mapping, mode="upsert").loads
    assert r.rows_updated == 1
    assert query(workspace, "SELECT amount FROM orders") == [(3.0,)]
    assert query(workspace, "SELECT product_id, quantity FROM order_items") == [("bread", 1.0)]


def test_an_unknown_mode_is_refused(workspace, tmp_path):
    path = tmp_path / "o.csv"
    path.write_text(ORDERS + "A1,c1,2024-01-01,10,paid\n")
    with pytest.raises(SettingsError, match="unknown mode 'merge'; choose insert or upsert"):
        app.ingest(workspace, [path], table="orders", mode="merge")
    shown = CliRunner().invoke(cli, ["ingest", str(workspace), str(path), "--table", "orders", "--mode", "upsert"])
    assert shown.exit_code == 0 and "read 1 = accepted 1" in shown.stdout


def test_a_second_export_s_extra_columns_are_added_to_the_stored_customers(workspace, tmp_path):
    """The shop's customers file first, then a CRM's with a churned flag: the flag is added to
    each stored customer (nothing dropped as "unchanged"); a flag that changes is a conflict
    unless loaded as an upsert."""
    shop, crm, later = tmp_path / "customers.csv", tmp_path / "crm.csv", tmp_path / "crm-later.csv"
    shop.write_text("customer_id,email\nc1,a@x.io\nc2,b@x.io\n")
    crm.write_text("customer_id,plan,churned\nc1,pro,no\nc2,basic,yes\n")
    later.write_text("customer_id,churned\nc1,yes\nc2,yes\n")
    app.ingest(workspace, [shop], table="customers")
    (added,) = app.ingest(workspace, [crm], table="customers").loads
    assert (added.rows_accepted, added.rows_unchanged, added.rows_updated, added.rows_quarantined) == (2, 0, 2, 0)
    assert query(workspace, "SELECT customer_id, email, attributes->>'churned', attributes->>'plan' FROM customers "
                            "ORDER BY 1") == [("c1", "a@x.io", "no", "pro"), ("c2", "b@x.io", "yes", "basic")]
    (clash,) = app.ingest(workspace, [later], table="customers").loads
    assert (clash.rows_unchanged, clash.rows_updated, clash.rows_quarantined) == (1, 0, 1)  # c2 says yes again
    (upsert,) = app.ingest(workspace, [later], table="customers", mode="upsert").loads
    assert upsert.rows_updated == 1
    assert query(workspace, "SELECT attributes->>'churned', attributes->>'plan' FROM customers WHERE customer_id = 'c1'"
                 ) == [("yes", "pro")]  # the plan the later file lacks is kept
