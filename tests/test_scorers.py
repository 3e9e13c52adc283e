"""The scorer registry: a scorer is one module and one registration, and every layer follows."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from regulars import app
from regulars.cli import app as cli
from regulars.errors import SettingsError
from regulars.scorers import Measure, ScorerSpec, make_scorer, register, unregister, wide_columns
from regulars.scores import Scored
from tests.api.conftest import auth, client
from tests.conftest import query
from tests.segments.test_scorer import load, tiny_shop


class ToyScorer:
    """A scorer a user might add: each customer's chance of luck, with a reason."""

    name = "toy"

    def skip_reason(self, ctx):
        return None if "orders" in ctx.tables else "no orders"

    def score(self, ctx):
        ids = ctx.tables["orders"].select("customer_id").distinct().to_pandas()["customer_id"].sort_values()
        frame = pd.DataFrame({"customer_id": ids, "lucky": [0.25 + 0.5 * (i % 2) for i in range(len(ids))],
                              "reasons": "a toy: every other customer is lucky"})
        return Scored(frame=frame, card={"what": "a toy"}, version="toy-1")


TOY = ScorerSpec("toy", "tests.test_scorers:ToyScorer",
                 (Measure("lucky", "toy_lucky", unit="probability", words="chance of luck"),
                  Measure("reasons", "toy_reasons", "VARCHAR")), words="luck")


@pytest.fixture
def toy():
    register(TOY)
    yield TOY
    unregister("toy")


def test_a_registered_scorer_is_stored_served_and_shown(toy, workspace, write):
    load(workspace, write, tiny_shop())
    settings = workspace / "regulars.toml"
    settings.write_text(settings.read_text().replace(
        'scorers = ["clv", "churn", "conversion", "support", "engagement", "recommend", "timing", "segments"]',
        'scorers = ["clv", "toy"]'))
    result = app.run(workspace)
    assert result.models["toy"] == {"what": "a toy"} and "toy" not in result.skipped
    stored = query(workspace, "SELECT count(*), min(model_version) FROM results WHERE scorer = 'toy'")[0]
    assert stored[0] > 0 and stored[1] == "toy-1"
    someone = query(workspace, "SELECT customer_id FROM results WHERE scorer = 'toy' ORDER BY customer_id")[0][0]
    assert query(workspace, f"SELECT toy_lucky FROM scores WHERE customer_id = '{someone}'")[0][0] == 0.25

    key = app.create_key(workspace, "test", "read-only").key
    served = client(workspace).get(f"/api/v1/customers/{someone}/scores", headers=auth(key)).json()
    assert served["scores"]["toy_lucky"] == 0.25 and served["scores"]["toy_reasons"].startswith("a toy")

    shown = CliRunner().invoke(cli, ["customer", str(workspace), someone], env={"COLUMNS": "200"})
    assert shown.exit_code == 0 and "Luck: chance of luck 25% (a toy: every other customer is lucky)" in shown.output
    as_json = json.loads(CliRunner().invoke(cli, ["customer", str(workspace), someone, "--json"]).output)
    assert as_json["more_scores"][0]["measures"][0] == {"words": "chance of luck", "value": 0.25,
                                                        "unit": "probability"}


def test_an_unknown_scorer_is_an_error_naming_the_known_ones(workspace):
    settings = workspace / "regulars.toml"
    settings.write_text(settings.read_text().replace('scorers = ["clv",', 'scorers = ["vibes", "clv",'))
    with pytest.raises(SettingsError, match="run.scorers may hold clv, churn, .*; got 'vibes'"):
        app.run(workspace)
    with pytest.raises(SettingsError, match="no scorer 'vibes'; the scorers are clv, churn"):
        make_scorer("vibes")


def test_the_wide_view_and_the_sorts_come_from_the_registry(toy):
    assert ("toy_lucky", "toy", "lucky", "DOUBLE") in wide_columns()
    assert list(app.SCORE_SORTS) == ["at_stake", "churn", "conversion", "support", "clv", "engagement", "p_alive"]
    with pytest.raises(SettingsError, match="built-in"):
        unregister("churn")
