"""The command line, through Typer's CliRunner: exit codes, JSON and messages."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from regulars.cli import app
from tests.conftest import snapshot

runner = CliRunner()
HEADER = "order_id,customer_id,ordered_at,amount\n"


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "250"})


def test_help_and_version():
    result = run("--help")
    assert result.exit_code == 0
    for command in ("init", "ingest", "status", "quarantine", "demo"):
        assert command in result.output
    assert run("--version").output.startswith("regulars ")
    assert "--preset" in run("ingest", "--help").output


def test_init_is_idempotent(tmp_path):
    first = run("init", tmp_path / "shop")
    assert first.exit_code == 0 and "Created" in first.output
    assert (tmp_path / "shop" / "regulars.toml").is_file()
    assert (tmp_path / "shop" / "regulars.duckdb").is_file()
    again = run("init", tmp_path / "shop", "--json")
    assert json.loads(again.output)["created"] is False


def test_ingest_status_quarantine_round_trip(tmp_path):
    shop = tmp_path / "shop"
    run("init", shop)
    orders = tmp_path / "orders.csv"
    orders.write_text(HEADER + "A1,c1,2024-01-01,5\nA2,c1,2024-02-30,6\nA3,c2,2024-01-03,=HYPERLINK(\"x\")\n")
    result = run("ingest", shop, orders, "--table", "orders")
    assert result.exit_code == 0, result.output
    assert "read 3 = accepted 1 + quarantined 2" in result.output
    again = run("ingest", shop, orders, "--table", "orders", "--json")
    assert json.loads(again.output)["loads"][0]["already_loaded"] is True
    status = json.loads(run("status", shop, "--json").output)
    assert status["tables"]["orders"]["rows"] == 1
    assert status["quarantine"]["by_reason"] == {"unreadable:ordered_at": 1, "unreadable:amount": 1}
    shown = run("quarantine", shop)
    assert "cannot read '2024-02-30' as a date" in shown.output
    export = tmp_path / "bad.csv"
    assert run("quarantine", shop, "--csv", export).exit_code == 0
    assert "cannot read '2024-02-30' as a date" in export.read_text()
    rows = json.loads(run("quarantine", shop, "--json").output)["rows"]
    assert {r["source_row"] for r in rows} == {3, 4}
    assert "Tables" in run("status", shop).output


def test_formula_cells_are_defused_in_exports(tmp_path):
    import pandas as pd

    from regulars.exports import write_safe_csv

    path = tmp_path / "x.csv"
    write_safe_csv(pd.DataFrame({"a": ["=1+1", "+x", "-2", "@a", "fine"], "n": [1, 2, 3, 4, 5]}), path)
    assert pd.read_csv(path)["a"].tolist() == ["'=1+1", "'+x", "'-2", "'@a", "fine"]


def test_errors_are_one_line_with_meaningful_exit_codes(tmp_path):
    missing_ws = run("status", tmp_path / "none")
    assert missing_ws.exit_code == 2
    assert "does not exist; create one with `regulars init" in missing_ws.output
    assert "Traceback" not in missing_ws.output
    shop = tmp_path / "shop"
    run("init", shop)
    before = snapshot(shop)
    missing_file = run("ingest", shop, tmp_path / "nope.csv", "--table", "orders")
    assert missing_file.exit_code == 3 and "no such file" in missing_file.output
    bad_table = run("ingest", shop, tmp_path / "nope.csv", "--table", "nope")
    assert bad_table.exit_code == 2 and "unknown table 'nope'" in bad_table.output
    bad_batch = run("quarantine", shop, "--batch", "b9999")
    assert bad_batch.exit_code == 2 and "no batch 'b9999'" in bad_batch.output
    assert snapshot(shop) == before


def test_broken_settings_file_is_reported(tmp_path):
    shop = tmp_path / "shop"
    run("init", shop)
    (shop / "regulars.toml").write_text("[store]\nmemory = 1\n")
    result = run("status", shop)
    assert result.exit_code == 2 and "unknown setting store.memory" in result.output


def test_run_backtest_customer_commands(demo_copy):
    shop = demo_copy
    result = run("run", shop, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    clv = data["models"]["clv"]
    expected = {"r", "alpha", "s", "beta"} if clv["count_model"] == "Pareto/NBD" else {"r", "alpha", "a", "b"}
    assert set(clv["count_model_fit"]["params"]) == expected
    assert "metrics" in data["models"]["clv"]["evaluation"]
    shown = run("run", shop, "--top", "3")
    assert "Most likely to have lapsed" in shown.output and "Most valuable" in shown.output
    back = json.loads(run("backtest", shop, "--cutoff", "2024-07-01", "--horizon", "120", "--json").output)
    assert {"bgnbd", "baseline_rate", "baseline_rfm"} <= set(back["details"]["metrics"])
    assert "repeat last period's rate" in run("backtest", shop, "--cutoff", "2024-07-01").output
    who = data["most_valuable"][0]["customer_id"]
    one = run("customer", shop, who)
    assert one.exit_code == 0 and "likely still a customer" in one.output
    assert run("backtest", shop, "--cutoff", "not-a-date").exit_code == 2
    assert run("customer", shop, "nobody").exit_code == 2


def test_engagement_command(demo_copy):
    shop = demo_copy
    data = json.loads(run("engagement", shop, "--learn", "--horizon", "90", "--json").output)
    assert sum(data["tiers"].values()) == data["customers"] > 0
    assert set(data["learned"]["tiers_after"]) == {"hot", "warm", "cold"}
    shown = run("engagement", shop, "--learn", "--horizon", "90")
    assert "Learned points" in shown.output and "Leads converting in the 90 days" in shown.output
    assert "[engagement] points" in " ".join(shown.output.split())  # shown as text, not eaten as markup
    assert "lead_converted" not in data["learned"]["points"]  # an outcome marker earns no points
    (shop / "regulars.toml").write_text((shop / "regulars.toml").read_text().replace("warm = 40.0", "warm = 90.0"))
    bad = run("engagement", shop)
    assert bad.exit_code == 2 and "warm < hot" in bad.output


def test_scores_command(demo_copy, tmp_path):
    shop = demo_copy
    shown = run("scores", shop, "--sort", "churn", "--top", "5")
    assert shown.exit_code == 0 and "Scores by churn" in shown.output
    rows = json.loads(run("scores", shop, "--json", "--top", "3").output)["rows"]
    assert len(rows) == 3 and rows[0]["clv"] >= rows[1]["clv"]
    export = tmp_path / "scores.csv"
    assert run("scores", shop, "--csv", export).exit_code == 0 and export.read_text().startswith("customer_id")
    empty = tmp_path / "empty"
    run("init", empty)
    assert run("scores", empty).exit_code == 1


def test_rolling_churn_backtest(demo_copy):
    shop = demo_copy
    data = json.loads(run("backtest", shop, "--cutoff", "2024-10-01", "--horizon", "60", "--model", "churn",
                          "--rolling", "3", "--json").output)
    assert [r["cutoff"] for r in data["details"]["rolling"]] == ["2024-10-01", "2024-08-02", "2024-06-03"]
    assert 0.5 < data["details"]["rolling_mean_auc"] <= 1
    shown = run("backtest", shop, "--cutoff", "2024-10-01", "--horizon", "60", "--model", "churn", "--rolling", "2")
    assert "Rolling cutoffs" in shown.output and "By tenth of customers" in shown.output
    assert "Model card: churn" in shown.output and "Calibration: predicted vs actual" in shown.output
    assert run("backtest", shop, "--cutoff", "2024-10-01", "--model", "churn", "--rolling", "0").exit_code == 2


def test_a_site_key_comes_with_the_snippet_to_put_on_the_shop_s_pages(tmp_path):
    shop = tmp_path / "shop"
    assert run("init", shop).exit_code == 0
    made = run("keys", shop, "create", "--name", "pages", "--role", "site")
    assert made.exit_code == 0, made.output
    key = made.output.splitlines()[1]
    assert f'<script src="https://REGULARS/api/v1/snippet.js" data-key="{key}" async></script>' in made.output
    other = run("keys", shop, "create", "--name", "till", "--role", "integrator")
    assert "snippet" not in other.output
