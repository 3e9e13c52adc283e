"""One test per finding of issue 20 (real shops unlike the demo): each failed before its fix."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from typer.testing import CliRunner

from regulars import app
from regulars.cli import app as cli
from tests.conftest import query
from tests.shops import Shape, make_shop

runner = CliRunner()


def _shop(tmp_path, shape: Shape):
    path = tmp_path / "shop"
    app.init(path)
    for f in make_shop(tmp_path / "files", shape):
        app.ingest(path, [f], table=f.stem)
    return path


@pytest.mark.slow  # a whole run on a generated shop
def test_recommendations_need_no_product_names_and_no_repeat_buys(tmp_path):
    """Finding 1: a product list without names, and no product bought twice, crashed the run."""
    shop = _shop(tmp_path, Shape(product_names=False, repeat_products=False, events=False, tickets=False))
    result = app.run(shop)
    assert "recommend" in result.models and not result.failed
    rows = query(shop, f"SELECT count(*) FROM replenishment WHERE run_id = '{result.run_id}'")
    assert rows == [(0,)]  # nothing bought twice: nothing to replenish, and no crash


@pytest.mark.slow  # a whole run on a generated shop
def test_timing_without_any_channel(tmp_path):
    """Finding 2: activity without channels (a till, web analytics) crashed timing."""
    shop = _shop(tmp_path, Shape(channels=False, events=True, tickets=False))
    result = app.run(shop)
    assert "timing" in result.models and not result.failed
    # visits and orders say when, not how to reach someone: no best channel, and the reason says none
    said = query(shop, f"SELECT DISTINCT best_channel FROM scores WHERE run_id = '{result.run_id}' "
                       "AND best_hour IS NOT NULL")
    assert said == [(None,)]
    assert not query(shop, "SELECT 1 FROM scores WHERE timing_reason LIKE '%by web%' OR timing_reason LIKE '%by order%'")


def test_the_best_channel_is_one_a_message_goes_by(demo_copy):
    result = app.run(demo_copy)
    channels = {r[0] for r in query(demo_copy, f"SELECT DISTINCT best_channel FROM scores WHERE run_id = "
                                               f"'{result.run_id}' AND best_hour IS NOT NULL")}
    assert channels and channels <= {"email", "sms"}


def test_a_part_that_fails_stops_only_itself(tmp_path, monkeypatch):
    """An unexpected error in one scorer: the others are stored, the command names it and exits 70."""
    from regulars.scores import _timing

    shop = _shop(tmp_path, Shape(customers=60, tickets=False))

    def broken(self, ctx):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(_timing.TimingScorer, "score", broken)
    result = runner.invoke(cli, ["run", str(shop), "--json"])
    assert result.exit_code == 70
    assert "internal error in timing" in result.stderr and "Traceback" not in result.output
    stored = json.loads(result.stdout)
    assert "timing" in stored["failed"] and "clv" in stored["models"]
    assert query(shop, f"SELECT count(*) > 0 FROM scores WHERE run_id = '{stored['run_id']}' AND clv IS NOT NULL") \
        == [(True,)]


@pytest.mark.slow
def test_our_own_messages_never_move_the_shop_clock(tmp_path):
    """Finding 4: after a delivery the next run was scored as of the wall clock's day, and
    `today` listed again what had been sent."""
    from regulars.app._plan import action_key

    shop = tmp_path / "demo"
    first = app.demo(shop, customers=600, seed=3).run
    queued = app.run_playbooks(shop)
    assert queued.queued > 0
    sent = app.deliver(shop)
    assert sent.outcomes.get("sent", 0) > 0
    again = app.run(shop)
    assert again.cutoff == first.cutoff and not again.failed
    assert {"churn", "clv"} <= set(again.models)
    latest = query(shop, "SELECT max(sent_at) FROM messages WHERE batch_id = 'outbox'")[0][0]
    # the send is dated in the shop's time line, not the wall clock's: on the cutoff's day, or the next
    # morning when a customer's best hour that day had passed
    assert latest.date() <= date.fromisoformat(again.cutoff) + timedelta(days=1)
    todo = app.today(shop)
    keys = {r[0] for r in query(shop, "SELECT action_id FROM outbox")}
    assert not {action_key(p, c, int(s), todo.at) for p, c, s in
                zip(todo.actions["playbook"], todo.actions["customer_id"], todo.actions["step"], strict=True)} & keys
    assert app.run_playbooks(shop).queued == 0


@pytest.mark.parametrize(("name", "consent"), [
    ("mailchimp_subscribed.csv", True), ("mailchimp_unsubscribed.csv", False),
    ("mailchimp_unsubscribed_no_reason.csv", False), ("mailchimp_cleaned.csv", False)])
def test_mailchimp_consent_comes_from_which_file_it_is(workspace, name, consent):
    """Finding 3: a real unsubscribed export (UNSUB_REASON blank) read as consenting."""
    from tests.conftest import FIXTURES

    app.ingest(workspace, [FIXTURES / name], preset_name="mailchimp-audience")
    assert {r[0] for r in query(workspace, "SELECT consent_email FROM customers")} == {consent}


def test_an_audience_file_of_no_known_kind_gives_no_consent(workspace, write):
    path = write("audience.csv", "Email Address,First Name\nzoe@example.com,Zoe\n")
    app.ingest(workspace, [path], preset_name="mailchimp-audience")
    assert query(workspace, "SELECT consent_email FROM customers") == [(None,)]  # unknown: the guards say no


@pytest.mark.slow  # a whole run on a generated shop
def test_currency_codes_are_one_whatever_their_case(tmp_path):
    """Finding 13: Stripe's "usd" and Shopify's "USD" were two currencies, so lifetime value was skipped."""
    shop = _shop(tmp_path, Shape(currency="mixed", events=False, tickets=False))
    assert query(shop, "SELECT DISTINCT currency FROM orders") == [("EUR",)]
    result = app.run(shop)
    assert "clv" in result.models, result.skipped.get("clv")


@pytest.mark.slow  # a whole run on a generated shop
def test_starters_the_shop_has_no_data_for_are_skipped_not_errors(tmp_path):
    """Finding 9: on a shop without web or email events, validate, plan and today exited 2
    because of a switched-off playbook needing engagement, one error at a time."""
    shop = _shop(tmp_path, Shape(customers=60, events=False, tickets=False, leads=False))
    app.run(shop)
    app.edit_playbooks(shop, playbook="hot-lead-handoff", enabled=True, save=True)
    listed = {p["playbook"]: p for p in app.playbooks(shop, check=True).playbooks}
    assert "engagement was skipped: no events" in listed["hot-lead-handoff"]["not_applicable"]
    assert listed["churn-win-back"]["not_applicable"] is None
    assert "needs orders with a delivery date" in listed["csat-after-delivery"]["not_applicable"]  # none given
    plan = app.plan_playbooks(shop)
    assert "hot-lead-handoff" in plan.not_applicable and not (plan.actions["playbook"] == "hot-lead-handoff").any()
    assert app.today(shop).not_applicable == plan.not_applicable


@pytest.mark.slow  # a whole run on a generated shop
def test_validate_reports_every_problem_at_once(tmp_path):
    shop = _shop(tmp_path, Shape(customers=60, events=False, tickets=False, leads=False))
    app.run(shop)
    path = shop / "playbooks.yaml"
    app.playbooks(shop)  # writes the starter file
    text = path.read_text().replace("{score: churn_probability, above: 0.70}", "{score: churn_probabilty, above: 0.7}")
    path.write_text(text.replace("template: nurture,", "template: nurtur,"))
    result = runner.invoke(cli, ["playbooks", str(shop), "validate"])
    assert result.exit_code == 2
    assert "2 problems" in result.output and "churn_probabilty" in result.output and "'nurtur'" in result.output


def test_a_file_whose_customer_column_was_renamed_is_refused(workspace, write):
    """Finding 15: UCI with CustomerID renamed loaded 1,999 of 1,999 rows as anonymous sales, exit 0."""
    import gzip

    from tests.conftest import SHARED_DATA, snapshot

    with gzip.open(SHARED_DATA / "online_retail" / "online_retail.csv.gz", "rt", encoding="utf-8") as f:
        lines = [next(f).rstrip("\n") for _ in range(2000)]
    renamed = write("uci.csv", "\n".join([lines[0].replace("CustomerID", "Client"), *lines[1:]]) + "\n")
    before = snapshot(workspace)
    result = runner.invoke(cli, ["ingest", str(workspace), str(renamed), "--preset", "online-retail"])
    assert result.exit_code == 3, result.output
    assert "customer column" in result.output and "--no-customers" in result.output
    assert snapshot(workspace) == before
    till = runner.invoke(cli, ["ingest", str(workspace), str(renamed), "--preset", "online-retail",
                               "--no-customers", "--json"])
    assert till.exit_code == 0, till.output
    (load,) = json.loads(till.stdout)["loads"]
    assert load["rows_anonymous"] > 0 and query(workspace, "SELECT count(customer_id) FROM orders") == [(0,)]


def test_files_named_after_their_tables_need_no_table_option(tmp_path):
    files = make_shop(tmp_path / "files", Shape(customers=30))
    shop = tmp_path / "shop"
    app.init(shop)
    result = runner.invoke(cli, ["ingest", str(shop), *map(str, reversed(files)), "--json"])
    assert result.exit_code == 0, result.output
    tables = [load["table"] for load in json.loads(result.stdout)["loads"]]
    assert tables[:2] == ["customers", "orders"] and set(tables) == {f.stem for f in files}
    assert query(shop, "SELECT count(*) FROM customers WHERE is_stub") == [(0,)]  # profiles came first


def test_the_looks_like_hint_names_only_a_preset_whose_columns_are_there():
    """Finding 14: a Stripe payments file and a WooCommerce orders file were told they looked
    like a shopify-customers export."""
    import csv

    from regulars.ingest import fitting_presets
    from tests.conftest import FIXTURES

    own = {"stripe_payments.csv": "stripe-payments", "woocommerce_orders.csv": "woocommerce-orders",
           "shopify_orders.csv": "shopify-orders", "freshdesk_tickets.csv": "freshdesk-tickets",
           "hubspot_contacts.csv": "hubspot-contacts", "mailchimp_subscribed.csv": "mailchimp-audience"}
    for name, preset in own.items():
        with (FIXTURES / name).open(encoding="utf-8-sig") as f:
            header = next(csv.reader(f))
        fits = fitting_presets(header)
        assert fits[0] == preset and "shopify-customers" not in fits, (name, fits)


def test_the_olist_example_loads_the_data_set_as_published_compressed(workspace, tmp_path):
    """Finding 14: docs/examples/olist.toml names olist_*.csv; the data set's files may come gzipped."""
    import gzip

    from tests.app.test_multi_file import OLIST, OLIST_MAPPING

    folder = tmp_path / "olist"
    folder.mkdir()
    for path in OLIST.iterdir():
        (folder / (path.name + ".gz")).write_bytes(gzip.compress(path.read_bytes()))
    result = app.ingest(workspace, [folder], mapping_file=OLIST_MAPPING)
    assert len(result.loads) == 5 and all(r.rows_quarantined == 0 for r in result.loads)
    assert query(workspace, "SELECT count(*) FROM orders") == [(6,)]


