"""A multi-file export (a folder or a zip: customers, orders, their lines, tickets) loads with one
mapping file naming each file's table, as one all-or-nothing set."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from regulars import app
from regulars.errors import SettingsError, SourceError
from tests.conftest import FIXTURES, query

FILES = {
    "clients.csv": "Client,E-mail,Name\nk1,ann@example.com,Ann Lee\nk2,bob@example.com,Bob Ray\n",
    "sales.csv": "Order,Client,Date,Total\nS1,k1,2024-05-01 10:00,12.50\nS2,k2,2024-05-02 11:00,8.00\n",
    "sale_lines.csv": "order_id,product_id,quantity,unit_price\nS1,bread,2,3.25\nS1,cake,1,6.00\nS2,bread,1,8.00\n",
    "tickets.csv": "ticket_id,customer_id,opened_at,text\nT1,k1,2024-05-03 09:00,Where is my cake?\n",
}
MAPPING = """\
[files."clients.csv"]
table = "customers"
columns = { customer_id = "Client", email = "E-mail", name = "Name" }

[files."sales.csv"]
table = "orders"
columns = { order_id = "Order", customer_id = "Client", ordered_at = "Date", amount = "Total" }

[files."sale_lines.csv"]
table = "order_items"

[files."tickets.csv"]
table = "tickets"
"""


def export(folder, files=FILES):
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def test_a_folder_loads_as_one_set_in_dependency_order(workspace, tmp_path):
    mapping = tmp_path / "shop.toml"
    mapping.write_text(MAPPING)
    result = app.ingest(workspace, [export(tmp_path / "export")], mapping_file=mapping)
    assert [(r.source_name, r.table, r.rows_accepted) for r in result.loads] == [
        ("clients.csv", "customers", 2), ("sales.csv", "orders", 2), ("sale_lines.csv", "order_items", 3),
        ("tickets.csv", "tickets", 1)]
    assert query(workspace, "SELECT count(*) FROM customers WHERE NOT is_stub") == [(2,)]
    assert query(workspace, "SELECT round(sum(quantity * unit_price), 2) FROM order_items WHERE order_id = 'S1'") == [
        (12.5,)]
    again = app.ingest(workspace, [tmp_path / "export"], mapping_file=mapping)
    assert all(r.already_loaded for r in again.loads)


def test_a_zip_loads_the_same_and_its_paths_stay_inside(workspace, tmp_path):
    mapping = tmp_path / "shop.toml"
    mapping.write_text(MAPPING)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for name, text in FILES.items():
            z.writestr(f"export/../{name}" if name == "tickets.csv" else f"export/{name}", text)
        z.writestr("__MACOSX/._sales.csv", "junk")
    result = app.ingest(workspace, [archive], mapping_file=mapping)
    assert [r.rows_accepted for r in result.loads] == [2, 2, 3, 1]
    assert not (tmp_path / "tickets.csv").exists()


def test_one_bad_file_stores_nothing_of_the_set(workspace, tmp_path):
    mapping = tmp_path / "shop.toml"
    mapping.write_text(MAPPING)
    broken = {**FILES, "tickets.csv": "ticket_id,customer_id,opened_at,text\n"}  # a header and no rows
    with pytest.raises(SourceError, match="tickets.csv: has a header but no rows"):
        app.ingest(workspace, [export(tmp_path / "export", broken)], mapping_file=mapping)
    assert query(workspace, "SELECT count(*) FROM batches") == [(0,)]
    assert query(workspace, "SELECT count(*) FROM customers") == [(0,)]


def test_files_the_mapping_does_not_name_or_names_but_lack(workspace, tmp_path):
    mapping = tmp_path / "shop.toml"
    mapping.write_text(MAPPING)
    with pytest.raises(SettingsError, match="does not say which table 'notes.txt' loads"):
        app.ingest(workspace, [export(tmp_path / "extra", {**FILES, "notes.txt": "hello"})], mapping_file=mapping)
    with pytest.raises(SourceError, match="has no file 'tickets.csv'"):
        app.ingest(workspace, [export(tmp_path / "fewer", {k: v for k, v in FILES.items() if k != "tickets.csv"})],
                   mapping_file=mapping)
    with pytest.raises(SettingsError, match="needs --mapping FILE"):
        app.ingest(workspace, [tmp_path / "extra"])
    single = tmp_path / "single.toml"
    single.write_text('table = "orders"\n[columns]\norder_id = "Order"\n')
    with pytest.raises(SettingsError, match=r"needs \[files"):
        app.ingest(workspace, [tmp_path / "extra"], mapping_file=single)
    assert query(workspace, "SELECT count(*) FROM batches") == [(0,)]


OLIST = FIXTURES / "olist"
OLIST_MAPPING = Path(__file__).resolve().parents[2] / "docs" / "examples" / "olist.toml"


def copy_olist(target, change=None):
    """The Olist fixture in a folder of its own, with ``change`` applied to a file's text."""
    target.mkdir()
    for path in OLIST.iterdir():
        text = path.read_text()
        if change and path.name == change[0]:
            text = text.replace(change[1], change[2])
        (target / path.name).write_text(text)
    return target


