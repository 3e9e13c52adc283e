"""What every command prints: strict JSON, data never read as markup, no traceback ever."""

from __future__ import annotations

import json
import re

import pytest
import typer
from typer.testing import CliRunner

from regulars.cli import app as cli
from regulars.cli._app import INTERNAL_ERROR
from tests.conftest import FIXTURES

runner = CliRunner()


def run(*args):
    return runner.invoke(cli, [str(a) for a in args], env={"COLUMNS": "250"})


def strict(text: str):
    """JSON as a strict parser reads it: NaN, Infinity and -Infinity are refused."""
    def refuse(name):
        raise ValueError(f"not JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def _json_commands() -> set[str]:
    """Every command and noun verb ("segments show") with a --json option."""
    def walk(group, prefix=""):
        for name, command in group.commands.items():
            if hasattr(command, "commands"):
                yield from walk(command, f"{prefix}{name} ")
            elif any("--json" in p.opts for p in command.params):
                yield prefix + name

    return set(walk(typer.main.get_command(cli)))


@pytest.fixture
def shop(demo_copy):
    return demo_copy


def test_every_command_with_json_prints_strict_json(shop, tmp_path):
    crm = tmp_path / "crm.csv"
    crm.write_text("customer_id,plan,visits,churned\n" + "".join(
        f"x{i},{'pro' if i % 3 else 'basic'},{i % 7},{'' if i % 10 == 0 else ('yes' if i % 4 == 0 else 'no')}\n"
        for i in range(300)))
    from pathlib import Path

    (Path(shop) / "faq.yaml").write_text("- question: How long does delivery take?\n  answer: Two to four days.\n")
    calls = {
        "init": [tmp_path / "fresh"],
        "ingest": [shop, crm, "--table", "customers"],
        "status": [shop],
        "quarantine": [shop],
        "batches": [shop],
        "run": [shop],
        "scores": [shop, "--sort", "churn"],
        "customer": [shop, "C00001"],
        "backtest": [shop, "--cutoff", "2024-07-01", "--horizon", "90"],
        "predict": [shop, "--target", "churned", "--positive", "yes"],
        "engagement": [shop],
        "segments list": [shop, "list"],
        "segments show": [shop, "show", "Champions"],
        "segments history": [shop, "history", "Champions"],
        "segments define": [shop, "define", "Big spenders", "clv > 100"],
        "segments explain": [shop, "explain", "C00002"],
        "segments pin": [shop, "pin", "Big spenders", "C00002", "--why", "a test"],
        "segments unpin": [shop, "unpin", "Big spenders", "C00002"],
        "segments drop": [shop, "drop", "Big spenders"],
        "recommend": [shop, "C00002"],
        "playbooks list": [shop, "list"],
        "playbooks validate": [shop, "validate"],
        "playbooks plan": [shop, "plan"],
        "playbooks run": [shop, "run"],
        "playbooks approve": [shop, "approve"],
        "playbooks results": [shop, "results"],
        "today": [shop],
        "outbox status": [shop, "status"],
        "outbox deliver": [shop, "deliver"],
        "outbox retry": [shop, "retry"],
        "map": [str(FIXTURES / "stripe_payments.csv"), "--table", "orders"],
        "results": [shop],
        "metrics": [shop, "--by", "week"],
        "cohorts": [shop, "--source"],
        "funnel": [shop, "--strict"],
        "forecast": [shop, "revenue", "--by", "week", "--horizon", "2"],
        "messages": [shop, "--days", "3"],
        "journeys": [shop],
        "texts": [shop, "--table", "tickets"],
        "voice": [shop, "--by", "week"],
        "service": [shop, "--by", "week"],
        "surveys": [shop],
        "quality": [shop, "--days", "60"],
        "faq": [shop, "--ask", "When will my parcel arrive?", "--customer", "C00001"],
        "alerts": [shop, "--since", "2024-01-01"],
        "targets set": [shop, "set", "revenue", "5000", "--by", "2025-03-31"],
        "targets list": [shop, "list"],
        "targets clear": [shop, "clear", "revenue"],
        "keys create": [shop, "create", "--name", "till", "--role", "integrator"],
        "keys list": [shop, "list"],
        "keys revoke": [shop, "revoke", "--id", "KEY"],
        "report": [shop, "--html", tmp_path / "report.html"],
        "fairness": [shop, "--by", "gender", "--mitigate", "equalised-odds"],
        "consent set": [shop, "set", "C00004", "--email", "no", "--why", "told us in the shop"],
        "consent show": [shop, "show", "C00004"],
        "privacy export": [shop, "export", "C00003", "--to", tmp_path],
        "privacy erase": [shop, "erase", "C00003", "--why", "asked by email"],
        "privacy erasures": [shop, "erasures"],
        "privacy disclosure": [shop, "disclosure", "--to", tmp_path],
        "demo": [shop, "--customers", "400", "--seed", "5"],
    }
    assert set(calls) == _json_commands()  # a new command with --json must be added here
    made = None
    for name, args in calls.items():
        noun, _, verb = name.partition(" ")
        args = [made if a == "KEY" else a for a in args]
        result = run(noun, *args, "--json")
        assert result.exit_code == 0, (name, result.output)
        assert isinstance(strict(result.stdout), dict), name
        made = strict(result.stdout)["key_id"] if name == "keys create" else made
    # a label backtest and a customer with every kind of gap are JSON too
    strict(run("backtest", shop, "--cutoff", "2024-07-01", "--horizon", "90", "--model", "churn", "--json").stdout)
    strict(run("recommend", shop, "--product", "P101", "--json").stdout)
    assert strict(run("faq", shop, "--json").stdout)["answered"] == 1
    assert strict(run("customer", shop, "x1", "--json").stdout)["scores"]["p_alive"] is None  # a lead: no NaN


def test_text_from_settings_and_data_is_never_markup(tmp_path):
    shop = tmp_path / "shop"
    run("init", shop)
    (shop / "regulars.toml").write_text("[stores]\n")
    result = run("status", shop)
    assert result.exit_code == 2
    assert "unknown section [stores]; known sections are [store], [ingest]" in " ".join(result.output.split())
    run("init", tmp_path / "ok")
    orders = tmp_path / "o.csv"
    orders.write_text("order_id,customer_id,ordered_at,amount\nA1,[bold]c1[/url],someday,[/url]\n")
    assert run("ingest", tmp_path / "ok", orders, "--table", "orders").exit_code == 0
    shown = run("quarantine", tmp_path / "ok")
    assert shown.exit_code == 0 and "[/url]" in shown.output and "[bold]c1" in shown.output


def test_one_line_errors_for_what_used_to_end_in_a_traceback(tmp_path):
    shop = tmp_path / "shop"
    run("init", shop)
    crm = tmp_path / "crm.csv"
    crm.write_text("customer_id,plan,churned\n" + "".join(f"c{i},{i % 3},{'yes' if i < 4 else 'no'}\n" for i in range(60)))
    run("ingest", shop, crm, "--table", "customers")
    few = run("predict", shop, "--target", "churned", "--positive", "yes")
    assert few.exit_code == 1 and "needs at least 10 of each" in few.output and "Traceback" not in few.output
    same = run("predict", shop, "--target", "plan", "--positive", "9")  # a value that never occurs
    assert same.exit_code == 2 and "does not occur" in same.output
    one_class = tmp_path / "one.csv"
    one_class.write_text("customer_id,vip\n" + "".join(f"v{i},yes\n" for i in range(40)))
    run("ingest", shop, one_class, "--table", "customers")
    lonely = run("predict", shop, "--target", "vip", "--positive", "yes")
    assert lonely.exit_code == 1 and "needs at least 10 of each" in lonely.output
    (shop / "regulars.toml").write_text("[engagement]\nwarm = 80\nhot = 70\n")
    tiers = run("run", shop)
    assert tiers.exit_code == 2 and "warm < hot" in tiers.output and "Traceback" not in tiers.output


def test_a_bug_is_one_line_and_exit_70_and_debug_shows_the_cause(tmp_path, monkeypatch):
    import regulars.app._status

    shop = tmp_path / "shop"
    run("init", shop)

    def broken(*args, **kwargs):
        raise KeyError("a bug deep inside")

    monkeypatch.setattr(regulars.app._status, "status", broken)
    plain = run("status", shop)
    assert plain.exit_code == INTERNAL_ERROR
    assert "internal error (KeyError); run again with --debug to see the cause" in plain.output
    assert "Traceback" not in plain.output and "a bug deep inside" not in plain.output
    debug = run("--debug", "status", shop)
    assert debug.exit_code == INTERNAL_ERROR and "Traceback" in debug.output and "a bug deep inside" in debug.output


@pytest.mark.parametrize("width", [80, 60])
def test_narrow_terminals_keep_the_id_and_currency_columns(shop, width):
    """Tables fit the terminal, and what names a row (a customer, a currency) is never cut."""
    env = {"COLUMNS": str(width)}
    status = CliRunner().invoke(cli, ["status", str(shop)], env=env)
    scores = CliRunner().invoke(cli, ["scores", str(shop), "--top", "3"], env=env)
    assert status.exit_code == 0 and scores.exit_code == 0
    drawn = [line for text in (status.output, scores.output) for line in text.splitlines() if line[:1] in "┏┃│└┡"]
    assert drawn and all(len(line) <= width for line in drawn)
    assert "GBP" in status.output and "last 30" in status.output  # every column of the sales table
    assert re.search(r"│ C\d{5}", scores.output) and "leaves" in scores.output  # the chance says its horizon