@pytest.mark.parametrize(("lines", "expected"), [
    (["30-10-2016 09:58", "01-11-2016 10:00", "02-11-2016 11:30:05"], "2016-10-30 09:58:00"),  # day first, dashes
    (["10-30-2016 09:58", "11-01-2016 10:00", "11-02-2016 11:30:05"], "2016-10-30 09:58:00"),  # month first
    (["30.10.2016 09:58", "01.11.2016", "02.11.2016 11:30:05"], "2016-10-30 09:58:00"),
    (["30/10/2016 09:58", "01/11/2016 10:00", "02/11/2016"], "2016-10-30 09:58:00"),
    (["10/30/2016 9:58 AM", "11/01/2016 10:00 AM", "11/02/2016 1:30 PM"], "2016-10-30 09:58:00"),
])
def test_dates_with_dashes_slashes_or_dots_and_times_read_from_the_columns_evidence(workspace, write, lines,
                                                                                       expected):
    """Finding 11: `30-10-2016 09:58` (day first, dashes, a time) was 100% quarantined."""
    rows = "".join(f"O{i},c{i},{d},5\n" for i, d in enumerate(lines))
    (load,) = app.ingest(workspace, [write("o.csv", "order_id,customer_id,ordered_at,amount\n" + rows)],
                         table="orders").loads
    assert load.rows_quarantined == 0
    assert str(query(workspace, "SELECT ordered_at FROM orders WHERE order_id = 'O0'")[0][0]) == expected


