"""Presets on real data (../shared/data) and on vendor-shaped fixtures."""

from __future__ import annotations

import pytest

from regulars import app
from tests.conftest import FIXTURES, SHARED_DATA, query, snapshot

ONLINE_RETAIL = SHARED_DATA / "online_retail" / "online_retail.csv.gz"
CDNOW = SHARED_DATA / "cdnow"


@pytest.mark.slow
def test_online_retail(workspace):
    (r,) = app.ingest(workspace, [ONLINE_RETAIL], preset_name="online-retail").loads
    # 541,909 lines. The 135,080 without a customer id are anonymous sales (stored, counted,
    # left out of per-customer scores), except 1,336 stock adjustments at price 0 with negative
    # quantities ("damaged", "check") and 2 bad-debt adjustments at a negative price, which are
    # not sales and go to quarantine with that reason
    assert (r.rows_read, r.rows_accepted, r.rows_anonymous, r.rows_quarantined) == (541_909, 406_829, 133_742, 1_338)
    assert r.written == {"orders": 24_562, "order_items": 540_571, "products": 3_957, "customers": 4_372}
    assert query(workspace, "SELECT count(*) FROM quarantine WHERE reason_codes LIKE '%missing:customer_id%'") == [(0,)]
    assert query(workspace, "SELECT reason_codes, count(*) FROM quarantine GROUP BY 1 ORDER BY 2 DESC") == [
        ("out_of_range:item.quantity", 1_336), ("out_of_range:item.unit_price; negative_amount:amount", 2)]
    # the anonymous sales count for revenue: 2,190 invoices, 1,755,276.64
    assert query(workspace, "SELECT count(*), round(sum(amount), 2) FROM orders WHERE customer_id IS NULL "
                            "AND status = 'completed'") == [(2_190, 1_755_276.64)]
    # invoices starting with C are refunds with negative amounts, not dropped
    assert query(workspace, "SELECT count(*), max(amount) < 0 FROM orders WHERE status = 'refunded'") == [(3_836, True)]
    assert query(workspace, "SELECT count(*) FROM orders WHERE status = 'refunded' AND NOT starts_with(order_id, 'C')") == [(0,)]
    assert query(workspace, "SELECT min(quantity) > 0 FROM order_items") == [(True,)]
    assert query(workspace, "SELECT count(DISTINCT order_id), count(*) FROM orders") == [(24_562, 24_562)]
    assert query(workspace, "SELECT round(sum(quantity * unit_price), 2) FROM order_items i JOIN orders o USING (order_id) WHERE o.status = 'completed'") == \
        query(workspace, "SELECT round(sum(amount), 2) FROM orders WHERE status = 'completed'")
    before = snapshot(workspace)
    (again,) = app.ingest(workspace, [ONLINE_RETAIL], preset_name="online-retail").loads
    assert again.already_loaded and snapshot(workspace) == before
    status = app.status(workspace)
    assert any("24.7% of rows (133,742) lack a customer id; they are stored as anonymous sales" in w
               for w in status.warnings)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["cdnow_master.csv.gz", "CDNOW_master.txt.gz"])
def test_cdnow_master(workspace, name):
    (r,) = app.ingest(workspace, [CDNOW / name], preset_name="cdnow").loads
    assert (r.rows_read, r.rows_accepted, r.rows_quarantined) == (69_659, 69_659, 0)
    assert r.customers_created == 23_570
    assert query(workspace, "SELECT count(DISTINCT customer_id), round(sum(amount), 2), "
                            "CAST(min(ordered_at) AS DATE), CAST(max(ordered_at) AS DATE) FROM orders") == [
        (23_570, 2_500_315.63, __import__("datetime").date(1997, 1, 1), __import__("datetime").date(1998, 6, 30))]
    (attrs,) = query(workspace, "SELECT attributes->>'number_of_cds' FROM orders LIMIT 1")[0]
    assert attrs is not None
    (again,) = app.ingest(workspace, [CDNOW / name], preset_name="cdnow").loads
    assert again.already_loaded and query(workspace, "SELECT count(*) FROM orders") == [(69_659,)]


