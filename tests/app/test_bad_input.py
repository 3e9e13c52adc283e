"""Every bad-input case of the foundation issue: a clear message, and nothing stored lost or changed."""

from __future__ import annotations

import json

import pytest

from regulars import app
from regulars.errors import SettingsError, SourceError, WorkspaceError
from tests.conftest import query, snapshot

HEADER = "order_id,customer_id,ordered_at,amount\n"


def load(workspace, path, table="orders", **kw):
    (result,) = app.ingest(workspace, [path], table=table, **kw).loads
    assert result.rows_read == result.rows_accepted + result.rows_anonymous + result.rows_quarantined
    return result


def reasons(workspace, batch_id):
    return dict(query(workspace, f"SELECT source_row, reason FROM quarantine WHERE batch_id = '{batch_id}'"))


# -- files that cannot be used at all: an error, and the store exactly as before ---------------


@pytest.mark.parametrize(
    ("name", "content", "error", "message"),
    [
        ("empty.csv", "", SourceError, "empty.csv: the file is empty"),
        ("header.csv", HEADER, SourceError, "header.csv: has a header but no rows"),
        ("blank.csv", "\n\n  \n", SourceError, "the file is empty"),
        ("garbage.csv", bytes(range(256)) * 100, SourceError, "does not look like a text file"),
        ("cols.csv", "order_id,customer_id,amount\n1,c,2\n", SourceError,
         r"cols.csv: required column 'ordered_at' for table 'orders' not found"),
        ("garbage.parquet", b"PAR1 not really parquet", SourceError, "cannot be read as Parquet"),
        ("garbage.xlsx", b"PK\x03\x04 not a workbook", SourceError, "cannot be read as an Excel workbook"),
        ("bad.json", "[{\"a\": 1},", SourceError, "not valid JSON"),
    ],
)
def test_unusable_files_change_nothing(loaded, write, name, content, error, message):
    before = snapshot(loaded)
    with pytest.raises(error, match=message):
        load(loaded, write(name, content))
    assert snapshot(loaded) == before


def test_path_that_does_not_exist(loaded, tmp_path):
    before = snapshot(loaded)
    with pytest.raises(SourceError, match="no such file"):
        app.ingest(loaded, [tmp_path / "missing.csv"], table="orders")
    assert snapshot(loaded) == before


def test_one_missing_file_stops_the_whole_command_before_loading(loaded, write, tmp_path):
    before = snapshot(loaded)
    good = write("good.csv", HEADER + "B1,c9,2024-01-01,5\n")
    with pytest.raises(SourceError, match="missing.csv: no such file"):
        app.ingest(loaded, [good, tmp_path / "missing.csv"], table="orders")
    assert snapshot(loaded) == before


def test_workspace_that_does_not_exist(tmp_path, write):
    with pytest.raises(WorkspaceError, match="does not exist; create one with `regulars init"):
        app.ingest(tmp_path / "nowhere", [write("a.csv", HEADER)], table="orders")
    assert not (tmp_path / "nowhere").exists()


def test_unknown_table_and_option_conflicts(loaded, write):
    path = write("a.csv", HEADER + "B1,c9,2024-01-01,5\n")
    with pytest.raises(SettingsError, match="unknown table 'order'"):
        app.ingest(loaded, [path], table="order")
    with pytest.raises(SettingsError, match="either --preset or --mapping"):
        app.ingest(loaded, [path], preset_name="cdnow", mapping_file="m.toml")
    with pytest.raises(SettingsError, match="--table"):
        app.ingest(loaded, [path])


def test_wrong_delimiter_in_a_mapping(loaded, write, tmp_path):
    mapping = tmp_path / "m.toml"
    mapping.write_text('table = "orders"\ndelimiter = ","\n[columns]\norder_id = "order_id"\n'
                       'customer_id = "customer_id"\nordered_at = "ordered_at"\namount = "amount"\n')
    path = write("semi.csv", HEADER.replace(",", ";") + "B1;c9;2024-01-01;5\n")
    before = snapshot(loaded)
    with pytest.raises(SourceError, match="single column; is the delimiter right"):
        app.ingest(loaded, [path], mapping_file=mapping)
    assert snapshot(loaded) == before