def test_a_windows_1252_file_reads_and_a_stray_latin_1_line_is_quarantined_not_garbled(workspace, write):
    """Finding 12: a Windows-1252 CSV was refused with the engine's message; a UTF-8 file with one
    Latin-1 line was read as Latin-1 throughout (Renée became RenÃ©e)."""
    header = "order_id,customer_id,ordered_at,amount,channel\n"
    windows = write("w.csv", (header + "W1,Renée,2024-01-01,5,café – shop\nW2,Zoë,2024-01-02,6,“web”\n")
                    .encode("cp1252"))
    (load,) = app.ingest(workspace, [windows], table="orders").loads
    assert load.rows_accepted == 2
    assert query(workspace, "SELECT customer_id, channel FROM orders WHERE order_id = 'W1'") == [("Renée", "café – shop")]
    mixed = write("m.csv", (header + "M1,Renée,2024-01-01,5,web\n").encode() + "M2,Zoë,2024-01-02,6,web\n"
                  .encode("latin-1") + "M3,José,2024-01-03,7,web\n".encode())
    (load,) = app.ingest(workspace, [mixed], table="orders").loads
    assert (load.rows_read, load.rows_accepted, load.rows_quarantined) == (3, 2, 1)
    assert query(workspace, "SELECT customer_id FROM orders WHERE order_id IN ('M1', 'M3') ORDER BY 1") == [
        ("José",), ("Renée",)]
    assert "not valid UTF-8" in query(workspace, "SELECT reason FROM quarantine WHERE source_row = 3")[0][0]


