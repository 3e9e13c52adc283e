"""A customer's group by an attribute, from profile columns or the export's own columns."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd

from regulars.features import attribute_frame, customer_groups, group_attribute


def _customers() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": ["A", "A", "B", "C", "D"],
        "country": [None, "GB", "IE", "  ", "FR"],
        "lead_source": ["social", None, "walk_in", "n/a", None],
        "attributes": [json.dumps({"Gender": "female", "birthday": "1990-05-01"}), None,
                       json.dumps({"Gender": "MALE", "birthday": "2003-01-02"}),
                       json.dumps({"Gender": "", "birthday": "not a date"}), json.dumps({"Gender": "Female"})],
    })


def test_groups_come_from_columns_and_attributes_first_known_first():
    customers = _customers()
    cutoff = date(2025, 1, 1)
    assert customer_groups(customers, "country", cutoff).to_dict() == {"A": "GB", "B": "IE", "C": None, "D": "FR"}
    assert customer_groups(customers, "gender", cutoff).to_dict() == {"A": "Female", "B": "Male", "C": None,
                                                                      "D": "Female"}
    assert customer_groups(customers, "Age", cutoff).to_dict() == {"A": "25-34", "B": "under 25", "C": None, "D": None}
    assert customer_groups(customers, "lead source", cutoff)["B"] == "walk_in"
    assert customer_groups(customers, "religion", cutoff).empty  # not held: nothing to compare
    assert group_attribute("Lead_Source") == "acquisition source"


def test_who_a_person_is_is_never_a_model_input():
    frame = attribute_frame(pd.DataFrame({"customer_id": ["A", "B"], "country": ["GB", "IE"],
                                          "attributes": [json.dumps({"gender": "f", "plan": "gold"}),
                                                         json.dumps({"gender": "m", "plan": "basic"})]}))
    assert "plan" in frame.columns and "gender" not in frame.columns
