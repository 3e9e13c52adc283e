"""The page-view snippet and what it sends: served without a key, first-party (it talks only
to this server), and a page view with a site key is stored as the visitor's event; one sent
while someone is signed in links the visitor to them. A site key may do nothing else."""

from __future__ import annotations

import json

import pytest

from tests.api.conftest import auth, client
from tests.conftest import query, snapshot

VIEW = {"anonymousId": "3f2a9c1e-0000-4000-8000-000000000001", "url": "https://shop.example/compare/a-vs-b",
        "title": "A or B?", "referrer": None, "timestamp": "2024-12-29T10:00:00Z", "messageId": "pv-1"}


def _send(api, body: dict | str):
    text = body if isinstance(body, str) else json.dumps(body)
    return api.post("/api/v1/collect", content=text, headers={"Content-Type": "text/plain"})


def test_the_snippet_is_served_without_a_key_and_talks_only_to_this_server(shop):
    path, _ = shop
    answer = client(path).get("/api/v1/snippet.js")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/javascript")
    script = answer.text
    assert '"http://testserver/api/v1/collect"' in script and "sendBeacon" in script
    assert "globalPrivacyControl" in script and "rg_vid" in script
    addresses = {w for w in script.replace('"', " ").split() if "//" in w}
    assert addresses == {"http://testserver/api/v1/collect"}  # no third-party code or address


def test_a_page_view_is_the_visitor_s_until_they_sign_in(shop):
    path, keys = shop
    api = client(path)
    assert _send(api, VIEW | {"key": keys["site"]}).status_code == 204
    assert _send(api, VIEW | {"key": keys["site"]}).status_code == 204  # sent twice: stored once
    assert query(path, "SELECT customer_id, event_type, url, title, channel FROM events WHERE event_id = 'pv-1'") == [
        (VIEW["anonymousId"], "comparison_view", VIEW["url"], "A or B?", "web")]  # the page rules typed it
    signed_in = VIEW | {"key": keys["site"], "userId": "C00001", "messageId": "pv-2",
                        "timestamp": "2024-12-30T10:00:00Z"}
    assert _send(api, signed_in).status_code == 204
    assert query(path, f"SELECT resolved_id, matched_on FROM customer_map WHERE customer_id = '{VIEW['anonymousId']}'"
                 ) == [("C00001", "visitor")]


@pytest.mark.parametrize("body, status, words", [
    ("not json", 422, "not a page view"),
    ({**VIEW, "key": "rk_0000_wrong"}, 401, "site key"),
    ({**VIEW}, 422, "key"),
    ({**VIEW, "url": "javascript:alert(1)", "key": "SITE"}, 422, "url"),
    ({**VIEW, "anonymousId": "<script>", "key": "SITE"}, 422, "anonymousId"),
    ({**VIEW, "extra": 1, "key": "SITE"}, 422, "extra"),
    ({**VIEW, "title": "x" * 20_000, "key": "SITE"}, 422, "bytes"),
])
def test_a_bad_page_view_is_refused_in_words_and_stores_nothing(shop, body, status, words):
    path, keys = shop
    if isinstance(body, dict) and body.get("key") == "SITE":
        body = body | {"key": keys["site"]}
    before = snapshot(path)
    answer = _send(client(path), body)
    assert answer.status_code == status and words in answer.json()["error"], answer.json()
    assert snapshot(path) == before


def test_a_site_key_may_do_nothing_but_send_page_views(shop):
    path, keys = shop
    api = client(path)
    event = {"customer_id": "C00001", "event_type": "page_view", "occurred_at": "2024-12-30T10:00:00Z"}
    for method, route in (("get", "/api/v1/status"), ("get", "/api/v1/customers"), ("post", "/api/v1/events")):
        answer = getattr(api, method)(route, headers=auth(keys["site"]), **({"json": event} if method == "post" else {}))
        assert answer.status_code == 403 and "site key" in answer.json()["error"], (route, answer.json())
