"""A run keeps its headline figures when it is stored; the home page reads them back."""

from __future__ import annotations

import json

from regulars import app
from regulars.metrics import run_figures
from regulars.store import latest_run, open_workspace, stored_tables
from tests.conftest import query
from tests.segments.test_scorer import PRODUCTS, load, tiny_shop


def test_the_run_keeps_the_figures_the_home_page_shows(workspace, write):
    app.ingest(workspace, [write("products.csv", PRODUCTS)], table="products")
    load(workspace, write, tiny_shop())
    app.run(workspace)
    kept = json.loads(query(workspace, "SELECT figures FROM runs")[0][0])
    with open_workspace(workspace).store(read_only=True) as store:
        run_id = latest_run(store)["run_id"]
        fresh = run_figures(stored_tables(store, "scores")["scores"], run_id, top=3)
    shown = app.overview(workspace, top=3).run
    longer = app.overview(workspace, top=60).run  # more than a run keeps: worked out now
    assert kept["customers"] == fresh["customers"] > 0
    assert json.loads(json.dumps(shown, default=str)) == json.loads(json.dumps(fresh, default=str))
    assert len(longer["at_risk_valuable"]) >= len(shown["at_risk_valuable"])


def test_hot_leads_are_those_the_conversion_model_or_their_points_favour():
    import ibis
    import pandas as pd

    scores = ibis.memtable(pd.DataFrame({
        "run_id": ["r1"] * 4, "customer_id": ["a", "b", "c", "d"], "orders": [0, 0, 0, 2],
        "conversion_probability": [0.88, 0.2, None, 0.9], "engagement_tier": ["cold", "hot", "warm", "hot"],
        "engagement": [5.0, 80.0, 50.0, 90.0], "conversion_reasons": ["visited pricing", None, None, None],
        "engagement_reason": ["", "opened emails", "", ""], "churn_probability": [None] * 4, "clv": [None, None, None, 10.0],
        "churn_reasons": [None] * 4}).astype({"churn_probability": float, "churn_reasons": object}))
    leads = run_figures(scores, "r1")["hot_leads"]
    assert [x["customer_id"] for x in leads] == ["a", "b"]  # c is neither likely nor hot; d has bought
    assert leads[0]["reasons"] == "visited pricing" and leads[1]["reasons"] == "opened emails"