def test_utf16_and_a_byte_order_mark_read(workspace, write):
    text = "order_id,customer_id,ordered_at,amount\nU1,Zoë,2024-01-01,5\n"
    app.ingest(workspace, [write("u16.csv", text.encode("utf-16"))], table="orders")
    app.ingest(workspace, [write("bom.csv", "\ufeff" + text.replace("U1", "B1"))], table="orders")
    assert query(workspace, "SELECT order_id, customer_id FROM orders ORDER BY 1") == [("B1", "Zoë"), ("U1", "Zoë")]


def test_a_file_loaded_with_the_wrong_mapping_is_loaded_again_with_replace(workspace, write):
    """Finding 10: reloading a file with a corrected mapping said "already loaded ... nothing to
    do", and a failed batch's quarantine stayed in status forever."""
    from tests.conftest import snapshot

    path = write("orders.csv", "Order,Client,When,Total\nA1,c1,2024-01-02,5\nA2,c2,2024-01-03,6\n")
    wrong = write("wrong.toml", 'table = "orders"\n[columns]\norder_id = "Order"\ncustomer_id = "Client"\n'
                                'ordered_at = "Total"\namount = "When"\n')
    right = write("right.toml", 'table = "orders"\n[columns]\norder_id = "Order"\ncustomer_id = "Client"\n'
                                'ordered_at = "When"\namount = "Total"\n')
    before = snapshot(workspace)
    (bad,) = app.ingest(workspace, [path], mapping_file=wrong).loads
    assert bad.rows_quarantined == 2
    (again,) = app.ingest(workspace, [path], mapping_file=right).loads
    assert again.already_loaded
    result = runner.invoke(cli, ["ingest", str(workspace), str(path), "--mapping", str(right), "--replace"])
    assert result.exit_code == 0 and f"replaced what batch {bad.batch_id}" in result.output
    assert query(workspace, "SELECT count(*) FROM quarantine") == [(0,)]
    assert query(workspace, "SELECT count(*), sum(amount) FROM orders") == [(2, 11.0)]
    assert [b["batch_id"] for b in app.status(workspace).batches] != [bad.batch_id]
    (good,) = app.status(workspace).batches
    undone = runner.invoke(cli, ["batches", str(workspace), "undo", good["batch_id"]])
    assert undone.exit_code == 0 and "removed 2 orders" in undone.output
    assert snapshot(workspace) == before  # every row, customer and batch record gone again


