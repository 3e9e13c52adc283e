"""`regulars predict` on real data with a label the business provides (issue 4 accuracy tests)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from regulars import app
from regulars.cli import app as cli
from regulars.errors import SettingsError
from tests.conftest import SHARED_DATA, query

TELCO = SHARED_DATA / "telco_churn" / "WA_Fn-UseC_-Telco-Customer-Churn.csv.gz"
LEADS = SHARED_DATA / "leads_xeducation" / "Leads.csv.gz"
AFTER_THE_FACT = ["Tags", "Lead Quality", "Lead Profile", "Asymmetrique Activity Index", "Asymmetrique Profile Index",
                  "Asymmetrique Activity Score", "Asymmetrique Profile Score", "Last Notable Activity"]


@pytest.mark.slow
def test_telco_churn_auc(workspace):
    app.ingest(workspace, [TELCO], table="customers")
    result = app.predict(workspace, target="Churn", positive="Yes", holdout=0.3, score_all=True)
    card = result.card
    print("Telco holdout AUC", round(card["metrics"]["model"]["auc"], 4))
    assert card["metrics"]["model"]["auc"] >= 0.835
    assert result.rows_known == 7043 and result.rows_scored == 7043
    assert "TotalCharges" in card["features_used"] and card["leakage_flags"] == {}
    assert len(card["deciles"]) == 10 and card["deciles"][0]["lift"] > 2
    assert card["metrics"]["model"]["auc"] > card["metrics"]["baseline_logistic"]["auc"] - 0.01
    assert "stratified 30% holdout" in card["evaluated_on"] and card["trained_on"]["customers"] == 4930
    rows = query(workspace, f"SELECT count(*), min(length(reasons) - length(replace(reasons, ';', ''))) FROM predictions WHERE run_id = '{result.run_id}'")
    assert rows == [(7043, 2)]  # three reasons each
    # who a person is is no input, and the holdout is checked by it (real data: Telco's gender)
    assert "gender" not in card["features_used"]
    by_gender = next(a for a in card["fairness"]["audits"] if a["attribute"] == "gender")
    assert {g["group"] for g in by_gender["groups"]} == {"Female", "Male"}
    assert sum(g["customers"] for g in by_gender["groups"]) == 2113
    assert by_gender["demographic_parity_difference"] < 0.1 and not by_gender["verdict"].startswith("uneven")


@pytest.mark.slow
def test_leads_auc_without_after_the_fact_columns(workspace, tmp_path):
    mapping = tmp_path / "leads.toml"
    mapping.write_text('table = "customers"\n[columns]\ncustomer_id = "Prospect ID"\n')
    app.ingest(workspace, [LEADS], mapping_file=mapping)
    result = CliRunner().invoke(cli, ["predict", str(workspace), "--target", "Converted", "--positive", "1",
                                      *[a for c in AFTER_THE_FACT for a in ("--exclude", c)], "--exclude", "Lead Number",
                                      "--json"])
    assert result.exit_code == 0, result.output
    card = json.loads(result.output)["card"]
    print("Leads holdout AUC", round(card["metrics"]["model"]["auc"], 4))
    assert card["metrics"]["model"]["auc"] >= 0.89
    assert not set(AFTER_THE_FACT) & set(card["features_used"])
    assert "Specialization" in card["features_used"] and set(AFTER_THE_FACT) <= set(card["excluded"])


def test_leakage_guard_flags_and_drops_after_the_fact_columns(workspace, write):
    rows = ["customer_id,churned,visits,closed_reason,region"]
    for i in range(400):
        churned = i % 3 == 0
        rows.append(f"c{i},{'yes' if churned else 'no'},{i % 7},{'moved away' if churned else ''},{'north' if i % 2 else 'south'}")
    app.ingest(workspace, [write("crm.csv", "\n".join(rows) + "\n")], table="customers")
    card = app.predict(workspace, target="churned", positive="yes").card
    assert card["leakage_flags"]["closed_reason"]["used"] is False
    assert "recorded after the outcome" in card["leakage_flags"]["closed_reason"]["reason"]
    assert "closed_reason" not in card["features_used"]
    kept = app.predict(workspace, target="churned", positive="yes", allow=["closed_reason"]).card
    assert "closed_reason" in kept["features_used"] and kept["leakage_flags"]["closed_reason"]["used"] is True
    shown = CliRunner().invoke(cli, ["predict", str(workspace), "--target", "churned", "--positive", "yes"])
    assert shown.exit_code == 0 and "Model card: churned = yes" in shown.output
    assert "leakage guard, not used: closed_reason" in " ".join(shown.output.split())
    with pytest.raises(SettingsError, match="no customer column 'churn'"):
        app.predict(workspace, target="churn")
    with pytest.raises(SettingsError, match="--positive 'maybe' does not occur"):
        app.predict(workspace, target="churned", positive="maybe")


def test_a_column_nothing_else_explains_is_no_better_than_chance_and_scores_nobody(workspace, write):
    """An "Account Status" given at random says nothing the other columns know: the card says
    "no better than chance", no customer is scored, and the CLI says so too."""
    import random

    rng = random.Random(7)
    rows = ["customer_id,region,plan,seats,Account Status"]
    for i in range(600):
        status = "" if i % 5 == 0 else rng.choice(["Active", "Closed"])
        rows.append(f"c{i},{rng.choice(['north', 'south', 'east'])},{rng.choice(['basic', 'team'])},"
                    f"{rng.randint(1, 50)},{status}")
    app.ingest(workspace, [write("crm.csv", "\n".join(rows) + "\n")], table="customers")
    result = app.predict(workspace, target="Account Status", positive="Closed")
    assert "no better than chance" in result.card["no_better_than_chance"]
    assert result.rows_scored == 0 and result.top == []
    printed = CliRunner().invoke(cli, ["predict", str(workspace), "--target", "Account Status", "--positive", "Closed"],
                                 env={"COLUMNS": "100"})
    assert printed.exit_code == 0 and "no better than chance" in printed.output and "Highest probability" not in printed.output
