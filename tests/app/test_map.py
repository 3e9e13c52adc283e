"""`regulars map`: a suggested mapping for each vendor's export, without its preset, that loads
the file as it is; and its evidence (why each column, samples, the share that reads right)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from regulars import app
from regulars.cli import app as cli
from regulars.errors import SettingsError, SourceError
from tests.conftest import FIXTURES, query

CASES = {  # fixture -> (table, the source chosen for each required column, rows the mapping loads)
    "shopify_customers.csv": ("customers", {"customer_id": "Customer ID"}, 3),
    "mailchimp_subscribed.csv": ("customers", {"customer_id": "Email Address"}, 2),
    "klaviyo_profiles.csv": ("customers", {"customer_id": "Email"}, 1),  # one profile has only a phone
    "ga4_events.csv": ("events", {"customer_id": "user_pseudo_id", "occurred_at": "event_timestamp",
                                  "event_type": "event_name"}, 4),
    "matomo_visits.csv": ("events", {"customer_id": "visitorId", "occurred_at": "Action timestamp",
                                     "event_type": "Action type"}, 4),
    "stripe_payments.csv": ("orders", {"order_id": "id", "ordered_at": "Created (UTC)", "amount": "Amount"}, 3),
    "freshdesk_tickets.csv": ("tickets", {"ticket_id": "Ticket ID", "customer_id": "Email",
                                          "opened_at": "Created time"}, 3),
    "zendesk_tickets.csv": ("tickets", {"ticket_id": "Id", "customer_id": "Requester email",
                                        "opened_at": "Created at"}, 3),
    "hubspot_contacts.csv": ("customers", {"customer_id": "Record ID"}, 3),
    "mailchimp_activity.csv": ("events", {"customer_id": "Email Address", "occurred_at": "Timestamp",
                                          "event_type": "Action"}, 5),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_suggestion_for_a_vendor_export_loads_it(tmp_path, name):
    table, chosen, loaded = CASES[name]
    target = tmp_path / "suggested.toml"
    result = app.suggest_mapping(FIXTURES / name, table, write=target)
    picks = {g["target"]: g["source"] for g in result.guesses if g["required"]}
    assert picks == chosen and not result.missing
    assert all(g["parsed"] == 1.0 for g in result.guesses if g["required"]), result.mapping
    assert target.read_text() == result.mapping
    workspace = tmp_path / "shop"
    app.init(workspace)
    (r,) = app.ingest(workspace, [FIXTURES / name], mapping_file=target).loads
    assert r.rows_accepted + r.rows_anonymous >= loaded, r
    if name == "zendesk_tickets.csv":  # satisfaction in words: left for the user to map
        assert 'csat = { ignore = true }    # \'Satisfaction Score\'' in result.mapping
    if "customer_id" in chosen and chosen["customer_id"] in ("Email", "Requester email", "Email Address"):
        assert query(workspace, f"SELECT count(*) FROM {table} WHERE customer_id <> lower(customer_id)") == [(0,)]


def test_values_find_what_names_do_not(tmp_path):
    path = tmp_path / "till.csv"
    path.write_text("Ref,Who,When,Paid\nA1,ann@example.com,2024-05-01 10:00,5.50\nA2,BOB@example.com,"
                    "2024-05-02 11:00,3.00\nA3,,2024-05-03 12:00,2.25\n")
    result = app.suggest_mapping(path, "orders")
    guesses = {g["target"]: g for g in result.guesses}
    assert guesses["customer_id"]["source"] == "Who" and guesses["customer_id"]["how"] == \
        "values look like email addresses" and guesses["customer_id"]["transform"] == "email"
    assert guesses["ordered_at"]["source"] == "When" and guesses["ordered_at"]["how"] == "values read as dates"
    assert guesses["amount"]["source"] == "Paid" and guesses["amount"]["how"] == "values read as numbers"
    assert result.missing == ["order_id"]  # neither its name nor its values say which: the user names it
    assert '# order_id = "?"    # REQUIRED' in result.mapping


def test_map_refuses_what_it_cannot_do_and_prints_its_evidence(tmp_path):
    target = tmp_path / "exists.toml"
    target.write_text("keep me")
    with pytest.raises(SettingsError, match="exists already"):
        app.suggest_mapping(FIXTURES / "stripe_payments.csv", "orders", write=target)
    assert target.read_text() == "keep me"
    with pytest.raises(SourceError, match="no such file"):
        app.suggest_mapping(tmp_path / "nope.csv", "orders")
    with pytest.raises(SettingsError, match="unknown table 'order'"):
        app.suggest_mapping(FIXTURES / "stripe_payments.csv", "order")
    shown = CliRunner().invoke(cli, ["map", str(FIXTURES / "stripe_payments.csv"), "--table", "orders"])
    assert shown.exit_code == 0 and "Created (UTC)" in shown.stdout and "100%" in shown.stdout


@pytest.mark.parametrize(("name", "loaded"), [("shopify_orders.csv", 4), ("shopify_orders_blank_sku.csv", 5),
                                              ("woocommerce_orders.csv", 4), ("woocommerce_orders_packed.csv", 4)])
def test_an_order_export_with_a_row_per_item_is_suggested_as_order_lines(tmp_path, name, loaded):
    target = tmp_path / "suggested.toml"
    result = app.suggest_mapping(FIXTURES / name, "orders", write=target)
    assert 'shape = "order_lines"' in result.mapping and not result.missing
    picks = {g["target"]: (g["source"], g["fallback"]) for g in result.guesses}
    assert picks["item.product_id"][0] in ("Lineitem sku", "SKU", "Item SKU")
    if name == "woocommerce_orders_packed.csv":  # items packed in line_item_N cells: unpacked first
        assert 'packed_items = "line_item_"' in result.mapping
        # customer_id is WordPress's user id, 0 on every guest order: the emails identify customers
        assert picks["customer_id"] == ("billing_email", ["customer_email"])
    if name == "shopify_orders_blank_sku.csv":  # SKUs all blank: the item's name names the product
        assert picks["item.product_id"][1] == ["Lineitem name"]
    workspace = tmp_path / "shop"
    app.init(workspace)
    (r,) = app.ingest(workspace, [FIXTURES / name], mapping_file=target).loads
    assert r.rows_accepted + r.rows_anonymous + r.rows_quarantined == r.rows_read
    assert r.rows_accepted + r.rows_anonymous >= loaded - 1  # at most one order to look at by hand
    assert query(workspace, "SELECT count(*) FROM order_items") == [(r.rows_accepted + r.rows_anonymous,)]
    if name == "woocommerce_orders_packed.csv":  # Ann and guest Bob; the guest without an email is anonymous
        assert query(workspace, "SELECT count(DISTINCT customer_id), count(*) FILTER (WHERE customer_id IS NULL) "
                                "FROM orders") == [(2, 1)]  # (Cara's order has no items: quarantined)