def test_cdnow_sample_uses_the_master_id(workspace):
    (r,) = app.ingest(workspace, [CDNOW / "cdnow_sample.csv.gz"], preset_name="cdnow").loads
    assert (r.rows_read, r.rows_accepted) == (6_919, 6_919)
    assert query(workspace, "SELECT count(DISTINCT customer_id) FROM orders") == [(2_357,)]


def test_vendor_presets_and_identity(workspace):
    (contacts,) = app.ingest(workspace, [FIXTURES / "hubspot_contacts.csv"], preset_name="hubspot-contacts").loads
    assert (contacts.rows_accepted, contacts.rows_quarantined) == (3, 0)
    assert query(workspace, "SELECT name, company_size, consent_email, email_norm FROM customers WHERE customer_id = '501'") == [
        ("Ann Lee", "5", True, "ann.lee@example.com")]
    (shop,) = app.ingest(workspace, [FIXTURES / "shopify_orders.csv"], preset_name="shopify-orders").loads
    # #1004 has no email and no phone, so no customer: an anonymous sale
    assert (shop.rows_read, shop.rows_accepted, shop.rows_anonymous, shop.rows_quarantined) == (5, 4, 1, 0)
    assert query(workspace, "SELECT order_id, customer_id, amount, status, CAST(ordered_at AS VARCHAR) FROM orders ORDER BY 1") == [
        ("#1001", "ann.lee+shop@example.com", 47.0, "completed", "2024-03-01 10:00:00"),
        ("#1002", "bob@example.com", -9.0, "refunded", "2024-03-05 12:00:00"),
        ("#1003", "cara@example.com", 5.0, "completed", "2024-03-06 08:00:00"),
        ("#1004", None, 5.0, "completed", "2024-03-07 08:00:00"),
    ]
    assert query(workspace, "SELECT product_id, quantity FROM order_items WHERE order_id = '#1001' ORDER BY 1") == [
        ("CK-7", 1.0), ("SD-1", 2.0)]
    (mail,) = app.ingest(workspace, [FIXTURES / "mailchimp_activity.csv"], preset_name="mailchimp-activity").loads
    assert (mail.rows_accepted, mail.rows_quarantined) == (5, 0)
    assert query(workspace, "SELECT event_type, count(*) FROM events GROUP BY 1 ORDER BY 1") == [
        ("email_bounce", 1), ("email_click", 1), ("email_open", 1), ("email_unsubscribe", 1), ("forward", 1)]
    (desk,) = app.ingest(workspace, [FIXTURES / "zendesk_tickets.csv"], preset_name="zendesk-tickets").loads
    assert (desk.rows_accepted, desk.rows_quarantined) == (3, 0)
    assert query(workspace, "SELECT ticket_id, status, csat FROM tickets ORDER BY 1") == [
        ("9001", "solved", 5.0), ("9002", "open", None), ("9003", "pending", 1.0)]
    # the HubSpot contact, the Shopify buyer (plus-address) and the Mailchimp reader are one person
    resolved = dict(query(workspace, "SELECT customer_id, resolved_id FROM customer_map"))
    assert resolved["ann.lee+shop@example.com"] == resolved["ann.lee@example.com"] == "501"
    assert resolved["bob@example.com"] == "502"
    assert resolved["dan@example.com"] == "dan@example.com"
    status = app.status(workspace)
    assert "events: 1 event types are outside the documented vocabulary" in status.warnings


def test_shopify_orders_with_blank_skus_and_without_emails_all_load(workspace):
    """The case a real store's export showed: SKUs blank on every line, and orders without an
    email. Every order loads: products are named by the line item (its name carries the
    variant), a phone identifies a customer without an email, and neither is an anonymous sale."""
    (r,) = app.ingest(workspace, [FIXTURES / "shopify_orders_blank_sku.csv"], preset_name="shopify-orders").loads
    assert (r.rows_read, r.rows_accepted, r.rows_anonymous, r.rows_quarantined) == (5, 4, 1, 0)
    assert query(workspace, "SELECT order_id, customer_id, amount FROM orders ORDER BY 1") == [
        ("#2001", "dee@example.com", 12.5), ("#2002", "+44 7700 900111", 8.5), ("#2003", None, 2.0),
        ("#2004", "dee@example.com", 8.5)]
    assert query(workspace, "SELECT product_id, sum(quantity) FROM order_items GROUP BY 1 ORDER BY 1") == [
        ("Cinnamon bun", 3.0), ("Rye loaf - Large", 2.0), ("Rye loaf - Small", 1.0)]
    assert query(workspace, "SELECT name, phone FROM customers WHERE customer_id = '+44 7700 900111'") == [
        ("Eve Stone", "+44 7700 900111")]