def test_emails_name_products_and_postage_is_no_product(workspace, write):
    """Finding 8: emails said "Time to restock P101." although names were loaded; a one-off line
    named a product; POSTAGE was a replenishment item."""
    from datetime import date, timedelta

    lines, orders, customers = [], [], []
    for c in range(40):
        customers.append(f"c{c},Customer {c},c{c}@example.com,yes")
        for k in range(6):  # sourdough every 10 days, with postage; the first line ever names it "mailout"
            oid, day = f"O{c}-{k}", date(2024, 1, 1) + timedelta(days=c % 7 + 10 * k)
            orders.append(f"{oid},c{c},{day},{5 + 2}")
            lines.append(f"{oid},P101,1,5,{'mailout' if (c, k) == (0, 0) else 'Sourdough loaf'}")
            lines.append(f"{oid},POST,1,2,POSTAGE")
    app.ingest(workspace, [write("customers.csv", "customer_id,name,email,consent_email\n" + "\n".join(customers))],
               table="customers")
    app.ingest(workspace, [write("orders.csv", "order_id,customer_id,ordered_at,amount\n" + "\n".join(orders))],
               table="orders")
    mapping = write("lines.toml", 'table = "order_items"\n[columns]\norder_id = "order_id"\n'
                                  'product_id = "sku"\nquantity = "qty"\nunit_price = "price"\n')
    app.ingest(workspace, [write("lines.csv", "order_id,sku,qty,price,title\n" + "\n".join(lines))],
               mapping_file=mapping)
    app.ingest(workspace, [write("products.csv", "product_id,name\nPOST,POSTAGE\n")], table="products")
    path = write("names.csv", "order_id,ordered_at,sku,qty,price,title\n" + "\n".join(  # till sales naming products
        f"N{i},2024-01-01,P101,1,5,{'mailout' if i == 0 else 'Sourdough loaf'}" for i in range(5)))
    names = write("names.toml", 'table = "orders"\nshape = "order_lines"\nno_customers = true\n[columns]\n'
                                'order_id = "order_id"\nordered_at = "ordered_at"\n"item.product_id" = "sku"\n'
                                '"item.quantity" = "qty"\n"item.unit_price" = "price"\n"product.name" = "title"\n')
    app.ingest(workspace, [path], mapping_file=names)
    assert query(workspace, "SELECT name FROM products WHERE product_id = 'P101'") == [("Sourdough loaf",)]
    run = app.run(workspace, cutoff="2024-02-22")
    assert "recommend" in run.models
    due = query(workspace, f"SELECT DISTINCT product_id FROM replenishment WHERE run_id = '{run.run_id}'")
    assert due == [("P101",)]  # postage is never restocked
    assert query(workspace, f"SELECT count(*) FROM recommendations WHERE run_id = '{run.run_id}' "
                            "AND list_contains(products, 'POST')") == [(0,)]
    app.edit_playbooks(workspace, playbook="replenishment", enabled=True, save=True)
    planned = app.plan_playbooks(workspace, at=None)
    bodies = planned.actions.loc[planned.actions["playbook"] == "replenishment", "body"]
    assert len(bodies) and all("Time to restock Sourdough loaf." == b for b in bodies if b), bodies.tolist()


