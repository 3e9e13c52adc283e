"""The shop-shape gauntlet: the owner's whole loop on shops unlike the demo (no customers, no
product names, no channels, only leads, a till, refunds, mixed-case and several currencies, 20
to 2,000 customers), every playbook switched on, through the command line as a person runs it.

Every step exits 0 or says plainly what it could not do (exit 1 or 2 with one line); --json is
strict JSON (no NaN); nothing is sent without consent; the second run's cutoff equals the
first's; nothing already queued or sent is offered again.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from regulars.app._plan import action_key
from regulars.cli import app as cli
from tests.conftest import query
from tests.shops import SHAPES, Shape, make_shop

runner = CliRunner()


def _strict(text: str):
    def refuse(constant: str):
        raise AssertionError(f"--json printed {constant}")

    return json.loads(text, parse_constant=refuse)


def step(*args: object, ok: tuple[int, ...] = (0,)) -> dict | None:
    """One command with --json: its exit code must be in ``ok``; a refusal is one plain line."""
    result = runner.invoke(cli, [*map(str, args), "--json"])
    assert result.exit_code in ok, f"{args[:2]} exited {result.exit_code}: {result.output[-800:]}"
    assert "Traceback" not in result.output and "internal error" not in result.output
    if result.exit_code:
        assert result.stderr.strip().startswith("error:") and len(result.stderr.strip().splitlines()) == 1
        return None
    return _strict(result.stdout)


def owners_loop(shop: Path, files: list[Path], ingested: bool = False) -> dict[str, object]:
    """ingest, run, segments, recommend, playbooks plan and run, outbox deliver, run again,
    today, results, report: what each step said."""
    if not ingested:
        step("init", shop)
        step("ingest", shop, *files)
    first = step("run", shop, ok=(0, 1))
    said: dict[str, object] = {"first": first}
    if first is None:  # nothing at all could be scored (a help desk without orders or events): said
        return said
    step("segments", shop, "list", ok=(0, 1))
    someone = query(shop, "SELECT customer_id FROM customers ORDER BY customer_id LIMIT 1")
    if someone:
        step("recommend", shop, someone[0][0], ok=(0, 1))
    step("playbooks", shop, "list")
    book = shop / "playbooks.yaml"
    book.write_text(book.read_text().replace("enabled: false", "enabled: true"))
    if step("playbooks", shop, "validate", ok=(0, 1)) is None:  # no customers to act on (a till): said
        step("today", shop, ok=(1,))
        step("report", shop, "--html", shop / "report.html")
        return said
    step("playbooks", shop, "plan")
    said["queued"] = step("playbooks", shop, "run")
    said["delivered"] = step("outbox", shop, "deliver")
    said["second"] = step("run", shop)
    said["today"] = step("today", shop)
    step("results", shop)
    step("report", shop, "--html", shop / "report.html")
    return said


def _check_consent(shop: Path) -> None:
    """Every email or SMS that left went to a customer who said yes and never unsubscribed."""
    broken = query(shop, """
        SELECT o.action_id FROM outbox o JOIN customer_map m ON m.resolved_id = o.customer_id
        JOIN customers c ON c.customer_id = m.customer_id
        WHERE o.status = 'sent' AND o.channel IN ('email', 'sms', 'audience')
        GROUP BY o.action_id, o.channel
        HAVING NOT bool_and(CASE WHEN o.channel = 'sms' THEN coalesce(c.consent_sms, false)
                                 ELSE coalesce(c.consent_email, false) END)""")
    assert not broken, f"sent without consent: {broken[:3]}"


@pytest.mark.slow
@pytest.mark.parametrize("shape", SHAPES, ids=[s.name for s in SHAPES])
def test_the_owners_loop_on_every_shop_shape(tmp_path, shape: Shape):
    files = make_shop(tmp_path / "files", shape)
    shop = tmp_path / "shop"
    said = owners_loop(shop, files)
    first = said["first"]
    if first is None:
        return
    assert not first["failed"]
    if shape.anonymous_only:  # a till: what sells together, and a plain line on what needs customers
        assert first["customers"] == 0 and first["models"]["recommend"]["anonymous_baskets"] > 0
        assert "no sale names a customer" in first["skipped"]["clv"]
        return
    assert first["customers"] > 0
    second = said["second"]
    assert second["cutoff"] == first["cutoff"] and not second["failed"]  # our own messages never move the clock
    _check_consent(shop)
    queued = {r[0] for r in query(shop, "SELECT action_id FROM outbox")}
    at = datetime.fromisoformat(said["today"]["at"])
    offered = {action_key(a["playbook"], a["customer_id"], int(a["step"]), at) for a in said["today"]["actions"]}
    assert not offered & queued  # nothing already queued or sent is planned again
    if shape.customer_table and shape.consent and not shape.anonymous_only and said["queued"]["queued"]:
        assert said["delivered"]["outcomes"], said["delivered"]
