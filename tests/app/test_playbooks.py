"""The workspace's playbook file: the starter set is written once and fits a real run; an edit
that names something the shop lacks is an error naming the line, through the CLI too."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from regulars import app
from regulars.cli import app as cli
from regulars.errors import InsufficientDataError, SettingsError


def test_the_starter_set_is_written_once_and_fits_a_run(bakery_run):
    first = app.playbooks(bakery_run, check=True)
    assert first.created and first.checked_against and len(first.playbooks) == 25
    assert not any(p["enabled"] for p in first.playbooks)
    win_back = next(p for p in first.playbooks if p["playbook"] == "churn-win-back")
    assert win_back["trigger"] == "churn_probability > 0.7" and win_back["holdout"] == 0.1
    said = {p["playbook"]: p["trigger"] for p in first.playbooks}
    assert said["csat-after-delivery"] == "2 days after delivery" and said["we-miss-you"] == "30 days without activity"
    assert said["ticket-help"] == "an open ticket within 2 days"
    assert said["abandoned-cart"] == "cart_abandon within 1 day without order"
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


def _switch_on(shop, names=("churn-win-back", "churn-nurture", "second-purchase-nudge")):
    """The starter file written, ``names`` switched on, unknown consent taken as yes; its path."""
    app.playbooks(shop)  # writes the starter file
    path = shop / "playbooks.yaml"
    text = path.read_text().replace('unknown_consent: "no"', 'unknown_consent: "yes"')
    for name in names:
        start = text.index(f"  {name}:")
        at = text.index("enabled: false", start)
        text = text[:at] + "enabled: true" + text[at + len("enabled: false"):]
    path.write_text(text)
    return path


def test_a_dry_run_plans_the_enabled_playbooks_and_counts_every_guard(bakery_run):
    _switch_on(bakery_run)
    result = app.plan_playbooks(bakery_run)
    assert [c["playbook"] for c in result.counts] == ["churn-win-back", "churn-nurture", "second-purchase-nudge"]
    actions = result.actions
    assert len(actions) == sum(c["planned"] + c["needs approval"] + c["held out"] + sum(c["held back"].values())
                               for c in result.counts) > 0
    assert set(actions["status"]) <= {"planned", "needs approval", "held out", "held back"}
    assert (actions.loc[actions["status"] == "held back", "guard"] != "").all()
    assert not actions.duplicated(["customer_id", "playbook"]).any()
    sent = actions["status"].isin(["planned", "needs approval"])
    assert (actions.loc[sent, "message"] != "").all() and (actions.loc[~sent, "message"] == "").all()
    assert "None" not in " ".join(actions["message"])  # a missing name renders as nothing
    printed = CliRunner().invoke(cli, ["playbooks", str(bakery_run), "plan", "--json"])
    assert printed.exit_code == 0 and json.loads(printed.output)["counts"] == json.loads(json.dumps(result.counts))
    text_out = CliRunner().invoke(cli, ["playbooks", str(bakery_run), "plan"], env={"COLUMNS": "200"})
    assert text_out.exit_code == 0 and "nothing is sent" in text_out.output


def test_today_is_read_back_from_the_kept_plan_without_planning(bakery_run, monkeypatch):
    """The dashboard's home reads the plan kept when it was last worked out: the same actions in
    the same order, less those queued since; stale once the playbook file changes."""
    assert not app.todays_actions(bakery_run).planned  # nothing worked out yet: said, not planned here
    path = _switch_on(bakery_run)
    planned = app.today(bakery_run).actions
    assert len(planned) >= 2

    import regulars.app._plan as planning

    monkeypatch.setattr(planning, "plan_of", lambda *a, **k: pytest.fail("the page planned"))
    kept = app.todays_actions(bakery_run, top=1)
    assert kept.planned and kept.total == len(planned)
    assert [a["customer_id"] for a in kept.actions] == planned["customer_id"].head(1).tolist()
    assert [a["why"] for a in kept.actions] == planned["why"].head(1).tolist()
    monkeypatch.undo()

    queued = app.run_playbooks(bakery_run)  # plans again (same day: replaces the kept plan) and queues it
    after = app.todays_actions(bakery_run)
    assert after.planned and after.total == 0 and after.waiting == queued.waiting_for_approval
    assert after.queued == len(planned) and after.playbooks_on == 3  # the home says they are in the outbox
    path.write_text(path.read_text() + "\n# an edit\n")
    assert not app.todays_actions(bakery_run).planned  # another file: the kept plan is stale


def test_planning_reads_the_features_the_run_kept_and_reads_the_playbook_file_once(bakery_run, monkeypatch):
    """A plan evaluates the playbooks against what the run stored (features, scores, segments):
    no feature query runs, the file is read once, and an older run's features are worked out
    again (only the latest run keeps them)."""
    from pathlib import Path

    import pandas as pd

    from regulars.features import FeatureFrames
    from regulars.store import latest_run, open_workspace, run_features

    _switch_on(bakery_run)
    computed = app.plan_playbooks(bakery_run).actions
    reads = []
    real_read = Path.read_text
    monkeypatch.setattr(FeatureFrames, "at", lambda *a, **k: pytest.fail("the plan computed features"))
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: (reads.append(self.name), real_read(self, *a, **k))[1])
    kept = app.plan_playbooks(bakery_run).actions
    monkeypatch.undo()
    pd.testing.assert_frame_equal(kept, computed)
    assert reads.count("playbooks.yaml") == 1
    with open_workspace(bakery_run).store(read_only=True) as store:
        first = latest_run(store)["run_id"]
    app.run(bakery_run)
    with open_workspace(bakery_run).store(read_only=True) as store:
        assert run_features(store, first) is None and len(run_features(store, latest_run(store)["run_id"])) > 0