# -- files that load, with bad rows quarantined ---------------------------------------------------


def test_sniffed_delimiter_loads(workspace, write):
    r = load(workspace, write("semi.csv", HEADER.replace(",", ";") + "B1;c9;2024-01-01;5,50\n"))
    assert r.rows_accepted == 1
    assert query(workspace, "SELECT amount FROM orders") == [(5.5,)]


def test_ragged_rows_are_quarantined_with_their_line(loaded, write):
    path = write("ragged.csv", HEADER + "B1,c9,2024-01-01,5\nB2,c9\nB3,c9,2024-01-02,6,extra\nB4,c9,2024-01-03,7\n")
    before = query(loaded, "SELECT * FROM orders ORDER BY order_id")
    r = load(loaded, path)
    assert (r.rows_read, r.rows_accepted, r.rows_quarantined) == (4, 2, 2)
    assert reasons(loaded, r.batch_id) == {
        3: "row has 2 fields; the header has 4",
        4: "row has 5 fields; the header has 4",
    }
    assert query(loaded, "SELECT order_id FROM orders WHERE batch_id = ? ORDER BY 1".replace("?", f"'{r.batch_id}'")) == [("B1",), ("B4",)]
    assert query(loaded, "SELECT * FROM orders WHERE order_id LIKE 'A%' ORDER BY order_id") == before


def test_unclosed_quote(workspace, write):
    r = load(workspace, write("q.csv", HEADER + 'B1,c9,2024-01-01,5\nB2,"c9,2024-01-01,6\nB3,c9,2024-01-02,7\n'))
    assert r.rows_accepted == 1 and r.rows_quarantined >= 1
    assert "unclosed quote" in next(iter(reasons(workspace, r.batch_id).values()))


def test_bom_and_latin1_and_utf16(workspace, write):
    r1 = load(workspace, write("bom.csv", "\ufeffcustomer_id,name\nc1,José\n"), table="customers")
    r2 = load(workspace, write("latin.csv", "customer_id,name\nc2,Zoë Müller\n", encoding="latin-1"), table="customers")
    r3 = load(workspace, write("wide.csv", "customer_id,name\nc3,Łukasz\n", encoding="utf-16"), table="customers")
    assert (r1.rows_accepted, r2.rows_accepted, r3.rows_accepted) == (1, 1, 1)
    assert query(workspace, "SELECT customer_id, name FROM customers ORDER BY 1") == [
        ("c1", "José"), ("c2", "Zoë Müller"), ("c3", "Łukasz")]


def test_mixed_date_formats_and_impossible_dates(workspace, write):
    rows = ["B1,c1,2023-01-05,1", "B2,c1,05/01/2023,1", "B3,c1,5 Jan 2023,1",
            "B4,c1,2023-01-05T10:00:00+01:00,1", "B5,c1,2023-02-30,1", "B6,c1,31/31/2023,1"]
    r = load(workspace, write("dates.csv", HEADER + "\n".join(rows) + "\n"))
    assert (r.rows_accepted, r.rows_quarantined) == (4, 2)
    assert reasons(workspace, r.batch_id) == {
        6: "ordered_at: cannot read '2023-02-30' as a date",
        7: "ordered_at: cannot read '31/31/2023' as a date",
    }
    got = dict(query(workspace, "SELECT order_id, CAST(ordered_at AS VARCHAR) FROM orders"))
    assert got == {"B1": "2023-01-05 00:00:00", "B2": "2023-05-01 00:00:00",
                   "B3": "2023-01-05 00:00:00", "B4": "2023-01-05 09:00:00"}


def test_day_first_is_detected_per_column(workspace, write):
    r = load(workspace, write("uk.csv", HEADER + "B1,c1,05/01/2023,1\nB2,c1,25/01/2023,1\n"))
    assert r.rows_accepted == 2
    assert dict(query(workspace, "SELECT order_id, CAST(ordered_at AS DATE) FROM orders")) == {
        "B1": __import__("datetime").date(2023, 1, 5), "B2": __import__("datetime").date(2023, 1, 25)}


