"""The dashboard's pages without a browser: signing in, what each sign-in may do, forms that
must carry the session's token, errors as pages, and text from data shown as text."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from fastapi.testclient import TestClient

from regulars import app
from tests.conftest import query, snapshot


def site(path) -> TestClient:
    from regulars.web import create_site

    return TestClient(create_site(path))


def signed_in(path, key: str | None = None) -> TestClient:
    """A browser signed in with ``key``, or with the server's sign-in link."""
    browser = site(path)
    if key is None:
        answer = browser.get(f"/login?token={browser.app.state.sessions.sign_in_token}")
    else:
        answer = browser.post("/login", data={"key": key, "next": "/"})
    assert answer.status_code == 200 and "Your shop" in answer.text
    return browser


def form_token(page: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def test_pages_need_a_sign_in_and_a_bad_key_or_link_is_refused(shop):
    path, keys = shop
    browser = site(path)
    for page in ("/", "/customers", "/playbooks", "/data", "/models", "/segments"):
        answer = browser.get(page, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login"), page
    assert browser.post("/login", data={"key": "rk_nope_nope"}).status_code == 401
    assert "not valid" in browser.get("/login?token=guessed").text
    outside = browser.get(f"/login?token={browser.app.state.sessions.sign_in_token}&next=//evil.example",
                          follow_redirects=False)
    assert outside.headers["location"] == "/"  # never sent on to another site


def test_a_form_without_the_session_token_changes_nothing(shop):
    path, keys = shop
    browser = signed_in(path)
    waiting = app.approvals(path).actions["action_id"].tolist()
    before = snapshot(path)
    answer = browser.post("/playbooks/decide", data={"action_id": waiting[0], "decision": "approve", "token": "x"})
    assert answer.status_code == 403 and "stale or came from another site" in answer.text
    assert snapshot(path) == before
    token = form_token(browser.get("/playbooks").text)
    done = browser.post("/playbooks/decide", data={"action_id": waiting[0], "decision": "approve", "token": token,
                                                   "playbook": "vip-recognition", "about": "Ada Chen"})
    assert done.status_code == 200 and "Approved: vip-recognition for Ada Chen" in done.text
    assert query(path, f"SELECT decided_by FROM outbox WHERE action_id = '{waiting[0]}'") == [
        ("dashboard:owner (sign-in link)",)]


def test_a_read_only_sign_in_sees_but_may_not_approve_or_import(shop):
    path, keys = shop
    browser = signed_in(path, keys["read-only"])
    assert browser.get("/playbooks").status_code == 200
    token = form_token(browser.get("/segments").text)
    waiting = app.approvals(path).actions["action_id"].tolist()
    refused = browser.post("/playbooks/decide", data={"action_id": waiting[0], "decision": "approve", "token": token})
    assert refused.status_code == 403 and "may not do this" in refused.text
    assert browser.get("/data/import").status_code == 403


def test_text_from_data_is_shown_as_text(shop):
    path, keys = shop
    app.record(path, "customers", [{"customer_id": "x<1>", "name": "<script>alert('hi')</script>",
                                    "email": "a@b.co"}], mode="upsert")
    page = signed_in(path).get("/customers/x%3C1%3E")
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "&lt;script&gt;alert(&#39;hi&#39;)&lt;/script&gt;" in page.text


@pytest.mark.parametrize(("page", "status", "words"), [
    ("/customers/nobody", 404, "no customer &#39;nobody&#39;"),
    ("/segments/nothing-like-it", 404, "no segment &#39;nothing-like-it&#39;"),
    ("/nowhere", 404, "no such address"),
])
def test_errors_are_pages_saying_what_to_do(shop, page, status, words):
    path, _ = shop
    answer = signed_in(path).get(page)
    assert answer.status_code == status and words in answer.text
    assert answer.headers["content-type"].startswith("text/html")


def test_the_api_still_answers_json_beside_the_pages(shop):
    path, keys = shop
    answer = site(path).get("/api/v1/customers/nobody", headers={"Authorization": f"Bearer {keys['owner']}"})
    assert answer.status_code == 404 and answer.json()["error"].startswith("no customer")


def test_the_rule_check_answers_with_a_count_or_what_is_wrong(shop):
    path, _ = shop
    browser = signed_in(path)
    assert browser.get("/segments/check", params={"rule": "orders >= 2"}).json()["ok"] is True
    wrong = browser.get("/segments/check", params={"rule": "orders >="}).json()
    assert wrong["ok"] is False and "ends too early" in wrong["error"]


def test_a_playbook_change_is_previewed_then_saved_with_the_file_s_comments(shop):
    path, keys = shop
    browser = signed_in(path)
    page = browser.get("/playbooks").text
    token = form_token(page)
    # a threshold on a chance is shown as the owner writes it: 70%, not 0.7
    assert re.search(r'id="book-churn-win-back".*?name="threshold_value" size="5" value="70"[^>]*>%', page, re.S)
    before = (path / "playbooks.yaml").read_text()
    preview = browser.post("/playbooks/edit", data={"token": token, "playbook": "churn-win-back", "enabled": "on",
                                                    "threshold_key": "above", "threshold_value": "0.9",
                                                    "do": "preview"})
    assert preview.status_code == 200 and "Preview of churn-win-back (not saved)" in preview.text
    assert (path / "playbooks.yaml").read_text() == before
    saved = browser.post("/playbooks/edit", data={"token": token, "template": "win-back",
                                                  "subject": "Back soon, {{ name }}?", "body": "15% off", "do": "save"})
    assert saved.status_code == 200 and "template win-back saved" in saved.text
    after = (path / "playbooks.yaml").read_text()
    assert after.count("#") == before.count("#") and '"Back soon, {{ name }}?"' in after
    assert app.playbooks(path).template_texts["win-back"]["subject"] == "Back soon, {{ name }}?"
    broken = browser.post("/playbooks/edit", data={"token": token, "template": "win-back", "body": "{% if %}",
                                                   "do": "save"})
    assert broken.status_code == 422 and "template &#39;win-back&#39;" in broken.text
    assert (path / "playbooks.yaml").read_text() == after  # nothing saved


def test_a_read_only_sign_in_may_not_change_playbooks(shop):
    path, keys = shop
    browser = signed_in(path, keys["read-only"])
    token = form_token(browser.get("/segments").text)
    before = (path / "playbooks.yaml").read_text()
    refused = browser.post("/playbooks/edit", data={"token": token, "playbook": "churn-win-back", "enabled": "off",
                                                    "do": "save"})
    assert refused.status_code == 403 and (path / "playbooks.yaml").read_text() == before


def test_the_no_code_prediction_learns_a_recorded_column_and_exports_the_scores(shop):
    path, _ = shop
    # those who left had mostly visited rarely (what the model can learn) and have a closing
    # reason filled in after they left (what would give the answer away)
    crm = [{"customer_id": f"C{i:05d}", "plan": "pro" if i % 3 else "basic", "visits": i % 7,
            "closed_reason": "moved away" if (i % 7 < 2) != (i % 5 == 0) and i % 10 else "",
            "churned": "" if i % 10 == 0 else ("yes" if (i % 7 < 2) != (i % 5 == 0) else "no")}
           for i in range(1, 401)]
    app.record(path, "customers", crm)  # a CRM's export after the shop's: its columns are added
    browser = signed_in(path)
    page = browser.get("/models").text
    assert 'value="churned=yes"' in page
    result = browser.post("/models/predict", data={"token": form_token(page), "label": "churned=yes"})
    assert result.status_code == 200 and "Left out as recorded after the outcome" in result.text
    assert "closed_reason" in result.text  # filled in only for those who left: it gives the answer away
    assert "(answers)" in result.text and re.search(r'<a href="/customers/C\d+">[A-Z][a-z]+ [A-Z]', result.text)
    export = re.search(r'href="(/models/predictions/[^"]+\.csv)"', result.text).group(1)
    rows = browser.get(export).text.splitlines()
    profiles = query(path, "SELECT count(*) FROM customers WHERE NOT coalesce(is_stub, false)")[0][0]
    assert rows[0] == "customer_id,probability,reasons" and len(rows) - 1 == profiles - 360  # those not yet known


def test_the_models_page_shows_drift_and_runs_a_backtest(shop):
    path, _ = shop
    app.run(path, cutoff="2024-11-15")  # a second run: its scores against the first one's
    browser = signed_in(path)
    page = browser.get("/models").text
    assert "Drift" in page and "stability index" in page and "chance of leaving" in page
    assert "_probability" not in page and "days_since" not in page  # measures and features in words
    # each card says which of the models compared answers, and its charts are that model's
    cards = app.models(path).models
    assert "churn" in cards
    for name in {"churn", "conversion", "support"} & set(cards):
        chosen, card = cards[name]["chosen"], cards[name]
        assert f"<strong>{chosen['words']}" in page
        answered = {"trees": "model", "logistic": "baseline_logistic"}.get(chosen["candidate"])
        if answered:
            assert round(card["metrics"][answered]["auc"], 4) == chosen["auc"]
            assert card["calibration_table"] and card["deciles"]
    result = browser.post("/models/backtest", data={"token": form_token(page), "model": "churn",
                                                    "cutoff": "2024-09-01", "horizon": "90"})
    assert result.status_code == 200 and "Trained on" in result.text and "<svg" in result.text
    bad = browser.post("/models/backtest", data={"token": form_token(page), "model": "churn", "cutoff": "soon"})
    assert bad.status_code == 422 and "soon" in bad.text


def test_the_import_page_refuses_what_it_cannot_load_and_stores_nothing(shop):
    path, _ = shop
    browser = signed_in(path)
    token = form_token(browser.get("/data/import").text)
    before = snapshot(path)
    table = browser.post("/data/import", data={"token": token, "table": "nonsense"},
                         files={"file": ("x.csv", b"a,b\n1,2\n")})
    assert table.status_code == 422 and "choose a table" in table.text
    stale = browser.post("/data/import/load", data={"token": token, "table": "orders", "upload_id": "abcdefgh1234",
                                                    "name": "x.csv"})
    assert stale.status_code == 400 and "upload it again" in stale.text
    sneaky = browser.post("/data/import/load", data={"token": token, "table": "orders", "upload_id": "../../etc",
                                                     "name": "passwd"})
    assert sneaky.status_code == 400
    unreadable = browser.post("/data/import", data={"token": token, "table": "orders"},
                              files={"file": ("empty.csv", b"")})
    assert unreadable.status_code == 422 and "empty.csv" in unreadable.text
    assert snapshot(path) == before


def test_a_lead_with_no_orders_reads_no_orders_yet(shop):
    """A customer who has not bought reads "no orders yet" on their page and in the CLI, not
    "0 for , to"."""
    from typer.testing import CliRunner

    from regulars.cli import app as cli

    path, _ = shop
    lead = query(path, "SELECT customer_id FROM customers WHERE customer_id NOT IN "
                       "(SELECT customer_id FROM orders WHERE customer_id IS NOT NULL) ORDER BY 1 LIMIT 1")[0][0]
    page = signed_in(path).get(f"/customers/{lead}").text
    assert "no orders yet" in page and " for , " not in page
    printed = CliRunner().invoke(cli, ["customer", str(path), lead], env={"COLUMNS": "80"})
    assert printed.exit_code == 0 and f"{lead}: no orders yet" in printed.output


def test_the_customers_page_finds_people_by_email_and_by_name(shop):
    path, _ = shop
    customer, name, email = query(path, "SELECT customer_id, name, email FROM customers WHERE email IS NOT NULL "
                                        "AND name IS NOT NULL ORDER BY customer_id LIMIT 1")[0]
    browser = signed_in(path)
    opened = browser.get(f"/customers?q={email.upper()}", follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == f"/customers/{customer}"
    surname, who = query(path, "SELECT split_part(name, ' ', -1) AS s, min(name) FROM customers WHERE name IS NOT NULL "
                               "GROUP BY 1 HAVING count(DISTINCT customer_id) > 1 ORDER BY 1 LIMIT 1")[0]
    listed = browser.get(f"/customers?q={surname}").text
    assert "customers match" in listed and who in listed
    assert "No customer matches" in browser.get("/customers?q=zzzz-nobody").text


def test_a_playbook_s_approvals_are_decided_together_and_only_they_move(shop):
    """Approving a group sends exactly that group to the outbox; the count the owner saw must
    still hold; the page confirms in words and the queue is grouped by playbook."""
    path, _ = shop
    waiting = app.approvals(path).actions
    group = waiting["playbook"].iloc[0]
    mine = set(waiting.loc[waiting["playbook"] == group, "action_id"])
    others = set(waiting["action_id"]) - mine
    browser = signed_in(path)
    page = browser.get("/playbooks").text
    assert f'id="group-{group}"' in page and f"Approve all {len(mine):,}" in page
    sizes = waiting.groupby("playbook").size()
    assert page.count('<tr id="action-') == sum(min(n, 20) for n in sizes)  # the first 20 of each group
    big = sizes.idxmax()
    assert sizes[big] > 20 and f"Show all {sizes[big]:,}" in page
    assert browser.get(f"/playbooks?all={big}").text.count('<tr id="action-') == sum(
        n if name == big else min(n, 20) for name, n in sizes.items())
    exported = list(csv.reader(io.StringIO(browser.get("/playbooks/approvals.csv").text)))  # bodies hold newlines
    assert len(exported) - 1 == len(waiting) and "name" in exported[0]
    stale = browser.post("/playbooks/decide-group", data={"token": form_token(page), "playbook": group,
                                                          "decision": "approve", "expected": len(mine) + 1})
    assert stale.status_code == 422 and "look at them again" in stale.text
    assert set(app.approvals(path).actions["action_id"]) == mine | others  # nothing moved
    done = browser.post("/playbooks/decide-group", data={"token": form_token(page), "playbook": group,
                                                         "decision": "approve", "expected": len(mine)})
    assert done.status_code == 200 and f"Approved all {len(mine):,} actions of {group}" in done.text
    assert set(app.approvals(path).actions["action_id"]) == others
    statuses = dict(query(path, "SELECT action_id, status FROM outbox"))
    assert {statuses[a] for a in mine} == {"queued"}


def test_the_customers_list_pages_filters_by_segment_and_exports(shop):
    path, _ = shop
    browser = signed_in(path)
    first = browser.get("/customers?sort=clv").text
    total = int(query(path, "SELECT customers FROM runs ORDER BY created_at DESC LIMIT 1")[0][0])
    assert f"Showing 1–100 of {total:,}" in first and "page=2" in first
    second = browser.get("/customers?sort=clv&page=2").text
    assert f"Showing 101–200 of {total:,}" in second
    ids = lambda page: re.findall(r'href="/customers/(C\d+)"', page)  # noqa: E731
    assert not set(ids(first)) & set(ids(second))
    champions = browser.get("/customers?sort=clv&segment=Champions").text
    members = {r[0] for r in query(path, "SELECT customer_id FROM segment_members WHERE list_contains(segments, "
                                         "'Champions') AND run_id = (SELECT max(run_id) FROM runs)")}
    assert f"of {len(members):,}" in champions and set(ids(champions)) <= members
    missing = browser.get("/customers?segment=nope")  # said, not everyone shown instead
    assert missing.status_code == 404 and "no segment" in missing.text and "regulars segments" not in missing.text
    exported = browser.get("/customers.csv?sort=clv&segment=Champions").text.splitlines()
    assert exported[0].startswith("customer_id,name") and len(exported) - 1 == len(members)
    analyst = list(csv.DictReader(io.StringIO(browser.get("/customers.csv?sort=clv&segment=Champions&pseudonyms=1").text)))
    names = {r[0] for r in query(path, "SELECT name FROM customers WHERE name IS NOT NULL")}
    assert len(analyst) == len(members) and all(r["name"].startswith("person-") for r in analyst)
    assert not {r["name"] for r in analyst} & names and "for an analyst" in champions


def test_a_template_with_a_mistake_keeps_the_edit_and_says_where_without_a_server_path(shop):
    path, _ = shop
    browser = signed_in(path)
    page = browser.get("/playbooks").text
    name = re.search(r'id="template-([^"]+)"', page).group(1)
    broken = "Hello {{ name }, we miss you"
    answer = browser.post("/playbooks/edit", data={"token": form_token(page), "template": name, "subject": "Hi",
                                                   "body": broken, "do": "save"})
    assert answer.status_code == 422 and "not saved" in answer.text
    assert "we miss you</textarea>" in answer.text  # the edit is kept to fix
    assert 'class="error"' in answer.text and str(path) not in answer.text and "/tmp/" not in answer.text
    assert broken not in (path / "playbooks.yaml").read_text()


def test_a_template_is_previewed_for_a_chosen_customer_with_the_fields_it_may_use(shop):
    path, _ = shop
    app.run_playbooks(path, by="test")  # today's plan is queued: the preview still shows someone
    customer, name = query(path, "SELECT customer_id, name FROM customers WHERE name IS NOT NULL "
                                 "ORDER BY customer_id LIMIT 1")[0]
    browser = signed_in(path)
    page = browser.get("/playbooks").text
    template = re.search(r'id="template-([^"]+)"', page).group(1)
    shown = browser.get(f"/playbooks/preview?template={template}&customer={customer}").text
    assert f"as {name} would read it" in shown and "{{ name }}" in shown and "{{ clv }}" in shown
    assert name in shown.split("What a template may use")[1]  # the field's value is this customer's
    assert browser.get("/playbooks/preview?template=nope").status_code == 422


def test_a_segment_lists_its_members_by_name_and_exports_them_all(shop):
    path, _ = shop
    browser = signed_in(path)
    page = browser.get("/segments/Champions").text
    size = int(query(path, "SELECT count(*) FROM segment_members WHERE list_contains(segments, 'Champions') "
                           "AND run_id = (SELECT max(run_id) FROM runs)")[0][0])
    assert re.search(r'<a href="/customers/C\d+">[A-Z][a-z]+ [A-Z]', page) and f"export all {size:,} as CSV" in page
    exported = browser.get("/segments.csv?name=Champions")
    rows = exported.text.splitlines()
    assert 'filename="Champions.csv"' in exported.headers["content-disposition"]
    assert rows[0].startswith("customer_id,name") and len(rows) - 1 == size
    assert browser.get("/segments.csv?name=nope").status_code == 404


def test_the_business_page_slices_the_kpis_by_segment_channel_or_country(shop):
    path, _ = shop
    browser = signed_in(path)
    whole = browser.get("/business").text
    assert '<select name="segment">' in whole and '<option value="lifecycle: loyal">' in whole
    loyal = browser.get("/business?segment=lifecycle: loyal")
    assert loyal.status_code == 200 and "KPIs of the segment lifecycle: loyal" in loyal.text
    said = app.metrics(path, "revenue", periods=2, segment="lifecycle: loyal").series
    assert f"{said[-1]['revenue']:,.2f}" in loyal.text  # the slice's figures, not the shop's
    web = browser.get("/business?channel=web").text
    assert "KPIs of channel web" in web and "the whole shop</a>" in web
    assert browser.get("/business?segment=nobody").status_code == 404


def test_the_voice_page_and_a_customers_texts(shop):
    path, _ = shop
    browser = signed_in(path)
    page = browser.get("/voice").text
    assert "What customers say" in page and "Read by" in page and "What they write about" in page
    assert "<svg" in page and "Unhappy about lately" in page
    said = app.texts(path, limit=1).rows.iloc[0]
    customer = browser.get(f"/customers/{said['customer_id']}").text
    assert "What they wrote" in customer and html.escape(said["text"], quote=False) in customer
    assert browser.get("/voice?by=year").status_code == 422
    assert "How fast you answer" in page and "first reply on time" in page and "Tickets to expect" in page
    quality = app.engagement_quality(path)  # the demo's newsletters: the scorecard, its formulas stated
    assert "Quality of engagement" in page and "Return on Engagement: " in page
    for m in quality.measures:
        assert f"<td>{m['measure'].capitalize()}</td>" in page and m["formula"][0].upper() + m["formula"][1:] in html.unescape(page)