@pytest.mark.slow  # a whole run on a generated shop
def test_on_a_small_shop_the_model_that_ranks_best_answers_and_chance_is_said(tmp_path):
    """Finding 6: on 150 customers the churn trees were AUC 0.50 and gave every buyer 64.7% while
    the logistic regression they carried scored 0.86; nothing warned."""
    shop = _shop(tmp_path, Shape())
    result = app.run(shop)
    chosen = result.models["churn"]["chosen"]
    assert chosen["beats_chance"] and chosen["auc"] >= max(chosen["compared"].values()) - 0.005
    assert chosen["words"] != "LightGBM" or chosen["compared"]["LightGBM"] > 0.6
    spread = query(shop, f"SELECT count(DISTINCT round(churn_probability, 4)) FROM scores "
                         f"WHERE run_id = '{result.run_id}'")[0][0]
    assert spread > 10  # not one constant for everyone
    assert result.skipped["conversion"].startswith("no better than chance")  # 42 leads: a coin toss
    app.edit_playbooks(shop, playbook="churn-win-back", enabled=True, save=True)
    assert set(app.plan_playbooks(shop).not_applicable) == {"csat-after-delivery"}  # no delivery dates


def test_web_analytics_event_names_are_regulars_words(workspace, write):
    """Finding 16: events named page_viewed, product_added_to_cart, checkout_completed earned no points."""
    path = write("events.csv", "customer_id,occurred_at,event_type\na,2024-01-01 10:00,page_viewed\n"
                               "a,2024-01-01 10:01,product_added_to_cart\nb,2024-01-01 10:02,checkout_completed\n"
                               "b,2024-01-02 10:00,Page Viewed\nc,2024-01-02,our_own_event\n")
    app.ingest(workspace, [path], table="events")
    assert sorted(r[0] for r in query(workspace, "SELECT event_type FROM events")) == [
        "cart_add", "checkout", "our_own_event", "page_view", "page_view"]


def test_a_status_word_regulars_does_not_know_is_kept_and_said(workspace, write):
    """Finding 16: Freshdesk's OpenPending failed the preset; it is a ticket like any other."""
    path = write("t.csv", "ticket_id,customer_id,opened_at,status\nT1,a,2024-01-01,Open\nT2,b,2024-01-02,OpenPending\n")
    (load,) = app.ingest(workspace, [path], table="tickets").loads
    assert load.rows_accepted == 2 and any("openpending (1)" in c for c in load.changes)
    orders = write("o.csv", "order_id,customer_id,ordered_at,amount,status\nO1,a,2024-01-01,5,paid\n"
                            "O2,b,2024-01-02,6,on hold review\n")
    (load,) = app.ingest(workspace, [orders], table="orders").loads
    assert load.rows_accepted == 2 and "not counted as a purchase" in load.changes[0]
    assert query(workspace, "SELECT status FROM orders ORDER BY order_id") == [("completed",), ("on_hold_review",)]