def test_amounts_with_symbols_and_decimal_commas(workspace, write):
    rows = ['B1,c1,2024-01-01,$12.50', 'B2,c1,2024-01-01,"1.234,56 €"', 'B3,c1,2024-01-01,£7',
            'B4,c1,2024-01-01,"12,5"', 'B5,c1,2024-01-01,twelve', 'B6,c1,2024-01-01,-3']
    r = load(workspace, write("money.csv", HEADER + "\n".join(rows) + "\n"))
    assert dict(query(workspace, "SELECT order_id, amount FROM orders")) == {
        "B1": 12.5, "B2": 1234.56, "B3": 7.0, "B4": 12.5}
    assert reasons(workspace, r.batch_id) == {
        6: "amount: cannot read 'twelve' as a number",
        7: "amount: -3.0 is negative on a completed order (mark refunds with status refunded)",
    }


def test_refunds_are_negative(workspace, write):
    load(workspace, write("refund.csv", HEADER.strip() + ",status\nB1,c1,2024-01-01,10,refunded\n"))
    assert query(workspace, "SELECT amount, status FROM orders") == [(-10.0, "refunded")]


def test_negative_quantities(workspace, write):
    text = "order_id,product_id,quantity,unit_price\nB1,p1,2,3.5\nB1,p2,-2,3.5\n"
    r = load(workspace, write("items.csv", text), table="order_items")
    assert reasons(workspace, r.batch_id) == {3: "quantity: -2.0 is below the minimum 0"}


def test_duplicate_keys_in_one_file(workspace, write):
    r = load(workspace, write("dup.csv", HEADER + "B1,c1,2024-01-01,5\nB1,c1,2024-01-01,5\nB1,c2,2024-01-02,9\n"))
    assert (r.rows_accepted, r.rows_quarantined) == (1, 2)
    assert set(reasons(workspace, r.batch_id).values()) == {"order_id 'B1' appears earlier in this file (row 2)"}


def test_duplicate_keys_across_batches(loaded, write):
    before = snapshot(loaded)["orders"]
    same = write("again.csv", HEADER + "A1,c1,2024-01-05,10.50\n")
    r = load(loaded, same)
    assert (r.rows_accepted, r.rows_unchanged, r.rows_quarantined) == (1, 1, 0)
    changed = write("changed.csv", HEADER + "A1,c1,2024-01-05,99\nA9,c1,2024-01-06,1\n")
    r = load(loaded, changed)
    assert (r.rows_accepted, r.rows_quarantined) == (1, 1)
    (reason,) = reasons(loaded, r.batch_id).values()
    assert reason.startswith("order_id 'A1' is already stored with different values (batch b0001-")
    assert query(loaded, "SELECT amount FROM orders WHERE order_id = 'A1'") == [(10.5,)]
    assert snapshot(loaded)["orders"][0] == before[0] + 1


def test_ten_megabyte_field(loaded, write):
    big = "x" * (10 * 1024 * 1024)
    r = load(loaded, write("big.csv", HEADER + f"B1,c1,2024-01-01,5\nB2,{big},2024-01-01,5\nB3,c1,2024-01-01,6\n"))
    assert (r.rows_accepted, r.rows_quarantined) == (2, 1)
    assert reasons(loaded, r.batch_id) == {3: "row is longer than 2,000,000 bytes"}
    (original,) = query(loaded, f"SELECT length(CAST(original AS VARCHAR)) FROM quarantine WHERE batch_id = '{r.batch_id}'")[0]
    assert original < 20_000  # the quarantine keeps a bounded excerpt, not 10 MB


def test_long_value_in_a_field_that_fits_a_line(workspace, write):
    r = load(workspace, write("long.csv", "customer_id,name\n" + "c" * 300 + ",x\n"), table="customers")
    assert reasons(workspace, r.batch_id) == {2: "customer_id: value is 300 characters long; the limit is 256"}


def test_original_values_are_kept(workspace, write):
    r = load(workspace, write("o.csv", HEADER + "B1,c1,2024-01-01,five\n"))
    (original,) = query(workspace, f"SELECT original FROM quarantine WHERE batch_id = '{r.batch_id}'")[0]
    assert json.loads(original) == {"order_id": "B1", "customer_id": "c1", "ordered_at": "2024-01-01", "amount": "five"}