def test_freshdesk_tickets_load_by_preset_and_by_their_column_names(workspace, tmp_path):
    (r,) = app.ingest(workspace, [FIXTURES / "freshdesk_tickets.csv"], preset_name="freshdesk-tickets").loads
    assert (r.rows_read, r.rows_accepted, r.rows_quarantined) == (4, 4, 0)
    assert query(workspace, "SELECT ticket_id, customer_id, status, csat, category, CAST(resolved_at AS VARCHAR) "
                            "FROM tickets ORDER BY 1") == [
        ("101", "ann.lee@example.com", "solved", 4.0, "Question", "2024-04-02 15:00:00"),
        ("102", "bob@example.com", "open", 2.0, "Problem", None),
        ("103", "7003", "pending", None, "Question", None),  # no email: Freshdesk's contact id
        ("104", "dan@example.com", "closed", 3.0, "Question", "2024-04-08 12:00:00")]
    assert query(workspace, "SELECT text FROM tickets WHERE ticket_id = '102'") == [
        ("Cake arrived damaged,\nphotos attached",)]  # a cell with a newline stays one cell
    assert query(workspace, "SELECT name, phone FROM customers WHERE customer_id = 'bob@example.com'") == [
        ("Bob Ray", "+353 21 555 0102")]
    # without the preset, --table tickets understands the export's own names (Email: the customer)
    other = tmp_path / "other"
    app.init(other)
    (plain,) = app.ingest(other, [FIXTURES / "freshdesk_tickets.csv"], table="tickets").loads
    assert (plain.rows_accepted, plain.rows_quarantined) == (3, 1)  # ticket 103 has no email
    assert query(other, "SELECT ticket_id, customer_id, CAST(opened_at AS VARCHAR) FROM tickets ORDER BY 1")[0] == (
        "101", "ann.lee@example.com", "2024-04-02 09:15:00")


def test_a_file_from_another_vendor_names_the_preset_that_fits(workspace):
    from regulars.errors import SourceError

    with pytest.raises(SourceError, match="It looks like a freshdesk-tickets export: try --preset freshdesk-tickets"):
        app.ingest(workspace, [FIXTURES / "freshdesk_tickets.csv"], preset_name="zendesk-tickets")
    with pytest.raises(SourceError, match="try --preset shopify-orders"):
        app.ingest(workspace, [FIXTURES / "shopify_orders.csv"], table="tickets")
    assert query(workspace, "SELECT count(*) FROM batches") == [(0,)]


def test_shopify_customers_and_mailchimp_audiences(workspace):
    (shop,) = app.ingest(workspace, [FIXTURES / "shopify_customers.csv"], preset_name="shopify-customers").loads
    assert (shop.rows_read, shop.rows_accepted, shop.rows_quarantined) == (3, 3, 0)
    # Shopify's apostrophes (kept there for spreadsheets) are not part of the id or the phone
    assert query(workspace, "SELECT customer_id, name, phone, consent_email, consent_sms, country FROM customers "
                            "ORDER BY 1") == [
        ("7001234567890", "Ann Lee", "+353 1 555 0101", True, False, "IE"),
        ("7001234567891", "Bob Ray", "+353 21 555 0102", False, True, "IE"),
        ("7001234567892", "Cara Mo", None, True, False, "IE")]
    (tags,) = query(workspace, "SELECT attributes->>'Tags' FROM customers WHERE customer_id = '7001234567890'")[0]
    assert tags == "vip, wholesale"
    (subscribed,) = app.ingest(workspace, [FIXTURES / "mailchimp_subscribed.csv"],
                               preset_name="mailchimp-audience").loads
    (unsubscribed,) = app.ingest(workspace, [FIXTURES / "mailchimp_unsubscribed.csv"],
                                 preset_name="mailchimp-audience").loads
    assert (subscribed.rows_accepted, unsubscribed.rows_accepted) == (2, 1)
    assert query(workspace, "SELECT customer_id, consent_email, CAST(created_at AS VARCHAR), "
                            f"strftime(birthday, '%m-%d') FROM customers WHERE batch_id <> '{shop.batch_id}' "
                            "ORDER BY 1") == [
        ("ann.lee@example.com", True, "2024-01-10 09:00:00", "03-15"),
        ("bob@example.com", False, "2023-11-02 08:00:00", None),  # the unsubscribed file: a no
        ("dan@example.com", True, "2024-02-11 12:00:00", None)]
    (when,) = query(workspace, "SELECT attributes->>'UNSUB_TIME' FROM customers WHERE customer_id = 'bob@example.com'")[0]
    assert when == "2024-03-01 09:00:00"
    # Shopify's Bob and Mailchimp's Bob are one customer, and his no to email wins
    resolved = dict(query(workspace, "SELECT customer_id, resolved_id FROM customer_map"))
    assert resolved["bob@example.com"] == resolved["7001234567891"]


