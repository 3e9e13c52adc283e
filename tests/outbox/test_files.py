"""Import files are shaped for each tool and safe to open in a spreadsheet; webhook signatures
are the HMAC a receiver recomputes; failed attempts wait longer each time."""

from __future__ import annotations

import csv
import hashlib
import hmac

from regulars.outbox import SHAPES, TASK_COLUMNS, export_table, retry_delay, safe_cell, signature, write_export


def test_cells_that_a_spreadsheet_would_run_are_made_text():
    for attack in ("=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-2+3+cmd|x", "@SUM(A1)", "\tx", "\r=x"):
        assert safe_cell(attack) == "'" + attack
    for plain in ("Ada Baker", "+44 7700 900123", "-12.50", "", "a=b"):
        assert safe_cell(plain) == plain
    assert safe_cell(None) == "" and safe_cell(float("nan")) == ""


def test_each_tool_gets_the_headers_its_import_matches(tmp_path):
    row = {"action_id": "k1", "customer_id": "C1", "name": "=Ada Baker", "email": "ada@example.com",
           "phone": "+44 7700 900123", "playbook": "win-back", "body": "Hello", "owner": "sales", "due_on": "2025-01-02"}
    mailchimp = export_table([row], SHAPES["mailchimp"])
    assert mailchimp == [["Email Address", "First Name", "Last Name", "Phone Number", "Tags"],
                         ["ada@example.com", "'=Ada", "Baker", "+44 7700 900123", "regulars: win-back"]]
    assert export_table([row], SHAPES["hubspot"])[0] == ["Email", "First Name", "Last Name", "Phone Number"]
    assert export_table([row], SHAPES["klaviyo"])[0] == ["Email", "Phone Number", "First Name", "Last Name"]
    tasks = export_table([row], TASK_COLUMNS)
    assert tasks[1][:3] == ["k1", "sales", "2025-01-02"] and tasks[1][-1] == "Hello"
    path = tmp_path / "email.csv"
    write_export(path, export_table([row], SHAPES["generic"]))
    with open(path, encoding="utf-8-sig", newline="") as handle:
        read = list(csv.reader(handle))
    assert read[0][0] == "action_id" and read[1][2] == "'=Ada Baker"


def test_the_signature_is_the_hmac_of_timestamp_and_body():
    body = b'{"action_id": "k1"}'
    expected = hmac.new(b"secret", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert signature("secret", "1700000000", body) == "sha256=" + expected
    assert signature("other", "1700000000", body) != "sha256=" + expected


def test_retries_wait_twice_as_long_each_time_up_to_a_day():
    assert [retry_delay(n, 60) for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert retry_delay(30, 60) == 86400