def test_unknown_columns_are_kept_as_attributes(workspace, write):
    load(workspace, write("extra.csv", HEADER.strip() + ",Gift Note\nB1,c1,2024-01-01,5,Happy birthday\n"))
    (attrs,) = query(workspace, "SELECT attributes FROM orders")[0]
    assert json.loads(attrs) == {"Gift Note": "Happy birthday"}


def test_orders_for_unknown_customers_create_minimal_records(workspace, write):
    load(workspace, write("c.csv", "customer_id,email\nc1,a@x.io\n"), table="customers")
    r = load(workspace, write("o.csv", HEADER + "B1,c1,2024-01-01,5\nB2,c2,2024-01-01,5\nB3,c2,2024-01-02,5\n"))
    assert r.customers_created == 1
    assert query(workspace, "SELECT customer_id, is_stub FROM customers ORDER BY 1") == [("c1", False), ("c2", True)]
    # a later customers file completes the minimal record instead of clashing with it
    r = load(workspace, write("c2.csv", "customer_id,email\nc2,b@x.io\n"), table="customers")
    assert (r.rows_accepted, r.rows_quarantined) == (1, 0)
    assert query(workspace, "SELECT customer_id, email, is_stub FROM customers ORDER BY 1") == [
        ("c1", "a@x.io", False), ("c2", "b@x.io", False)]


def test_same_content_twice_is_a_no_op(loaded, write):
    before = snapshot(loaded)
    (again,) = app.ingest(loaded, [write("seed_copy.csv", __import__("tests.conftest").conftest.ORDERS_CSV)], table="orders").loads
    assert again.already_loaded and again.batch_id.startswith("b0001-")
    assert snapshot(loaded) == before


def test_other_formats(workspace, tmp_path, write):
    import pandas as pd

    frame = pd.DataFrame({"order_id": ["P1", "P2"], "customer_id": ["c1", "c1"],
                          "ordered_at": pd.to_datetime(["2024-01-01", "2024-01-02"]), "amount": [1.5, 2.0]})
    frame.to_parquet(tmp_path / "o.parquet")
    frame.assign(order_id=["X1", "X2"]).to_excel(tmp_path / "o.xlsx", index=False)
    jsonl = write("o.jsonl", '{"order_id": "J1", "customer_id": "c1", "ordered_at": "2024-01-03", "amount": 3}\n'
                             "not json\n[1]\n")
    for path in (tmp_path / "o.parquet", tmp_path / "o.xlsx"):
        assert load(workspace, path).rows_accepted == 2
    r = load(workspace, jsonl)
    assert (r.rows_accepted, r.rows_quarantined) == (1, 2)
    assert set(reasons(workspace, r.batch_id)) == {2, 3}
    assert query(workspace, "SELECT count(*), sum(amount) FROM orders") == [(5, 10.0)]


def test_order_lines_quarantine_whole_orders(workspace, tmp_path):
    mapping = tmp_path / "lines.toml"
    mapping.write_text('table = "orders"\nshape = "order_lines"\n[columns]\norder_id = "inv"\n'
                       'customer_id = "cust"\nordered_at = "at"\n"item.product_id" = "sku"\n'
                       '"item.quantity" = "qty"\n"item.unit_price" = "price"\n')
    path = tmp_path / "lines.csv"
    path.write_text("inv,cust,at,sku,qty,price\n1,c1,2024-01-01,a,2,1.5\n1,c1,2024-01-01,b,1,2\n"
                    "2,c1,2024-01-02,a,-1,1.5\n2,c1,2024-01-02,b,1,2\n3,,2024-01-03,a,1,1\n")
    (r,) = app.ingest(workspace, [path], mapping_file=mapping).loads
    assert (r.rows_read, r.rows_accepted, r.rows_anonymous, r.rows_quarantined) == (5, 2, 1, 2)
    assert reasons(workspace, r.batch_id) == {
        4: "item.quantity: -1.0 is below the minimum 0",
        5: "order has 1 invalid lines",
    }
    # order 3 has no customer: an anonymous sale, stored without one
    assert query(workspace, "SELECT order_id, customer_id, amount, status FROM orders ORDER BY 1") == [
        ("1", "c1", 5.0, "completed"), ("3", None, 1.0, "completed")]
    (sales,) = app.status(workspace).sales  # counted in the shop's sales
    assert (sales["orders"], sales["revenue"], sales["anonymous_orders"], sales["anonymous_revenue"]) == (2, 6.0, 1, 1.0)


