"""Access and erasure on request, on a small shop: every place of the data catalogue that names
a person answers an access request and forgets them on erasure, down to the database file's
bytes; a re-import leaves them out and counts them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from regulars import app
from regulars.errors import NotFoundError, SettingsError
from regulars.store import CATALOGUE, open_workspace
from tests.conftest import query

CUSTOMERS = ("customer_id,email,phone,name,consent_email\n"
             "zq-101,Zora.Quill@example.com,+44 7700 900123,Zora Quill,yes\n"
             "c2,bob@example.com,,Bob Stone,yes\n"
             "zq-109,zora.quill@example.com,,,yes\n")  # the same person, another record (linked by email)
ORDERS = ("order_id,customer_id,ordered_at,amount,gift_note\n"
          "A1,zq-101,2024-01-01,10,for Zora Quill\nA2,c2,2024-01-02,20,\nA3,zq-109,2024-02-01,7,\n")
EVENTS = "customer_id,occurred_at,event_type,url\nzq-101,2024-01-03,page_view,/p/1\nc2,2024-01-03,page_view,/p/2\n"
TICKETS = ("ticket_id,customer_id,opened_at,text\n"
           "T1,zq-101,2024-01-04,<b>My parcel</b> never came\nT2,c2,2024-01-05,thanks\n")
#: a ticket row refused at load (no date) that names her by email: quarantine keeps it as read
BAD_TICKETS = "ticket_id,customer_id,opened_at,text,email\nT3,zq-101,,lost,zora.quill@example.com\n"
VALUES = ("zq-101", "zq-109", "zora.quill@example.com", "7700 900123", "Zora Quill")


@pytest.fixture
def small_shop(workspace: Path, tmp_path: Path) -> Path:
    for name, text, table in (("customers.csv", CUSTOMERS, "customers"), ("orders.csv", ORDERS, "orders"),
                              ("events.csv", EVENTS, "events"), ("tickets.csv", TICKETS, "tickets"),
                              ("bad-tickets.csv", BAD_TICKETS, "tickets")):
        (tmp_path / name).write_text(text)
        app.ingest(workspace, [tmp_path / name], table=table)
    app.exclude(workspace, "churn-win-back", "zq-101", by="owner", why="asked not to get win-back mail")
    outbox = workspace / "outbox"
    outbox.mkdir()
    (outbox / "email-20240105-0900-abc.csv").write_text(
        "email,first_name\nzora.quill@example.com,Zora\nbob@example.com,Bob\n")
    return workspace


def _files_holding(root: Path, values: tuple[str, ...]) -> dict[str, list[str]]:
    """Each file under ``root`` and the values (any case) its bytes hold."""
    found = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes().lower()
        held = [v for v in values if v.lower().encode() in data]
        if held:
            found[str(path.relative_to(root))] = held
    return found


def test_an_access_request_gets_every_place_naming_them(small_shop, tmp_path):
    answer = tmp_path / "answer"
    answer.mkdir()
    result = app.customer_data(small_shop, "ZORA.QUILL@example.com", to=answer)
    doc = result.document
    assert result.customer_id == "zq-101" and doc["about"]["linked_ids"] == ["zq-109"]
    held = {p["name"]: p["rows"] for p in doc["held"]}
    assert {r["order_id"] for r in held["orders"]} == {"A1", "A3"}  # both records' orders
    assert [r["customer_id"] for r in held["playbook_exclusions"]] == ["zq-101"]
    assert len(held["quarantine"]) == 1 and held["quarantine"][0]["original"]["email"] == "zora.quill@example.com"
    assert {"customers", "customer_map", "events", "tickets", "audit_log"} <= set(held)
    assert "B2" not in json.dumps(held) and "bob@example.com" not in json.dumps(doc)  # no one else's rows
    assert doc["files"] == [{"path": "outbox/email-20240105-0900-abc.csv", "names_them": True,
                             "rows": [{"email": "zora.quill@example.com", "first_name": "Zora"}]}]
    page = Path(result.html_file).read_text()
    assert "&lt;b&gt;My parcel&lt;/b&gt;" in page and "<b>My parcel" not in page  # their words, never markup
    assert json.loads(Path(result.json_file).read_text())["about"]["customer_id"] == "zq-101"


def test_erasure_forgets_them_everywhere_down_to_the_bytes(small_shop, tmp_path):
    before = _files_holding(small_shop, VALUES)
    assert "zora.quill@example.com" in before["regulars.duckdb"]  # the scan sees what the file holds
    with open_workspace(small_shop).store(read_only=True) as store:
        version = store.data_version()
    done = app.erase_customer(small_shop, "zq-109", why="asked by email on 2026-12-01")
    assert done.customer_id == "zq-101" and done.removed["customers"] == 2 and done.removed["orders"] == 2
    assert done.files == {"outbox/email-20240105-0900-abc.csv": 1}
    assert _files_holding(small_shop, VALUES) == {}
    # their sales stay, without them; everyone else is untouched
    assert query(small_shop, "SELECT order_id, customer_id, attributes FROM orders ORDER BY 1") == [
        ("A1", None, None), ("A2", "c2", '{"gift_note":null}'), ("A3", None, None)]
    assert query(small_shop, "SELECT count(*) FROM purchases WHERE customer_id IS NULL")[0][0] == 2
    assert query(small_shop, "SELECT customer_id FROM customers") == [("c2",)]
    assert query(small_shop, "SELECT count(*) FROM quarantine")[0][0] == 0
    (detail,) = query(small_shop, "SELECT detail FROM audit_log WHERE action = 'exclude customer'")[0]
    assert "(erased)" in detail and "zq-101" not in detail
    with open_workspace(small_shop).store(read_only=True) as store:
        assert store.data_version() != version  # the next run's models are trained again
    with pytest.raises(NotFoundError):
        app.customer_data(small_shop, "zora.quill@example.com")
    (record,) = app.erasures_done(small_shop)
    assert record["why"] == "asked by email on 2026-12-01" and "zq-101" not in json.dumps(record)


def test_a_re_import_leaves_an_erased_person_out_and_counts_them(small_shop, tmp_path):
    app.erase_customer(small_shop, "Zora.Quill@example.com", why="asked")
    again = {name: tmp_path / name for name in ("customers.csv", "orders.csv", "events.csv", "tickets.csv")}
    loads = {r.table: r for r in app.ingest(small_shop, list(again.values()), replace_earlier=True).loads}
    assert loads["customers"].rows_suppressed == 2 and loads["customers"].rows_read == 3
    assert (loads["orders"].rows_suppressed, loads["orders"].rows_anonymous) == (2, 2)
    assert (loads["events"].rows_suppressed, loads["tickets"].rows_suppressed) == (1, 1)
    # a new export with her under a new id but the same email: left out too
    (tmp_path / "more.csv").write_text("customer_id,email\nc77,ZORA.QUILL@EXAMPLE.COM\nc78,new@example.com\n")
    (more,) = app.ingest(small_shop, [tmp_path / "more.csv"], table="customers").loads
    assert (more.rows_suppressed, more.rows_accepted) == (1, 1)
    assert query(small_shop, "SELECT customer_id FROM customers ORDER BY 1") == [("c2",), ("c78",)]
    assert _files_holding(small_shop, VALUES[2:]) == {}


def test_erasure_needs_a_reason_and_an_existing_person(small_shop):
    with pytest.raises(SettingsError, match="say why"):
        app.erase_customer(small_shop, "zq-101", why="  ")
    with pytest.raises(NotFoundError, match="no customer"):
        app.erase_customer(small_shop, "nobody@example.com", why="asked")
    assert query(small_shop, "SELECT count(*) FROM customers")[0][0] == 3


def test_the_catalogue_says_how_each_place_is_erased():
    assert {p.erase for p in CATALOGUE} == {"delete", "anonymise", "rebuild", "redact", "none", "rows",
                                               "rewrite"}
    assert all(p.erase == "none" for p in CATALOGUE if p.kind == "view")


#: A row naming her for each place a small shop has not filled yet (no run, no delivery),
#: so the test below covers every place the catalogue declares.
SEEDS = {
    "identity_links": "INSERT INTO identity_links (customer_id, resolved_id, matched_on) VALUES ('v-77', 'zq-101', 'visitor')",
    "visitor_links": "INSERT INTO visitor_links (visitor_id, customer_id) VALUES ('v-77', 'zq-101')",
    "external_ids": "INSERT INTO external_ids (customer_id, source, external_id) VALUES ('zq-101', 'shopify', '991')",
    "order_items": "INSERT INTO order_items (order_id, product_id) VALUES ('A1', 'P1')",
    "ticket_changes": "INSERT INTO ticket_changes (ticket_id, changed_at, field, value) VALUES "
                      "('T1', '2024-01-05', 'reply', 'Sorry, Zora Quill')",
    "outbox": "INSERT INTO outbox (action_id, customer_id, body) VALUES ('act-1', 'zq-101', 'Hi Zora Quill')",
    "faq_questions": "INSERT INTO faq_questions (question_id, customer_id, question) VALUES ('q-1', 'zq-101', 'Hi?')",
    "survey_answers": "INSERT INTO survey_answers (action_id, customer_id, score) VALUES ('act-1', 'zq-101', 9)",
    "runs": "INSERT INTO runs (run_id, figures) VALUES ('r-1', '{\"at_risk_valuable\": [{\"customer_id\": \"zq-101\"}, "
            "{\"customer_id\": \"c2\"}]}')",
    "delivery_attempts": "INSERT INTO delivery_attempts (action_id, detail) VALUES ('act-1', 'sent')",
    "enrichments": "INSERT INTO enrichments (enricher, table_name, row_key, words) VALUES "
                   "('sentiment', 'tickets', 'T1', ['negative'])",
    "row_history": "INSERT INTO row_history (table_name, row_key, old_row) VALUES "
                   "('customers', 'zq-101', '{\"customer_id\": \"zq-101\", \"name\": \"Zora Quill\"}')",
}


def test_every_place_of_the_catalogue_answers_and_forgets(small_shop):
    import duckdb

    con = duckdb.connect(str(small_shop / "regulars.duckdb"))
    try:
        for place in CATALOGUE:
            if place.kind != "table" or place.where == "false":
                continue
            if place.name in SEEDS:
                con.execute(SEEDS[place.name])
            elif place.keys == ("customer_id",) and not con.execute(
                    f"SELECT count(*) FROM {place.name} WHERE customer_id = 'zq-101'").fetchone()[0]:
                con.execute(f"INSERT INTO {place.name} (customer_id) VALUES ('zq-101')")
    finally:
        con.close()
    held = {p["name"] for p in app.customer_data(small_shop, "zq-101").document["held"]}
    # every place but ``scores``, the wide view of a run's results: this shop has had no run
    declared = {p.name for p in CATALOGUE if p.kind != "files" and p.where != "false"} - {"scores"}
    assert declared - held == set()
    done = app.erase_customer(small_shop, "zq-101", why="asked")
    assert {p.name for p in CATALOGUE if p.erase in ("delete", "anonymise", "redact") and p.where != "false"} - set(
        done.removed) == set()
    assert _files_holding(small_shop, VALUES) == {}
    assert query(small_shop, "SELECT figures FROM runs") == [('{"at_risk_valuable": [{"customer_id": "c2"}]}',)]


def test_a_demo_customer_erased_leaves_no_byte_and_stays_out(demo_copy):
    """The demo's report names a few customers: one of them, with a name no one else has, is
    erased; then no file regulars keeps holds their id, email, phone or name (the shop's own
    exports in ``exports/``, and the demo's answer key in ``truth/``, are the shop's files, not
    regulars': a re-import of them must leave the person out)."""
    report = (demo_copy / "report.html").read_text()
    cid, email, phone, name = next(row for row in query(demo_copy, """
        SELECT c.customer_id, c.email, c.phone, c.name FROM customers c
        WHERE c.email IS NOT NULL AND c.phone IS NOT NULL AND c.customer_id IN (SELECT customer_id FROM tickets)
          AND c.customer_id IN (SELECT customer_id FROM messages)
          AND c.name IN (SELECT name FROM customers GROUP BY 1 HAVING count(*) = 1) ORDER BY 1""")
        if f">{row[0]}<" in report or f"{row[3]}<" in report)
    values = (cid, email, phone, name)
    assert "regulars.duckdb" in _files_holding(demo_copy, values)
    done = app.erase_customer(demo_copy, email, why="asked in the shop")
    assert done.customer_id == cid and done.reports == ["report.html: written again without them"]
    still = {k: v for k, v in _files_holding(demo_copy, values).items() if not k.startswith(("exports/", "truth/"))}
    assert still == {}
    assert "reused" not in app.run(demo_copy).models["churn"]  # the models learn again without their rows
    exports = [demo_copy / "exports" / f"{t}.csv" for t in ("customers", "orders", "events", "tickets", "messages")]
    loads = app.ingest(demo_copy, exports, replace_earlier=True).loads
    assert sum(r.rows_suppressed for r in loads) >= 3
    with pytest.raises(NotFoundError):
        app.customer_data(demo_copy, cid)
