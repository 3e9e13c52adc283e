"""A multi-file export (a folder or a zip: customers, orders, their lines, tickets) loads with one
mapping file naming each file's table, as one all-or-nothing set."""

from __future__ import annotations

import zipfile

import pytest

from regulars import app
from regulars.errors import SettingsError, SourceError
from tests.conftest import query

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