ROW_LEVEL_CASES = {
    "ragged.csv": HEADER + "R1,c9,2024-01-01,5\nR2,c9\n",
    "quote.csv": HEADER + 'R3,c9,2024-01-01,5\nR4,"c9,2024-01-01,6\n',
    "bom.csv": "\ufeff" + HEADER + "R5,c9,2024-01-01,5\n",
    "dates.csv": HEADER + "R6,c9,05/01/2023,1\nR7,c9,2023-02-30,1\n",
    "money.csv": HEADER + 'R8,c9,2024-01-01,"1.234,56 €"\nR9,c9,2024-01-01,twelve\n',
    "dups.csv": HEADER + "A1,c1,2024-01-05,999\nR10,c9,2024-01-01,1\nR10,c9,2024-01-01,1\n",
    "big.csv": HEADER + "R11," + "x" * 3_000_000 + ",2024-01-01,1\n",
    "nan.csv": HEADER + "R12,c9,2024-01-01,NaN\nR13,c9,2024-01-01,inf\n",
}


def test_row_level_problems_never_touch_stored_rows(loaded, write):
    seed = "SELECT * FROM orders WHERE batch_id LIKE 'b0001-%' ORDER BY order_id"
    stored, customers = query(loaded, seed), query(loaded, "SELECT * FROM customers ORDER BY customer_id")
    for name, text in ROW_LEVEL_CASES.items():
        result = load(loaded, write(name, text))
        assert result.rows_quarantined >= 1 or name == "bom.csv", name
        assert query(loaded, seed) == stored, name
    assert query(loaded, "SELECT * FROM customers WHERE customer_id IN ('c1', 'c2') ORDER BY customer_id") == customers


def test_a_file_failing_part_way_through_a_list_names_the_files_that_landed(loaded, write):
    good = write("good.csv", HEADER + "B1,c9,2024-01-01,5\n")
    empty = write("empty.csv", HEADER)
    later = write("later.csv", HEADER + "B2,c9,2024-01-02,5\n")
    with pytest.raises(SourceError, match=r"empty.csv: has a header but no rows.* already loaded: good.csv "
                                          r"\(batch b0002-\w+\); nothing else was stored \(not tried: later.csv\)"):
        app.ingest(loaded, [good, empty, later], table="orders")
    assert query(loaded, "SELECT order_id FROM orders WHERE order_id LIKE 'B%'") == [("B1",)]


def test_a_file_saved_back_from_a_spreadsheet(workspace, tmp_path):
    """CRLF, no final newline, TRUE/FALSE, dates like 11/10/24 09:17 (day-first here: another row
    has 13/12/24), and a long id a spreadsheet turned into 5.27763E+12: what is clear loads, the
    mangled id is quarantined with that reason, never loaded as a number."""
    path = tmp_path / "saved.csv"
    path.write_bytes(b"customer_id,email,created_at,consent_email\r\n5.27763E+12,a@x.io,11/10/24 09:17,TRUE\r\n"
                     b"C2,b@x.io,11/12/24 10:00,FALSE\r\nC3,c@x.io,13/12/24 10:00,true")
    (r,) = app.ingest(workspace, [path], table="customers").loads
    assert (r.rows_read, r.rows_accepted, r.rows_quarantined) == (3, 2, 1)
    assert query(workspace, "SELECT customer_id, CAST(created_at AS VARCHAR), consent_email FROM customers "
                            "ORDER BY 1") == [("C2", "2024-12-11 10:00:00", False), ("C3", "2024-12-13 10:00:00", True)]
    (reason, codes) = query(workspace, "SELECT reason, reason_codes FROM quarantine")[0]
    assert codes == "mangled_id:customer_id"
    assert reason.startswith("customer_id: '5.27763E+12' is a long number a spreadsheet shortened")
