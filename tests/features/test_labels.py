"""Labels from time: who they apply to and what counts as the outcome."""

from __future__ import annotations

from datetime import date

import pytest

from regulars import app
from regulars.features import time_labels
from regulars.store import open_workspace

CUTOFF = date(2024, 6, 1)


@pytest.fixture()
def shop(workspace, write):
    app.ingest(workspace, [write("c.csv", "customer_id,created_at\nbuyer,2024-01-01\nquiet,2024-02-01\n"
                                                "shopper,2024-03-01\nmarked,2024-04-01\nlater,2024-07-01\n")],
                    table="customers")
    app.ingest(workspace, [write("o.csv", "order_id,customer_id,ordered_at,amount\n1,buyer,2024-02-01,5\n"
                                                "2,buyer,2024-03-01,5\n3,shopper,2024-06-10,9\n4,later,2024-07-02,9\n")],
                    table="orders")
    app.ingest(workspace, [write("e.csv", "customer_id,occurred_at,event_type\nmarked,2024-06-05,lead_converted\n"
                                                "ghost,2024-05-01,page_view\n")], table="events")
    app.ingest(workspace, [write("t.csv", "ticket_id,customer_id,opened_at\nT1,quiet,2024-06-20\n")], table="tickets")
    return workspace


def labels(path, label, horizon=90) -> dict[str, int]:
    with open_workspace(path).store(read_only=True) as store:
        frame = time_labels(store.feature_inputs(), label, CUTOFF, horizon).to_pandas()
    return dict(zip(frame["customer_id"], frame["label"], strict=True))


def test_conversion_is_for_leads_known_before_the_cutoff(shop):
    # buyer bought before: not a lead; later signed up after the cutoff: not known yet
    assert labels(shop, "conversion") == {"quiet": 0, "shopper": 1, "marked": 1, "ghost": 0}
    assert labels(shop, "conversion", horizon=3) == {"quiet": 0, "shopper": 0, "marked": 0, "ghost": 0}


def test_churn_purchase_and_support(shop):
    assert labels(shop, "churn") == {"buyer": 1}
    assert labels(shop, "purchase") == {"buyer": 0}
    assert labels(shop, "support") == {"buyer": 0, "quiet": 1, "shopper": 0, "marked": 0, "ghost": 0}
    with pytest.raises(ValueError, match="label must be one of"):
        labels(shop, "vibes")


def test_each_customer_once_even_from_a_single_table(workspace, write):
    app.ingest(workspace, [write("o.csv", "order_id,customer_id,ordered_at,amount,status\n1,a,2024-01-01,5,cancelled\n"
                                                "2,a,2024-06-02,5,completed\n3,a,2024-06-03,5,completed\n")], table="orders")
    with open_workspace(workspace).store(read_only=True) as store:
        tables = {k: v for k, v in store.feature_inputs().items() if k == "orders"}  # nothing but orders
        frame = time_labels(tables, "conversion", CUTOFF, 90).to_pandas()
    assert frame.to_dict("records") == [{"customer_id": "a", "label": 1}]


def test_customers_first_seen_after_the_cutoff_are_in_no_population(shop, write):
    """Orders and tickets of unknown customers after the cutoff create minimal records; those
    records must not enter any label's population or get a feature row at the cutoff."""
    from regulars.features import customer_features

    def populations():
        with open_workspace(shop).store(read_only=True) as store:
            tables = store.feature_inputs()
            rows = customer_features(tables, CUTOFF).to_pandas()
            out = {label: labels(shop, label) for label in ("churn", "conversion", "support")}
        return out, sorted(rows["customer_id"])

    before = populations()
    app.ingest(shop, [write("late_o.csv", "order_id,customer_id,ordered_at,amount\n9,newbie,2024-06-15,9\n")],
                    table="orders")
    app.ingest(shop, [write("late_t.csv", "ticket_id,customer_id,opened_at\nT9,asker,2024-06-03\n")],
                    table="tickets")
    assert populations() == before
    # the same customers do count at a later cutoff, once the store has seen them
    with open_workspace(shop).store(read_only=True) as store:
        later = time_labels(store.feature_inputs(), "support", date(2024, 7, 1), 30).to_pandas()
    assert {"newbie", "asker"} <= set(later["customer_id"])


def test_first_seen_is_the_earliest_sighting_and_survives_a_full_record(workspace, write):
    from tests.conftest import query

    mapping = write("m.toml", 'table = "orders"\n[columns]\n"customer.phone" = "Phone"\n')
    app.ingest(workspace, [write("o.csv", "order_id,customer_id,ordered_at,amount,Phone\n"
                                               "1,c9,2024-03-05,5,+44 20 7946 0958\n2,c9,2024-02-01,5,\n")],
                    mapping_file=mapping)
    app.ingest(workspace, [write("c.csv", "customer_id,name,created_at\nc9,Ada,2024-04-01\n")], table="customers")
    row = query(workspace, "SELECT first_seen_at, name, phone, phone_norm, is_stub FROM customers")
    assert len(row) == 1
    first_seen, name, phone, phone_norm, stub = row[0]
    assert (str(first_seen)[:10], name, stub) == ("2024-02-01", "Ada", False)
    assert phone and phone_norm  # what only the minimal record knew is kept, not deleted
