"""The privacy notice is written from what the shop really holds and does, and from its settings."""

from __future__ import annotations

import pytest

from regulars import app
from regulars.errors import SettingsError


def test_the_demo_writes_a_notice_from_what_it_holds_and_predicts(demo_template):
    text = (demo_template / "disclosure.txt").read_text(encoding="utf-8")
    page = (demo_template / "disclosure.html").read_text(encoding="utf-8")
    assert text.startswith("How we use your data\n")
    for heading in ("What we keep about you", "What we work out from it", "What we use it for", "How to say no",
                    "Your data on request", "How long we keep it"):
        assert f"\n{heading}\n" in text and f"<h2>{heading}</h2>" in page
    assert "email address, phone number, name" in text and "gender" in text  # the export's own column too
    assert "How likely you are to stop buying from us in the next 90 days." in text
    assert "the latest check: churn: " in text and "(by gender" in text
    assert "Links work for 365 days" in text and "Write to us" in text


def test_a_shops_settings_fill_the_notice_and_text_from_data_is_never_markup(demo_copy, tmp_path):
    settings = demo_copy / "regulars.toml"
    text = settings.read_text(encoding="utf-8")
    text = text.replace('shop = ""', 'shop = "Crumb & <Co>"', 1).replace('contact = ""', 'contact = "privacy@crumb.example"', 1)
    text = text.replace("keep_events_days = 0", "keep_events_days = 400", 1)
    settings.write_text(text, encoding="utf-8")
    found = app.disclosure(demo_copy, to=tmp_path)
    assert found.unset == [] and found.html_file == str(tmp_path / "disclosure.html")
    said = (tmp_path / "disclosure.txt").read_text(encoding="utf-8")
    assert said.startswith("How Crumb & <Co> uses your data") and "Write to privacy@crumb.example" in said
    assert "We remove website and email activity: 400 days after that long" in said
    page = (tmp_path / "disclosure.html").read_text(encoding="utf-8")
    assert "Crumb &amp; &lt;Co&gt;" in page and "<Co>" not in page
    assert "<ul><li>" in page and "<li>How likely you are to stop buying" in page
    with pytest.raises(SettingsError, match="no such folder for the disclosure"):
        app.disclosure(demo_copy, to=tmp_path / "missing")
