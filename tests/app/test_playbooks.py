"""The workspace's playbook file: the starter set is written once and fits a real run; an edit
that names something the shop lacks is an error naming the line, through the CLI too."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from regulars import app
from regulars.cli import app as cli
from regulars.errors import InsufficientDataError, SettingsError
from tests.segments.test_scorer import PRODUCTS, load, tiny_shop


@pytest.fixture
def bakery_run(workspace, write):
    app.ingest(workspace, [write("products.csv", PRODUCTS)], table="products")
    load(workspace, write, tiny_shop())
    app.run(workspace)
    return workspace


def test_the_starter_set_is_written_once_and_fits_a_run(bakery_run):
    first = app.playbooks(bakery_run, check=True)
    assert first.created and first.checked_against and len(first.playbooks) == 16
    assert not any(p["enabled"] for p in first.playbooks)
    win_back = next(p for p in first.playbooks if p["playbook"] == "churn-win-back")
    assert win_back["trigger"] == "churn_probability > 0.7" and win_back["holdout"] == 0.1
    path = bakery_run / "playbooks.yaml"
    path.write_text(path.read_text().replace("    enabled: false", "    enabled: true", 1))  # the first: win-back
    again = app.playbooks(bakery_run)
    assert not again.created and next(p for p in again.playbooks if p["playbook"] == "churn-win-back")["enabled"]


def test_a_playbook_naming_what_the_shop_lacks_is_refused_with_its_line(bakery_run):
    path = bakery_run / "playbooks.yaml"
    path.write_text("playbooks:\n  vip:\n    trigger: {enters: Champions}\n    action: {channel: email, template: t}\n"
                    "templates:\n  t: {subject: 'Hi {{ shoe_size }}', body: x}\n")
    app.playbooks(bakery_run)  # the file's own structure is fine
    with pytest.raises(SettingsError, match=r"playbooks.yaml:6: template 't' uses 'shoe_size'"):
        app.playbooks(bakery_run, check=True)
    result = CliRunner().invoke(cli, ["playbooks", str(bakery_run), "validate"])
    assert result.exit_code == 2 and "shoe_size" in result.output and "Traceback" not in result.output
    path.write_text("playbooks:\n  vip:\n    trigger: {enters: Champions}\n    action: {channel: email, template: t}\n"
                    "templates:\n  t: {subject: 'Hi {{ name }}', body: x}\n")
    listed = CliRunner().invoke(cli, ["playbooks", str(bakery_run), "validate", "--json"])
    assert listed.exit_code == 0 and json.loads(listed.output)["playbooks"][0]["playbook"] == "vip"


def test_checking_needs_a_run_first(workspace):
    with pytest.raises(InsufficientDataError, match="run `regulars run` once first"):
        app.playbooks(workspace, check=True)
    assert app.playbooks(workspace).created is False  # written by the first call, kept
