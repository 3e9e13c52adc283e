"""The report: one self-contained HTML file (nothing fetched from anywhere), text from data
escaped, written atomically; and emailed through a local SMTP server."""

from __future__ import annotations

import re

import pytest

from regulars import app
from regulars.errors import SettingsError
from tests.outbox.conftest import smtp_server  # noqa: F401 - the local mail server


def test_the_report_is_one_file_that_fetches_nothing(shop, tmp_path):
    path, _ = shop
    app.record(path, "customers", [{"customer_id": "C00001", "name": "<b>Bold</b> & co"}], mode="upsert")
    made = app.report(path, tmp_path / "report.html")
    text = (tmp_path / "report.html").read_text()
    assert made.size == len(text.encode()) and text.startswith("<!doctype html>")
    assert not re.search(r"""(src|href)\s*=|@import|url\(|<link|<script""", text, re.I)  # nothing to fetch
    assert "Active customers" in text and "Revenue per month" in text and "<svg" in text
    assert "Playbook results" in text and "Valuable customers slipping away" in text
    assert "What customers say" in text and "How fast you answer" in text  # the Voice page's figures too
    assert "<b>Bold</b>" not in text  # data is text, never markup (the name is escaped if shown)


def test_a_report_path_that_cannot_be_written_is_named(shop, tmp_path):
    path, _ = shop
    with pytest.raises(SettingsError, match="no such folder"):
        app.report(path, tmp_path / "missing" / "report.html")
    with pytest.raises(SettingsError, match="is a folder"):
        app.report(path, tmp_path)


def test_the_report_is_emailed_through_the_shops_mail_server(shop, tmp_path, smtp_server, monkeypatch):  # noqa: F811
    path, _ = shop
    settings = path / "regulars.toml"
    settings.write_text(re.sub(r"(?m)^smtp_host = .*$", 'smtp_host = "127.0.0.1"', settings.read_text())
                        .replace("smtp_port = 587", f"smtp_port = {smtp_server.port}")
                        .replace('smtp_security = "starttls"', 'smtp_security = "none"')
                        .replace('smtp_user = ""', 'smtp_user = "shop"')
                        .replace('from_address = ""', 'from_address = "shop@example.com"'))
    monkeypatch.setenv("REGULARS_SMTP_PASSWORD", smtp_server.password)
    made = app.report(path, tmp_path / "weekly.html", email_to=["owner@example.com"])
    assert made.emailed_to == ["owner@example.com"]
    (to, message), = smtp_server.messages
    assert to == ["owner@example.com"] and "your regulars report" in message["Subject"]
    html = message.get_body(("html",)).get_content()
    assert html.replace("\r\n", "\n").strip() == (tmp_path / "weekly.html").read_text().strip()  # SMTP sends CRLF
