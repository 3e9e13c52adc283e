"""Exports for an analyst name no one (stable keyed pseudonyms instead), and what regulars logs
and audits after a demo's work never holds a customer's email, phone or name."""

from __future__ import annotations

import logging

import pandas as pd

from regulars import app
from regulars.exports import pseudonymised
from tests.conftest import query


def test_pseudonyms_are_stable_keyed_and_leave_the_rest():
    frame = pd.DataFrame({"customer_id": ["C1", "ann@shop.example", "C3"], "name": ["Ann Lee", None, "Ann Lee"],
                          "email": ["ann@shop.example", "x@y.example", ""], "clv": [1.5, 2.0, 3.0]})
    once, again, other = (pseudonymised(frame, k) for k in ("key-1", "key-1", "key-2"))
    assert once.equals(again) and not once["name"].equals(other["name"])
    assert once.loc[0, "name"] == once.loc[2, "name"] != "Ann Lee"  # the same person, the same pseudonym
    assert once.loc[1, "name"] is None and once.loc[2, "email"] == ""  # nothing made up for what is missing
    assert once.loc[0, "customer_id"] == "C1" and once.loc[1, "customer_id"].startswith("id-")
    assert list(once["clv"]) == [1.5, 2.0, 3.0]
    text = once.to_csv()
    assert "Ann" not in text and "@" not in text


def _people(path) -> set[str]:
    found = set()
    for email, phone, name in query(path, "SELECT email, phone, name FROM customers"):
        found |= {v for v in (email, phone, name) if v and len(v) > 5}
    return found


def test_the_demos_logs_and_audit_name_no_one_and_an_analysts_export_neither(demo_copy, caplog):
    people = _people(demo_copy)
    with caplog.at_level(logging.DEBUG, logger="regulars"):
        app.set_consent(demo_copy, "C00007", {"sms": "no"}, detail="said so in the shop")
        app.customer_data(demo_copy, "C00008")
        app.run_playbooks(demo_copy, by="test")
        app.fairness(demo_copy, by=["gender"])
        app.erase_customer(demo_copy, "C00009", why="asked by email")
        app.run(demo_copy)
    audit = " ".join(str(d) for (d,) in query(demo_copy, "SELECT CAST(detail AS VARCHAR) FROM audit_log"))
    assert len(audit) > 1000 and len(people) > 1000
    assert not [p for p in people if p in audit]
    assert not [p for p in people if p in caplog.text]
    plain = app.scores(demo_copy, top=50).frame
    analyst = app.scores(demo_copy, top=50, pseudonymise=True).frame
    assert set(plain["name"].dropna()) & people and not set(analyst["name"].dropna()) & people
    assert analyst["customer_id"].tolist() == plain["customer_id"].tolist()
    assert app.scores(demo_copy, top=50, pseudonymise=True).frame["name"].tolist() == analyst["name"].tolist()