def test_platform_ids_are_kept_per_source_and_status_counts_merges_between_sources(workspace):
    app.ingest(workspace, [FIXTURES / "shopify_customers.csv"], preset_name="shopify-customers")
    app.ingest(workspace, [FIXTURES / "stripe_payments.csv"], preset_name="stripe-payments")
    app.ingest(workspace, [FIXTURES / "freshdesk_tickets.csv"], preset_name="freshdesk-tickets")
    # Stripe's customer ids and Freshdesk's contact ids beside the email each file is keyed by
    assert query(workspace, "SELECT customer_id, source, external_id FROM external_ids ORDER BY 2, 1") == [
        ("ann.lee@example.com", "freshdesk-tickets", "7001"), ("bob@example.com", "freshdesk-tickets", "7002"),
        ("dan@example.com", "freshdesk-tickets", "7004"),
        ("ann.lee@example.com", "stripe-payments", "cus_Q1"), ("bob@example.com", "stripe-payments", "cus_Q2"),
        ("cara@example.com", "stripe-payments", "cus_Q3")]
    ann = app.customer(workspace, "ann.lee@example.com")
    assert {"source": "stripe-payments", "external_id": "cus_Q1"} in ann.to_dict()["external_ids"]
    # Stripe's records of Ann, Bob and Cara (keyed by email) were merged with Shopify's (keyed by
    # Shopify's id); Freshdesk's tickets use the ids Stripe's records already have: no new merge
    assert app.status(workspace).merged_between == [
        {"sources": ["shopify-customers", "stripe-payments"], "customers": 3}]


def test_woocommerce_orders_from_the_export_plugin(workspace):
    (r,) = app.ingest(workspace, [FIXTURES / "woocommerce_orders.csv"], preset_name="woocommerce-orders").loads
    assert (r.rows_read, r.rows_accepted, r.rows_quarantined) == (4, 4, 0)
    assert query(workspace, "SELECT order_id, customer_id, amount, status FROM orders ORDER BY 1") == [
        ("5001", "ann.lee@example.com", 15.5, "completed"), ("5002", "bob@example.com", -9.0, "refunded"),
        ("5003", "cara@example.com", 5.0, "cancelled")]  # an unpaid order is not a sale
    assert query(workspace, "SELECT product_id, quantity, unit_price FROM order_items WHERE order_id = '5001' "
                            "ORDER BY 1") == [("Cinnamon bun, large", 2.0, 3.25), ("SD-1", 1.0, 9.0)]
    (note,) = query(workspace, "SELECT i.attributes->>'Customer Note' FROM order_items i JOIN orders o "
                               "USING (order_id) WHERE o.order_id = '5002'")[0]
    assert note == "Leave at the door, please"


def test_klaviyo_profiles(workspace):
    (r,) = app.ingest(workspace, [FIXTURES / "klaviyo_profiles.csv"], preset_name="klaviyo-profiles").loads
    assert (r.rows_read, r.rows_accepted, r.rows_quarantined) == (2, 2, 0)
    assert query(workspace, "SELECT customer_id, name, lead_source, CAST(created_at AS VARCHAR) FROM customers "
                            "ORDER BY 1") == [
        ("+44 7700 900111", "Eve Stone", "Sign-up form", "2024-02-02 12:00:00"),  # no email: the phone
        ("ann.lee@example.com", "Ann Lee", "Shopify", "2024-01-10 09:00:00")]
    assert query(workspace, "SELECT customer_id, external_id FROM external_ids ORDER BY 1") == [
        ("+44 7700 900111", "01HABC2"), ("ann.lee@example.com", "01HABC1")]


