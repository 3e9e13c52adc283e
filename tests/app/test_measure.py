"""Results on the demo shop: its past win-back campaign (a 20% holdout by the playbooks' own
hash, and an email that really works) is measured as working, with the interval, the verdict
and the return; the whole loop (plan, approve, deliver, results) runs on the starter set."""

from __future__ import annotations

import json

import duckdb
import pytest
from typer.testing import CliRunner

from regulars import app
from regulars.cli import app as cli


@pytest.fixture(scope="module")
def demo_shop(tmp_path_factory):
    path = tmp_path_factory.mktemp("measure") / "shop"
    app.demo(path, customers=2000, seed=7)
    return path


def test_the_past_win_back_is_measured_against_its_holdout(demo_shop):
    result = app.playbook_results(demo_shop)
    (win_back,) = [p for p in result.playbooks if p["playbook"] == "churn-win-back"]
    con = duckdb.connect(str(demo_shop / "regulars.duckdb"), read_only=True)
    groups = dict(con.execute("SELECT variant, count(*) FROM messages WHERE playbook = 'churn-win-back' "
                              "GROUP BY 1").fetchall())
    con.close()
    assert (win_back["treated"], win_back["held_out"]) == (groups["treatment"], groups["holdout"])
    effects = {e["measure"]: e for e in win_back["effects"]}
    conversion = effects["conversion"]
    assert conversion["low"] > 0.01 and conversion["share"]  # the email works, and the interval says so
    assert conversion["verdict"].startswith("conversion: the outreach raised it")
    assert "points" in conversion["verdict"] and "95% confidence" in conversion["verdict"]
    assert effects["revenue per customer"]["difference"] > 0
    assert effects["unsubscribes"]["verdict"].startswith("unsubscribes: none in either group")
    benefit = effects["revenue per customer"]["difference"] * win_back["treated"] * result.margin
    assert win_back["benefit"] == pytest.approx(benefit)
    assert win_back["cost"] == pytest.approx(0.05 * win_back["treated"])  # the starter's cost per email
    assert win_back["roi_percent"] == pytest.approx((benefit - win_back["cost"]) / win_back["cost"] * 100)
    # today's list claims an expected value only for the playbook whose effect was measured
    today = app.today(demo_shop).actions
    measured = today["playbook"] == "churn-win-back"
    assert measured.any() and today.loc[measured, "expected_value"].notna().all()
    assert today.loc[~measured, "expected_value"].isna().all()
    assert today.loc[measured, "expected_value"].median() > 0


def test_the_starter_set_runs_end_to_end_on_the_demo_shop(demo_shop, tmp_path):
    import shutil

    path = tmp_path / "shop"
    shutil.copytree(demo_shop, path)
    queued = app.run_playbooks(path, by="test")
    assert queued.queued > 0 and queued.waiting_for_approval > 0 and queued.held_out > 0
    waiting = app.approvals(path).actions
    assert set(waiting["playbook"]) == {"vip-recognition"}  # the playbook set to review
    app.decide(path, waiting["action_id"].head(1).tolist(), "reject", by="anna", why="spoke to them in the shop")
    app.decide(path, ["all"], "approve", by="anna")
    delivered = app.deliver(path)
    assert delivered.outcomes["sent"] == queued.queued - 1 and delivered.files
    sent = app.todays_actions(path).sent  # the home page says what went out since yesterday
    assert sum(x["sent"] for x in sent) == delivered.outcomes["sent"]
    assert app.deliver(path).outcomes == {}
    results = {p["playbook"]: p for p in app.playbook_results(path).playbooks}
    assert results["churn-nurture"]["still_open"] > 0  # just sent: its window is still open
    runner = CliRunner()
    shown = runner.invoke(cli, ["results", str(path), "--json"])
    assert shown.exit_code == 0 and json.loads(shown.stdout)["playbooks"]
    text = runner.invoke(cli, ["playbooks", str(path), "results"])
    assert text.exit_code == 0 and "churn-win-back: " in text.stdout and "ROI " in text.stdout
    status = runner.invoke(cli, ["outbox", str(path), "status"])
    assert status.exit_code == 0 and "rejected" in status.stdout


def test_decisions_on_what_is_not_there_are_refused_and_change_nothing(demo_shop, tmp_path):
    import shutil

    path = tmp_path / "shop"
    shutil.copytree(demo_shop, path)
    app.run_playbooks(path)
    runner = CliRunner()
    before = app.outbox(path).counts
    for args, message in (
        (["playbooks", str(path), "approve", "--id", "nope", "--by", "anna"], "no action 'nope' in the outbox"),
        (["playbooks", str(path), "approve", "--id", "all"], "say who decides (--by NAME)"),
        (["playbooks", str(path), "approve", "--exclude", "C00001", "--by", "anna"], "--exclude needs --playbook"),
        (["playbooks", str(path), "approve", "--exclude", "C99999", "--playbook", "churn-win-back", "--by", "anna"],
         "no customer 'C99999'"),
        (["playbooks", str(path), "approve", "--exclude", "C00001", "--playbook", "nope", "--by", "anna"],
         "no playbook 'nope'"),
        (["outbox", str(path), "retry", "--id", app.approvals(path).actions["action_id"].iat[0]],
         "is neither parked nor unconfirmed"),
        (["outbox", str(path), "send"], "No such command 'send'"),
    ):
        got = runner.invoke(cli, args)
        assert got.exit_code == 2, (args, got.output)
        assert message in got.output and "Traceback" not in got.output
    assert app.outbox(path).counts == before


def test_delivery_settings_are_checked_when_read(tmp_path):
    from regulars.config import parse_settings
    from regulars.errors import SettingsError

    for text, message in (('[delivery]\nsms_url = "ftp://x"', "sms_url must be an http(s) address"),
                          ('[delivery]\nemail = "smtp"', "needs delivery.smtp_host and delivery.from_address"),
                          ('[delivery]\nexport_format = "excel"', "export_format must be one of"),
                          ("[delivery]\nmax_attempts = 0", "max_attempts must be at least 1"),
                          ("[results]\nmargin = 1.5", "margin must be at least 0 and at most 1")):
        with pytest.raises(SettingsError, match=message.replace("(", r"\(").replace(")", r"\)")):
            parse_settings(text)
