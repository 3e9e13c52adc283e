"""The REST API against a small demo shop: keys and roles, data in (idempotent), errors as JSON,
bad and oversized bodies refused without changing anything."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from regulars.app import SCORE_SORTS
from tests.api.conftest import ROLES, auth, client
from tests.conftest import query, snapshot

EVENT = {"customer_id": "C00001", "event_type": "product_view", "occurred_at": "2024-12-30T10:00:00Z", "id": "ev-1"}

#: (method, path, body, permission): one route of each kind.
ROUTES = [
    ("get", "/api/v1/status", None, "read"),
    ("get", "/api/v1/customers?sort=churn&top=3", None, "read"),
    ("get", "/api/v1/segments", None, "read"),
    ("get", "/api/v1/today", None, "read"),
    ("get", "/api/v1/outbox", None, "read"),
    ("get", "/api/v1/results", None, "read"),
    ("post", "/api/v1/events", EVENT, "data"),
    ("post", "/api/v1/records/orders", {"rows": [{"order_id": "api-1", "customer_id": "C00001",
                                                  "ordered_at": "2024-12-30", "amount": 12.5}]}, "data"),
    ("post", "/api/v1/approvals", {"ids": ["no-such-action"], "decision": "approve"}, "decide"),
    ("get", "/api/v1/keys", None, "admin"),
    ("get", "/api/v1/privacy/customers/C00001", None, "admin"),
    ("get", "/api/v1/consent/C00002", None, "read"),
    ("post", "/api/v1/consent/C00002", {"surveys": True}, "data"),
    ("get", "/api/v1/models/churn/fairness?by=gender", None, "analyse"),
    ("post", "/api/v1/privacy/disclosure", None, "admin"),
]
MAY = {"owner": {"read", "data", "analyse", "decide", "admin"}, "analyst": {"read", "analyse"},
       "integrator": {"read", "data"}, "read-only": {"read"}, "site": set()}


def test_every_route_but_health_needs_a_known_key(shop):
    path, _ = shop
    api = client(path)
    assert api.get("/api/v1/health").json()["ok"] is True
    for method, route, body, _ in ROUTES:
        for headers in ({}, auth("rk_0000_wrong"), {"X-API-Key": "not-a-key"}):
            answer = getattr(api, method)(route, headers=headers, **({"json": body} if body else {}))
            assert answer.status_code == 401, (route, headers)
            assert "API key" in answer.json()["error"]


def test_each_role_is_refused_what_it_may_not_do(shop):
    path, keys = shop
    api = client(path)
    for role in ROLES:
        for method, route, body, permission in ROUTES:
            answer = getattr(api, method)(route, headers=auth(keys[role]), **({"json": body} if body else {}))
            if permission in MAY[role]:
                # allowed: the request is done (the made-up action id is an unknown one, not a refusal)
                assert answer.status_code not in (401, 403), (role, route, answer.json())
            else:
                assert answer.status_code == 403, (role, route)
                assert "may not" in answer.json()["error"] and role in answer.json()["error"]


def test_the_sorts_offered_are_the_app_s(shop):
    path, keys = shop
    schema = client(path).get("/openapi.json").json()
    (sort,) = [p for p in schema["paths"]["/api/v1/customers"]["get"]["parameters"] if p["name"] == "sort"]
    assert set(sort["schema"]["enum"]) == set(SCORE_SORTS)


def test_events_count_once_by_their_id(shop):
    path, keys = shop
    api, headers = client(path), auth(keys["integrator"])
    before = query(path, "SELECT count(*) FROM events")[0][0]
    first = api.post("/api/v1/events", headers=headers, json={"events": [EVENT, {**EVENT, "id": "ev-2"}]}).json()
    assert first["resent"] == 0 and first["batches"][0]["rows_accepted"] == 2
    again = api.post("/api/v1/events", headers=headers, json={"events": [EVENT, {**EVENT, "id": "ev-3"},
                                                                         {**EVENT, "id": "ev-3"}]}).json()
    assert again["resent"] == 2 and again["batches"][0]["rows_accepted"] == 1  # ev-1 stored, ev-3 twice
    single = api.post("/api/v1/events", headers=headers, json=EVENT).json()
    assert single == {"batches": [], "resent": 1}
    assert query(path, "SELECT count(*) FROM events")[0][0] == before + 3
    assert query(path, "SELECT count(*) FROM events WHERE event_id = 'ev-3'") == [(1,)]


def test_records_load_as_batches_and_upsert_replaces_a_changed_order(shop):
    path, keys = shop
    api, headers = client(path), auth(keys["owner"])
    order = {"order_id": "api-9", "customer_id": "C00002", "ordered_at": "2024-12-30 09:00", "amount": 20}
    made = api.post("/api/v1/records/orders", headers=headers, json={"rows": [order]}).json()
    assert made["batches"][0]["rows_accepted"] == 1
    refunded = {**order, "status": "refunded"}
    kept = api.post("/api/v1/records/orders", headers=headers, json={"rows": [refunded]}).json()
    assert kept["batches"][0]["rows_quarantined"] == 1  # insert mode: a conflict is quarantined
    replaced = api.post("/api/v1/records/orders", headers=headers, json={"rows": [refunded], "mode": "upsert"})
    assert replaced.json()["batches"][0]["rows_updated"] == 1
    assert query(path, "SELECT status FROM orders WHERE order_id = 'api-9'") == [("refunded",)]


def test_segment_style_messages_identify_then_track(shop):
    path, keys = shop
    api, headers = client(path), auth(keys["integrator"])
    answer = api.post("/api/v1/batch", headers=headers, json={"batch": [
        {"type": "identify", "userId": "web-77", "traits": {"email": "Web77@Example.com", "plan": "pro"}},
        {"type": "track", "userId": "web-77", "event": "Product Added", "messageId": "m-1",
         "timestamp": "2024-12-30T11:00:00Z", "properties": {"product_id": "P001", "price": 3.5}},
        {"type": "page", "userId": "web-77", "messageId": "m-2", "timestamp": "2024-12-30T11:01:00Z",
         "properties": {"url": "https://shop.example/pricing"}}]})
    assert answer.status_code == 200, answer.json()
    assert query(path, "SELECT email FROM customers WHERE customer_id = 'web-77'") == [("Web77@Example.com",)]
    assert query(path, "SELECT event_type, product_id, url, attributes->>'properties.price' FROM events "
                       "WHERE customer_id = 'web-77' ORDER BY occurred_at") == [
        ("cart_add", "P001", None, "3.5"),
        ("pricing_view", None, "https://shop.example/pricing", None)]  # a page view of pricing means more
    resent = api.post("/api/v1/track", headers=headers, json={"userId": "web-77", "event": "Product Added",
                                                              "messageId": "m-1", "timestamp": "2024-12-30"})
    assert resent.json()["resent"] == 1


@pytest.mark.parametrize(("route", "body", "status", "words"), [
    ("/api/v1/events", b"{not json", 422, "not valid JSON"),
    ("/api/v1/events", b'{"events": []}', 422, "events"),
    ("/api/v1/events", b'{"customer_id": "c1"}', 422, "event_type"),
    ("/api/v1/events", b'{"customer_id": "", "event_type": "x", "occurred_at": "2024-01-01"}', 422, "customer_id"),
    ("/api/v1/records/orders", b'{"rows": [{"order_id": {"nested": 1}}]}', 422, "rows"),
    ("/api/v1/records/nonsense", b'{"rows": [{"a": 1}]}', 422, "table"),
    ("/api/v1/records/orders", b'{"rows": [{"order_id": "x"}]}', 422, "ordered_at"),
    ("/api/v1/batch", b'{"batch": [{"type": "alias", "userId": "u"}]}', 422, "type 'alias'"),
    ("/api/v1/batch", b'{"batch": [{"type": "track", "event": "Viewed"}]}', 422, "userId"),
    ("/api/v1/events", b"x" * 2_000_001, 413, "larger than 2 MB"),
])
def test_bad_bodies_get_a_4xx_with_a_message_and_change_nothing(shop, route, body, status, words):
    path, keys = shop
    api = client(path, max_body_mb=2)
    before = snapshot(path)
    answer = api.post(route, headers={**auth(keys["owner"]), "content-type": "application/json"}, content=body)
    assert answer.status_code == status, answer.json()
    assert words in answer.json()["error"] and answer.json()["status"] == status
    assert snapshot(path) == before


def test_a_streamed_body_past_the_limit_is_refused(shop):
    path, keys = shop
    api = client(path, max_body_mb=1)

    def chunks():
        for _ in range(30):
            yield b" " * 100_000

    answer = api.post("/api/v1/events", headers={**auth(keys["owner"]), "content-type": "application/json"},
                      content=chunks())
    assert answer.status_code == 413


def test_not_found_answers_say_where_to_look(shop):
    path, keys = shop
    api = client(path)
    missing = api.get("/api/v1/customers/nobody", headers=auth(keys["read-only"]))
    assert missing.status_code == 404 and "no customer 'nobody'" in missing.json()["error"]
    nowhere = api.get("/api/v1/nowhere", headers=auth(keys["read-only"]))
    assert nowhere.status_code == 404 and "/docs" in nowhere.json()["error"]


def test_an_owner_approves_through_the_api_and_the_decision_is_recorded(shop):
    path, keys = shop
    api = client(path)
    waiting = api.get("/api/v1/approvals", headers=auth(keys["analyst"])).json()["actions"]
    assert waiting, "the demo's plan has actions waiting for approval"
    first = waiting[0]["action_id"]
    done = api.post("/api/v1/approvals", headers=auth(keys["owner"]), json={"ids": [first], "decision": "approve"})
    assert done.status_code == 200 and done.json()["actions"] == [first]
    assert query(path, f"SELECT status, decided_by FROM outbox WHERE action_id = '{first}'") == [
        ("queued", "api:owner key")]
    again = api.post("/api/v1/approvals", headers=auth(keys["owner"]), json={"ids": [first], "decision": "approve"})
    assert again.status_code == 422 and "not waiting for approval" in again.json()["error"]


def test_keys_made_and_revoked_through_the_api(shop):
    path, keys = shop
    api = client(path)
    made = api.post("/api/v1/keys", headers=auth(keys["owner"]), json={"name": "till", "role": "integrator"})
    assert made.status_code == 201
    new = made.json()["key"]
    assert api.post("/api/v1/events", headers=auth(new), json={**EVENT, "id": "till-1"}).status_code == 200
    listed = api.get("/api/v1/keys", headers=auth(keys["owner"])).json()["keys"]
    assert all("secret" not in str(k) and new not in str(k) for k in listed)
    assert api.delete(f"/api/v1/keys/{made.json()['key_id']}", headers=auth(keys["owner"])).status_code == 200
    assert api.post("/api/v1/events", headers=auth(new), json={**EVENT, "id": "till-2"}).status_code == 401
    assert query(path, "SELECT count(*) FROM api_keys WHERE secret_hash LIKE '%' || ? || '%'".replace(
        "?", "'" + new.split("_", 2)[2][:12] + "'")) == [(0,)]  # only a hash is stored


def test_one_customer_s_scores_come_quickly_with_their_horizons(shop):
    path, keys = shop
    api = client(path)
    found = api.get("/api/v1/customers/C00001/scores", headers=auth(keys["integrator"])).json()
    assert found["customer_id"] == "C00001" and found["horizons"]["churn"] == 90
    assert 0 <= found["scores"]["churn_probability"] <= 1 and found["scores"]["run_id"]
    assert api.get("/api/v1/customers/nobody/scores", headers=auth(keys["integrator"])).status_code == 404


def test_a_key_with_an_unknown_role_or_no_name_is_refused(shop):
    path, keys = shop
    api = client(path)
    for body in ({"name": "x", "role": "superuser"}, {"name": "", "role": "owner"}, {"role": "owner"}):
        answer = api.post("/api/v1/keys", headers=auth(keys["owner"]), json=body)
        assert answer.status_code == 422 and answer.json()["error"].startswith("the request is not valid")
    assert api.delete("/api/v1/keys/nope", headers=auth(keys["owner"])).status_code == 404
    assert len(api.get("/api/v1/keys", headers=auth(keys["owner"])).json()["keys"]) == len(ROLES)


def test_the_api_docs_load_from_the_server_itself(workspace):
    """/docs works with no network: every script, style and image it names is served by regulars."""
    import re

    from tests.api.conftest import client

    api = client(workspace)
    page = api.get("/docs")
    assert page.status_code == 200
    assets = re.findall(r"""(?:src|href|url)\s*[:=]\s*['"]([^'"]+)['"]""", page.text)
    assert len(assets) >= 3 and all(a.startswith("/") and not a.startswith("//") for a in assets), assets
    assert all(api.get(a).status_code == 200 for a in assets)


def test_recommendations_answer_as_many_products_as_asked_up_to_what_the_run_keeps(shop):
    from regulars import app
    from regulars.errors import SettingsError

    path, keys = shop
    buyer = query(path, "SELECT customer_id FROM recommendations WHERE len(products) = 10 LIMIT 1")[0][0]
    api = client(path)
    ten = api.get(f"/api/v1/customers/{buyer}/recommendations?top=10", headers=auth(keys["read-only"])).json()
    five = app.recommend(path, buyer).products
    assert len(ten["products"]) == 10 and len({p["product_id"] for p in ten["products"]}) == 10
    assert [p["product_id"] for p in ten["products"][:5]] == [p["product_id"] for p in five]
    with pytest.raises(SettingsError, match="a run keeps 10 products per customer: recommend.keep"):
        app.recommend(path, buyer, top=11)
    assert api.get(f"/api/v1/customers/{buyer}/recommendations?top=0", headers=auth(keys["read-only"])).status_code == 422


def test_the_kpis_by_period_and_one_with_its_interval(shop):
    path, keys = shop
    api = client(path)
    every = api.get("/api/v1/metrics?by=quarter&periods=2", headers=auth(keys["read-only"]))
    assert every.status_code == 200
    body = every.json()
    assert body["grain"] == "quarter" and len(body["series"]) == 2 and len(body["kpis"]) >= 10
    assert body["series"][-1]["label"].endswith(("Q1", "Q2", "Q3", "Q4")) and body["series"][-1]["revenue"] > 0
    one = api.get("/api/v1/metrics/retention_rate", headers=auth(keys["read-only"])).json()
    assert one["kpis"][0]["formula"].startswith("customers active in both")
    assert all(0 <= r["retention_rate_of"]["low"] <= r["retention_rate"] <= r["retention_rate_of"]["high"] <= 1
               for r in one["series"] if r["retention_rate"] is not None)
    missing = api.get("/api/v1/metrics/retention", headers=auth(keys["read-only"]))
    assert missing.status_code == 404 and "did you mean retention_rate" in missing.json()["error"]
    assert api.get("/api/v1/metrics?by=year", headers=auth(keys["read-only"])).status_code == 422


def test_cohorts_and_the_funnel(shop):
    path, keys = shop
    api = client(path)
    cohorts = api.get("/api/v1/cohorts?by=quarter&last=3", headers=auth(keys["read-only"])).json()
    assert len(cohorts["cohorts"]) == 3 and all(c["retention"][0] == 1 for c in cohorts["cohorts"])
    by_source = api.get("/api/v1/cohorts?source=true", headers=auth(keys["read-only"])).json()
    assert by_source["by_source"] and len(by_source["cohorts"]) >= 2
    funnel = api.get("/api/v1/funnel?days=60&strict=true", headers=auth(keys["read-only"])).json()
    assert funnel["strict"] and funnel["stages"][0]["stage"] == "visit" and funnel["stages"][0]["customers"] > 0
    assert api.get("/api/v1/funnel?window=0", headers=auth(keys["read-only"])).status_code == 422


def test_the_business_forecasts_alerts_and_targets(shop):
    path, keys = shop
    api = client(path)
    found = api.get("/api/v1/business", headers=auth(keys["read-only"])).json()
    assert set(found["figures"]) == {"kpis", "cohorts", "funnel", "forecasts", "messages", "journeys", "demand",
                                     "slices"}
    assert found["alerts"] == []
    said = api.get("/api/v1/messages?days=7", headers=auth(keys["read-only"])).json()["rows"]
    assert [r["name"] for r in said][:2] == [r["name"] for r in found["figures"]["messages"]][:2]
    assert said[0]["delivered"] > 0
    assert api.get("/api/v1/messages?days=0", headers=auth(keys["read-only"])).status_code == 422
    ways = api.get("/api/v1/journeys", headers=auth(keys["read-only"])).json()
    assert ways["paths"]["first_purchase"]["paths"] and {s["stage"] for s in ways["stages"]["stages"]} >= {"loyal"}
    assert set(found["figures"]["forecasts"]) == {"orders", "revenue", "tickets"}
    ahead = api.get("/api/v1/forecast/orders?by=week&horizon=3", headers=auth(keys["read-only"])).json()
    assert len(ahead["points"]) == 3 and ahead["model"] and ahead["points"][0]["low_80"] <= ahead["points"][0]["value"]
    assert api.get("/api/v1/forecast/visits", headers=auth(keys["read-only"])).status_code == 422
    best = found["figures"]["demand"][0]  # the best seller's units a week, kept with the run
    units = api.get(f"/api/v1/forecast/demand?by=week&horizon=8&product={best['product']}",
                    headers=auth(keys["read-only"])).json()
    assert units["points"] == best["points"] and units["product_name"] and units["grain"] == "week"
    assert api.get("/api/v1/forecast/demand?product=nothing-sold", headers=auth(keys["read-only"])).status_code == 404
    assert api.get("/api/v1/alerts?since=2024-01-01", headers=auth(keys["read-only"])).json() == {"alerts": []}
    target = {"value": 0.4, "by": "2025-03-31"}
    denied = api.put("/api/v1/targets/retention_rate", json=target, headers=auth(keys["read-only"]))
    assert denied.status_code == 403
    set_ = api.put("/api/v1/targets/retention_rate", json=target, headers=auth(keys["owner"])).json()["targets"]
    assert [(t["measure"], t["value"], t["title"]) for t in set_] == [("retention_rate", 0.4, "Retention rate")]
    assert set_[0]["on_track"] in (True, False) and set_[0]["current"] is not None
    assert api.put("/api/v1/targets/retention_rate", json={"value": 40, "by": "2025-03-31"},
                   headers=auth(keys["owner"])).status_code == 422  # a share is 0-1
    assert api.put("/api/v1/targets/visits", json=target, headers=auth(keys["owner"])).status_code == 404
    assert api.get("/api/v1/business", headers=auth(keys["read-only"])).json()["targets"][0]["measure"] == \
        "retention_rate"
    assert api.delete("/api/v1/targets/retention_rate", headers=auth(keys["owner"])).json() == {"targets": []}
    assert api.delete("/api/v1/targets/retention_rate", headers=auth(keys["owner"])).status_code == 404


def test_a_kpi_sliced_by_segment_counts_only_its_members(shop):
    path, keys = shop
    api = client(path)
    everyone = api.get("/api/v1/metrics/revenue?periods=6", headers=auth(keys["read-only"])).json()["series"]
    parts = [api.get(f"/api/v1/metrics/revenue?periods=6&segment={quote(s)}", headers=auth(keys["read-only"])).json()
             for s in ("value: low", "value: middle", "value: top")]
    assert all(p["segment"] for p in parts)
    by_month = [{r["label"]: r["revenue"] for r in p["series"]} for p in parts]
    for period in everyone:  # the value segments split the customers who bought: no more than all
        assert sum(p.get(period["label"], 0) for p in by_month) <= period["revenue"] + 0.01
    last = everyone[-1]
    assert any(0 < p.get(last["label"], 0) < last["revenue"] for p in by_month)  # a part: not nothing, not all
    assert sum(p.get(last["label"], 0) for p in by_month) > 0.5 * last["revenue"]
    missing = api.get("/api/v1/metrics?segment=Champion", headers=auth(keys["read-only"]))
    assert missing.status_code == 404 and "did you mean 'Champions'" in missing.json()["error"]


def test_a_kpi_sliced_by_channel_source_or_country(shop):
    path, keys = shop
    api = client(path)

    def revenue(query_: str = "") -> dict[str, float]:
        found = api.get(f"/api/v1/metrics/revenue?periods=4{query_}", headers=auth(keys["read-only"])).json()
        return {r["label"]: r["revenue"] for r in found["series"]}

    everyone = revenue()
    channels = [revenue(f"&channel={c}") for c in ("web", "SHOP", "phone")]  # case does not matter
    for label, total in everyone.items():  # every demo sale has a channel: the channels add up to all
        assert sum(c.get(label, 0) for c in channels) == pytest.approx(total, abs=0.05)
    gb, nowhere = revenue("&country=gb"), revenue("&country=Atlantis")
    assert 0 < sum(gb.values()) < sum(everyone.values()) and sum(nowhere.values()) == 0
    found = api.get("/api/v1/metrics?source=referral&periods=1", headers=auth(keys["read-only"])).json()
    assert found["only"] == {"source": "referral"} and found["series"][0]["active_customers"] > 0
    for bad in ("channel=%00", "country=a%00b", "segment=Champions%01"):  # as schemathesis sent them: a 422
        refused = api.get(f"/api/v1/metrics?{bad}", headers=auth(keys["read-only"]))
        assert refused.status_code == 422 and "control character" in refused.json()["error"], bad


def test_the_voice_of_the_customer(shop):
    path, keys = shop
    api = client(path)
    said = api.get("/api/v1/voice?by=month", headers=auth(keys["read-only"])).json()
    assert said["total"] == sum(said["labels"].values()) > 0 and said["themes"] and said["check"]["engine"]
    assert sum(p.get("texts") or 0 for p in said["periods"]) == said["total"]
    assert said["themes"][0]["examples"][0]["text"]
    texts = api.get("/api/v1/texts?table=tickets&limit=5", headers=auth(keys["read-only"])).json()
    assert len(texts["rows"]) == 5 and {r["source"] for r in texts["rows"]} == {"tickets"}
    assert {r["label"] for r in texts["rows"]} <= {"negative", "neutral", "positive"}
    assert all(-1 <= r["sentiment"] <= 1 and r["source_id"].startswith("T") for r in texts["rows"])
    one = texts["rows"][0]["customer_id"]
    theirs = api.get(f"/api/v1/texts?customer={one}", headers=auth(keys["read-only"])).json()
    assert theirs["rows"] and {r["customer_id"] for r in theirs["rows"]} == {one}
    assert api.get("/api/v1/texts?table=orders", headers=auth(keys["read-only"])).status_code == 422
    assert api.get("/api/v1/voice?by=day", headers=auth(keys["read-only"])).status_code == 422
    assert api.get("/api/v1/voice").status_code == 401


def test_service_times(shop):
    path, keys = shop
    api = client(path)
    served = api.get("/api/v1/service?by=week", headers=auth(keys["read-only"])).json()
    assert served["tickets"] == sum(r["tickets"] for r in served["by_channel"]) > 0
    assert served["overall"]["first_reply_hours"] > 0 and 0 <= served["overall"]["first_reply_met_share"] <= 1
    assert len(served["backlog"]) == 28 and served["hours"].startswith("Mon-Fri 09:00-17:00")
    assert api.get("/api/v1/service?by=day", headers=auth(keys["read-only"])).status_code == 422
    assert api.get("/api/v1/service").status_code == 401


def test_the_faq_assistant_answers_a_site_key_and_reports_to_a_reader(shop):
    path, keys = shop
    (path / "faq.yaml").write_text("- question: How long does delivery take?\n  answer: Two to four days.\n")
    api = client(path)
    asked = api.post("/api/v1/faq/ask", json={"question": "When will my parcel arrive?"}, headers=auth(keys["site"]))
    assert asked.status_code == 200 and asked.json()["answer"] == "Two to four days." and not asked.json()["handed_over"]
    assert api.post("/api/v1/faq/ask", json={"question": ""}, headers=auth(keys["site"])).status_code == 422
    assert api.post("/api/v1/faq/ask", json={"question": "hi"}).status_code == 401
    assert api.get("/api/v1/faq", headers=auth(keys["site"])).status_code == 403
    found = api.get("/api/v1/faq", headers=auth(keys["read-only"])).json()
    assert (found["asked"], found["answered"]) == (1, 1)


def test_an_access_request_answers_the_owner_only(shop):
    path, keys = shop
    api = client(path)
    answer = api.get("/api/v1/privacy/customers/C00001", headers=auth(keys["owner"]))
    assert answer.status_code == 200
    held = {p["name"]: p["rows"] for p in answer.json()["document"]["held"]}
    assert held["customers"][0]["customer_id"] == "C00001" and held["orders"]
    assert {r["customer_id"] for r in held["orders"]} <= {"C00001", *answer.json()["document"]["about"]["linked_ids"]}
    missing = api.get("/api/v1/privacy/customers/nobody@example.com", headers=auth(keys["owner"]))
    assert missing.status_code == 404 and "no customer" in missing.json()["error"]


def test_a_consent_from_the_api_is_an_entry_of_the_history(shop):
    path, keys = shop
    api = client(path)
    said = api.post("/api/v1/consent/C00006", json={"sms": True, "detail": "texted JOIN"},
                    headers=auth(keys["integrator"]))
    assert said.status_code == 200 and said.json()["now"]["sms"] is True
    latest = said.json()["history"][0]
    assert (latest["topic"], latest["granted"], latest["source"], latest["detail"]) == ("sms", True, "api", "texted JOIN")
    assert api.get("/api/v1/consent/C00006", headers=auth(keys["read-only"])).json()["now"]["sms"] is True
    bad = api.post("/api/v1/consent/C00006", json={"sms": "perhaps"}, headers=auth(keys["integrator"]))
    assert bad.status_code == 422
    assert api.post("/api/v1/consent/C00006", json={"fax": True}, headers=auth(keys["integrator"])).status_code == 422


def test_an_analyst_checks_a_models_fairness_and_the_owner_writes_the_notice(shop):
    path, keys = shop
    api = client(path)
    found = api.get("/api/v1/models/churn/fairness?by=gender&by=region&mitigate=demographic-parity&seed=3",
                    headers=auth(keys["analyst"]))
    assert found.status_code == 200, found.json()
    body = found.json()
    assert [a["attribute"] for a in body["audits"]] == ["gender", "region"] and len(body["mitigation"]) == 2
    assert body["audits"][0]["demographic_parity_difference"] is not None
    for bad in ("threshold=2", "mitigate=quotas", "seed=-1"):
        assert api.get(f"/api/v1/models/churn/fairness?{bad}", headers=auth(keys["analyst"])).status_code == 422
    unknown = api.get("/api/v1/models/clv/fairness", headers=auth(keys["analyst"]))
    assert unknown.status_code == 422 and "churn" in unknown.json()["error"]
    notice = api.post("/api/v1/privacy/disclosure", headers=auth(keys["owner"]))
    assert notice.status_code == 200 and notice.json()["text"].startswith("How we use your data")
    assert (path / "disclosure.html").exists()