def test_a_marketplace_export_loads_with_totals_from_payments_and_one_customer_per_person(workspace, tmp_path):
    """Olist's public data set, in its files' exact headers: an order's customer record is made
    per order (customer_unique_id is the person), its total is in the payments file."""
    result = app.ingest(workspace, [OLIST], mapping_file=OLIST_MAPPING)
    assert [(r.source_name, r.rows_read, r.rows_accepted, r.rows_quarantined) for r in result.loads] == [
        ("olist_customers_dataset.csv", 6, 6, 0), ("olist_orders_dataset.csv", 6, 6, 0),
        ("olist_order_items_dataset.csv", 6, 6, 0), ("olist_products_dataset.csv", 3, 3, 0),
        ("olist_order_reviews_dataset.csv", 3, 3, 0)]
    # six customer records, four people: Ann and Bia bought twice
    assert query(workspace, "SELECT count(DISTINCT resolved_id), count(*) FILTER (WHERE matched_on = 'platform id') "
                            "FROM customer_map") == [(4, 2)]
    per_person = query(workspace, "SELECT count(*) FROM orders JOIN customer_map m USING (customer_id) "
                                  "WHERE status = 'completed' GROUP BY m.resolved_id ORDER BY 1 DESC")
    assert per_person == [(2,), (2,)]  # the cancelled and unavailable orders are not sales
    # three payments (a card and two vouchers) make the first order's total
    assert query(workspace, "SELECT amount, currency FROM orders WHERE order_id LIKE 'e481%'") == [(38.71, "BRL")]
    texts = query(workspace, "SELECT score, text FROM feedback ORDER BY score DESC")
    assert texts[0] == (5.0, "Muito bom\nchegou rapido") and texts[1] == (4.0, None)
    again = app.ingest(workspace, [OLIST], mapping_file=OLIST_MAPPING)
    assert all(r.already_loaded for r in again.loads)


def test_a_marketplace_total_that_does_not_read_quarantines_its_order(workspace, tmp_path):
    folder = copy_olist(tmp_path / "olist", ("olist_order_payments_dataset.csv", "voucher,1,2.00", "voucher,1,2.OO"))
    (orders,) = [r for r in app.ingest(workspace, [folder], mapping_file=OLIST_MAPPING).loads if r.table == "orders"]
    assert (orders.rows_read, orders.rows_accepted, orders.rows_quarantined) == (6, 5, 1)
    (reason,) = query(workspace, "SELECT reason FROM quarantine WHERE table_name = 'orders'")
    assert "amount" in reason[0] and "2.OO" in reason[0]


def test_joins_that_cannot_be_made_say_why_and_store_nothing(workspace, tmp_path):
    base = OLIST_MAPPING.read_text()
    cases = {
        "a file the export has not": (base.replace('file = "olist_order_payments_dataset.csv"',
                                                   'file = "payments.csv"'), SourceError,
                                      "joins 'payments.csv', which the export does not have"),
        "a column to match on it has not": (base.replace('on = "order_id", sum', 'on = "order", sum'),
                                            SettingsError, "on 'order', which olist_orders_dataset.csv has not"),
        "a column it has not": (base.replace('sum = "payment_value"', 'sum = "value"'), SettingsError,
                                "joins column 'value', which olist_order_payments_dataset.csv has not"),
        "an unknown key": (base.replace('sum = "payment_value"', 'total = "payment_value"'), SettingsError,
                           "unknown key 'total'"),
    }
    for name, (text, error, message) in cases.items():
        mapping = tmp_path / f"{name}.toml"
        mapping.write_text(text)
        with pytest.raises(error, match=message):
            app.ingest(workspace, [OLIST], mapping_file=mapping)
    assert query(workspace, "SELECT count(*) FROM batches") == [(0,)]
    ragged = copy_olist(tmp_path / "ragged", ("olist_order_payments_dataset.csv", "voucher,1,2.00", "voucher,1,2,00"))
    with pytest.raises(SourceError, match="payments_dataset.csv: row 3 cannot be read .row has 6 fields; the header "
                                          "has 5.; a file joined into another must read whole"):
        app.ingest(workspace, [ragged], mapping_file=OLIST_MAPPING)
    assert query(workspace, "SELECT count(*) FROM batches") == [(0,)]
