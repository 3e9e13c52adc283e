"""The owner's loop (as the gauntlet runs it) on every public data set in ../shared/data: each
loads with its preset or a mapping a user would write, and every step exits 0 or says plainly
what it could not do."""

from __future__ import annotations

import pytest

from tests.app.test_gauntlet import _check_consent, owners_loop, step
from tests.conftest import SHARED_DATA, query

MAPPINGS = {
    "telco": 'table = "customers"\n[columns]\ncustomer_id = "customerID"\n',
    "leads": 'table = "customers"\n[columns]\ncustomer_id = "Prospect ID"\nlead_source = "Lead Source"\n'
             'country = "Country"\n',
    "reviews": 'table = "feedback"\n[columns]\ncustomer_id = { generate = "row" }\n'
               'submitted_at = { constant = "2019-06-01" }\nkind = { constant = "review" }\nscore = "Rating"\n'
               'text = "Review Text"\n',
    "hillstrom": 'table = "customers"\n[columns]\ncustomer_id = { generate = "row" }\n',
}

SETS = {
    "uci-online-retail": (SHARED_DATA / "online_retail" / "online_retail.csv.gz", "--preset", "online-retail"),
    "cdnow": (SHARED_DATA / "cdnow" / "cdnow_master.csv.gz", "--preset", "cdnow"),
    "telco": (SHARED_DATA / "telco_churn" / "WA_Fn-UseC_-Telco-Customer-Churn.csv.gz", "--mapping", "telco"),
    "leads": (SHARED_DATA / "leads_xeducation" / "Leads.csv.gz", "--mapping", "leads"),
    "reviews": (SHARED_DATA / "clothing_reviews" / "womens_clothing_ecommerce_reviews.csv.gz", "--mapping",
                "reviews"),
    "hillstrom": (SHARED_DATA / "hillstrom" / "hillstrom.csv.gz", "--mapping", "hillstrom"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", SETS)
def test_the_owners_loop_on_a_public_data_set(tmp_path, name):
    path, how, which = SETS[name]
    if how == "--mapping":
        mapping = tmp_path / f"{which}.toml"
        mapping.write_text(MAPPINGS[which])
        which = str(mapping)
    shop = tmp_path / "shop"
    step("init", shop)
    loaded = step("ingest", shop, path, how, which)
    (load,) = loaded["loads"]
    assert load["rows_read"] == load["rows_accepted"] + load["rows_anonymous"] + load["rows_quarantined"]
    said = owners_loop(shop, [], ingested=True)
    first = said["first"]
    if first is None:  # customers without a single date (Telco, leads, Hillstrom): said plainly
        assert not query(shop, "SELECT count(*) FROM orders")[0][0]
        return
    assert not first["failed"] and said["second"]["cutoff"] == first["cutoff"]
    _check_consent(shop)