def test_a_preset_whose_column_is_missing_falls_back_to_the_suggestion_and_says_so(workspace, tmp_path):
    """Finding 16: a Stripe export without its `id` column failed the preset, though `map` read it."""
    import csv

    from tests.conftest import FIXTURES

    with (FIXTURES / "stripe_payments.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    path = tmp_path / "payments.csv"
    with path.open("w", newline="") as f:
        csv.writer(f).writerows(r[1:] for r in rows)  # without id
    (load,) = app.ingest(workspace, [path], preset_name="stripe-payments").loads
    assert load.rows_quarantined == 0 and load.rows_read == len(rows) - 1
    assert "column 'id' is not in the file; used 'PaymentIntent ID'" in load.changes[0]
    assert {r[0] for r in query(workspace, "SELECT order_id FROM orders")} <= {r[-1] for r in rows[1:]}


def test_checkout_events_that_carry_their_order_become_orders(workspace, write):
    """Finding 16: checkout events carrying order data never became orders."""
    path = write("events.csv", "customer_id,occurred_at,event_type,Order ID,Total Price,Currency\n"
                               "a,2024-01-01 10:00,page_viewed,,,\na,2024-01-01 10:05,checkout_completed,#1001,42.50,eur\n"
                               "b,2024-01-02 11:00,checkout_completed,#1002,19.99,EUR\n"
                               "b,2024-01-02 11:01,checkout_completed,,5,EUR\n")
    (load,) = app.ingest(workspace, [path], table="events").loads
    assert load.written["orders (from checkout events)"] == 2
    assert query(workspace, "SELECT order_id, customer_id, amount, currency FROM orders ORDER BY 1") == [
        ("#1001", "a", 42.5, "EUR"), ("#1002", "b", 19.99, "EUR")]
    app.undo(workspace, load.batch_id)  # the orders came with the batch, and go with it
    assert query(workspace, "SELECT count(*) FROM orders") == [(0,)]


def test_map_says_when_a_required_column_reads_nothing(tmp_path, write):
    """Finding 11: map showed 0% for a date column and still wrote it, unremarked."""
    path = write("bad.csv", "order_id,customer_id,ordered_at,amount\n1,a,next tuesday,5\n2,b,soon,6\n")
    result = runner.invoke(cli, ["map", str(path), "--table", "orders", "--write", str(tmp_path / "m.toml")])
    assert result.exit_code == 0 and "would quarantine every row" in result.output
    assert "# FIX: no value in column 'ordered_at' reads as ordered_at" in (tmp_path / "m.toml").read_text()


def test_stripe_refunds_leave_the_charge_net_and_a_full_refund_is_no_purchase(workspace, tmp_path):
    """Finding 5: Stripe refunds (and Shopify's refunded amount) offset their order."""
    import csv

    from tests.conftest import FIXTURES

    with (FIXTURES / "stripe_payments.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    head = rows[0]
    partial = list(rows[1])
    for column, value in (("id", "ch_part"), ("Amount", "42.00"), ("Amount Refunded", "10.00"),
                          ("Status", "Partially Refunded")):
        partial[head.index(column)] = value
    path = tmp_path / "payments.csv"
    with path.open("w", newline="") as f:
        csv.writer(f).writerows([*rows, partial])
    app.ingest(workspace, [path], preset_name="stripe-payments")
    got = dict(query(workspace, "SELECT order_id, amount FROM orders WHERE order_id IN ('ch_part', 'ch_3Pa2')"))
    assert got["ch_part"] == 32.0 and got["ch_3Pa2"] == 0.0  # 9.50 charged and refunded in full
    from regulars.features import purchases
    from regulars.store import open_workspace

    with open_workspace(workspace).store(read_only=True) as store:
        bought = purchases(store.feature_inputs()["orders"]).to_pyarrow().to_pandas()
    assert "ch_3Pa2" not in set(bought["order_id"]) and bought.loc[bought["order_id"] == "ch_part", "amount"].item() == 32


def test_two_figures_that_tell_different_stories_are_explained():
    """Finding 7: "1.14 orders expected in 90 days" beside "88% chance of no order in 90 days"."""
    from regulars.scores import figures_disagree

    said = figures_disagree(1.14, 0.88, 90)
    assert said and "about 32% chance of no order in 90 days at that rate" in said and "88%" in said
    assert figures_disagree(1.14, 0.35, 90) is None and figures_disagree(None, 0.88, 90) is None


def test_a_page_of_scores_from_a_run_that_scored_nobody_is_empty_not_an_error(tmp_path):
    """A till's run stores what sells together and scores nobody: the customers page says none."""
    from tests.shops import SHAPES, make_shop

    till = next(s for s in SHAPES if s.anonymous_only)
    shop = tmp_path / "shop"
    app.init(shop)
    app.ingest(shop, make_shop(tmp_path / "files", till))
    assert app.run(shop).customers == 0
    page = app.scores(shop, sort="churn", top=5, only_top=True).to_dict()
    assert page["customers"] == 0 and page["rows"] == []