def test_woocommerce_orders_with_items_packed_into_cells(workspace):
    (r,) = app.ingest(workspace, [FIXTURES / "woocommerce_orders_packed.csv"],
                      preset_name="woocommerce-orders-packed").loads
    # four orders, five lines: 7001 has two items; 7004 lists none, so it cannot be stored as lines
    assert (r.rows_read, r.rows_accepted, r.rows_anonymous, r.rows_quarantined) == (5, 3, 1, 1)
    assert query(workspace, "SELECT order_id, customer_id, amount, status FROM orders ORDER BY 1") == [
        ("7001", "ann.lee@example.com", 24.5, "completed"), ("7002", "bob@example.com", 9.0, "cancelled"),
        ("7003", None, 4.0, "completed")]
    assert query(workspace, "SELECT order_id, product_id, quantity, unit_price FROM order_items ORDER BY 1, 2") == [
        ("7001", "43", 2.0, 3.25), ("7001", "SD-1", 2.0, 9.0), ("7002", "SD-1", 1.0, 9.0),
        ("7003", "CR-2", 2.0, 2.0)]
    # no SKU: WooCommerce's product id names the product, and the item's name is kept with it
    assert query(workspace, "SELECT name FROM products WHERE product_id = '43'") == [("Cinnamon bun",)]
    (reason,) = query(workspace, "SELECT reason FROM quarantine")[0]
    assert reason.startswith("item.product_id: missing")
    assert query(workspace, "SELECT customer_id, external_id FROM external_ids") == [("ann.lee@example.com", "12")]


def test_ga4_events_as_bigquery_exports_them(workspace):
    (r,) = app.ingest(workspace, [FIXTURES / "ga4_events.csv"], preset_name="ga4-events").loads
    assert (r.rows_read, r.rows_accepted, r.rows_quarantined) == (4, 4, 0)
    assert query(workspace, "SELECT customer_id, CAST(occurred_at AS VARCHAR), event_type, channel FROM events "
                            "ORDER BY occurred_at") == [
        ("1234.5678", "2024-06-01 10:00:00", "page_view", "web"),
        ("1234.5678", "2024-06-01 10:01:00", "product_view", "web"),   # view_item in regulars' words
        ("ann.lee@example.com", "2024-06-01 10:02:00.5", "cart_add", "web"),  # the shop's own user id wins
        ("9999.0001", "2024-06-02 10:00:00", "scroll", "web")]
    # the page's address from the nested event parameters is the event's (what page rules read)
    assert [r[0] for r in query(workspace, "SELECT url FROM events ORDER BY occurred_at")] == [
        "https://shop.example/", "https://shop.example/p/sourdough", None, None]


def test_matomo_visit_log_one_event_per_action(workspace):
    (r,) = app.ingest(workspace, [FIXTURES / "matomo_visits.csv"], preset_name="matomo-visits").loads
    # two visits, four actions (the third group of each visit is empty: no row)
    assert (r.rows_read, r.rows_accepted, r.rows_quarantined) == (4, 4, 0)
    assert query(workspace, "SELECT title FROM events ORDER BY occurred_at LIMIT 1") == [("Bakery",)]
    assert query(workspace, "SELECT customer_id, CAST(occurred_at AS VARCHAR), event_type, url, campaign_id "
                            "FROM events ORDER BY occurred_at") == [
        ("a1b2c3d4e5f60718", "2024-06-01 10:00:00", "page_view", "https://shop.example/", "summer"),
        ("a1b2c3d4e5f60718", "2024-06-01 10:01:00", "page_view", "https://shop.example/p/sourdough", "summer"),
        ("a1b2c3d4e5f60718", "2024-06-01 10:02:00", "download", "https://shop.example/menu.pdf", "summer"),
        ("ann.lee@example.com", "2024-06-02 10:00:00", "search", "https://shop.example/?q=cake", None)]
