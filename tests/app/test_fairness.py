"""The checks of a demo model an owner reads: fairness by gender and by region (asked for and on
the card), and how its earlier scores did once their outcomes are known."""

from __future__ import annotations

import json

import pytest

from regulars import app
from regulars.errors import SettingsError


def test_the_churn_card_says_whether_groups_are_picked_alike(demo_template):
    card = json.loads((demo_template / "models" / "churn.json").read_text())["card"]
    fairness = card["fairness"]
    assert fairness["playbook"] == "churn-nurture" and fairness["threshold"] == 0.4
    checked = {a["attribute"] for a in fairness["audits"]}
    assert {"gender", "country", "region", "acquisition source"} <= checked and "age band" in fairness["not_held"]
    # the demo draws gender and region apart from everything else: no gap chance does not explain
    assert not any(a["verdict"].startswith("uneven") for a in fairness["audits"])
    assert fairness["summary"].startswith("Fairness, picking at 40% as the playbook churn-nurture does")


def test_a_check_by_gender_and_region_with_group_thresholds_is_the_same_for_the_same_seed(demo_template):
    first = app.fairness(demo_template, model="churn", by=["gender", "Region"], mitigate="demographic-parity", seed=2)
    assert [a["attribute"] for a in first.audits] == ["gender", "region"]
    by_region = first.audits[1]
    assert sum(g["customers"] for g in by_region["groups"]) == first.checked_on
    assert {g["group"] for g in by_region["groups"]} >= {"London", "Leinster", "Ile-de-France"}
    again = app.fairness(demo_template, model="churn", by=["gender", "region"], mitigate="demographic-parity", seed=2)
    assert again.mitigation == first.mitigation
    for m in first.mitigation:  # what the thresholds would do is shown, with a reading
        assert m["reading"].startswith(("narrows the gap", "not worth adopting"))
        assert m["checked_on"] + m["learned_on"] == first.checked_on
    at_half = app.fairness(demo_template, model="churn", by=["gender"], threshold=0.5)
    assert at_half.threshold == 0.5 and at_half.playbook == ""


@pytest.mark.parametrize("bad", [{"model": "clv"}, {"threshold": 1.5}, {"mitigate": "quotas"}])
def test_bad_requests_are_refused_with_their_option(demo_template, bad):
    with pytest.raises(SettingsError, match="--" + next(iter(bad)).replace("_", "-")):
        app.fairness(demo_template, **bad)


def test_once_a_horizon_has_passed_the_run_says_how_the_scores_did(demo_copy):
    app.run(demo_copy, cutoff="2024-09-01")
    result = app.run(demo_copy)
    realised = result.models["churn"]["realised"]
    assert realised["cutoff"] == "2024-09-01" and realised["customers"] > 100
    low, high = realised["auc_interval"]
    assert 0.6 < low <= realised["auc"] <= high and realised["fell"] is False
    assert realised["summary"].startswith("the scores of 2024-09-01 ranked with AUC")
    drift = result.models["churn"]["drift"]
    assert drift["rows"] and {"what", "psi", "reading"} <= set(drift["rows"][0])
    assert bool(drift["significant"]) == any(a.startswith("Churn model: a significant shift") for a in result.model_alerts)


def test_group_levels_are_adopted_only_when_they_help_and_then_the_plan_uses_them(demo_copy):
    from tests.conftest import query

    with pytest.raises(SettingsError, match="one --by"):
        app.fairness(demo_copy, by=["gender", "region"], mitigate="demographic-parity", adopt="churn-nurture")
    before = (demo_copy / "playbooks.yaml").read_text()
    shown = app.fairness(demo_copy, by=["region"], mitigate="demographic-parity", seed=1)
    assert shown.mitigation[0]["reading"].startswith("not worth adopting")  # the demo picks regions alike
    with pytest.raises(SettingsError, match="not adopted: not worth adopting"):
        app.fairness(demo_copy, by=["region"], mitigate="demographic-parity", seed=1, adopt="churn-nurture")
    assert (demo_copy / "playbooks.yaml").read_text() == before
    # a level adopted for one region: that region's customers are picked at it, the others as before
    londoners = {r[0] for r in query(demo_copy, "SELECT m.resolved_id FROM customers c JOIN customer_map m "
                                                "USING (customer_id) WHERE c.region = 'London'")}
    app.edit_playbooks(demo_copy, playbook="churn-nurture", enabled=True, save=True)
    planned = app.plan_playbooks(demo_copy).actions
    nurtured = set(planned.loc[planned["playbook"] == "churn-nurture", "customer_id"])
    assert nurtured & londoners and nurtured - londoners
    app.edit_playbooks(demo_copy, playbook="churn-nurture", group_levels=("region", {"London": 0.99}), save=True)
    planned = app.plan_playbooks(demo_copy).actions
    now = set(planned.loc[planned["playbook"] == "churn-nurture", "customer_id"])
    assert not now & londoners and now - londoners == nurtured - londoners
    card = app.run(demo_copy).models["churn"]["fairness"]  # the next check picks as the playbook now does
    by_region = next(a for a in card["audits"] if a["attribute"] == "region")
    assert next(g for g in by_region["groups"] if g["group"] == "London")["selection_rate"] == 0


def test_with_retrain_on_drift_a_model_is_kept_until_what_it_scores_drifts(demo_copy):
    settings = demo_copy / "regulars.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace('retrain = "always"', 'retrain = "on_drift"'),
                        encoding="utf-8")
    card = app.run(demo_copy, cutoff="2024-12-20").models["churn"]  # a new cutoff: "always" would learn again
    assert "no significant drift" in card["reused"] and not card["drift"]["significant"]
    assert card["version"] == app.run(demo_copy).models["churn"]["version"]  # the same model as the demo's
    settings.write_text(settings.read_text(encoding="utf-8").replace('retrain = "on_drift"', 'retrain = "always"'),
                        encoding="utf-8")
    assert "reused" not in app.run(demo_copy, cutoff="2024-12-20").models["churn"]
