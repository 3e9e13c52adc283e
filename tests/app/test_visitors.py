"""Anonymous to known: a browser's id (GA4's user_pseudo_id, Matomo's visitor id, Segment's
anonymousId) is linked to the customer when a row or an identify names both; the visitor's
earlier page views are the customer's from then on, and never before (point in time)."""

from __future__ import annotations

from datetime import date

from regulars import app
from regulars.features import customer_features
from regulars.store import open_workspace
from tests.conftest import FIXTURES, query


def _features(workspace, cutoff: date) -> dict[str, dict]:
    with open_workspace(workspace).store(read_only=True) as store:
        frame = customer_features(store.feature_inputs(), cutoff).to_pandas()
    return frame.set_index("customer_id").to_dict("index")


def _page(who: dict, day: str, n: int, url: str = "https://bakery.example/compare/rye") -> dict:
    return {"type": "page", **who, "timestamp": f"2024-03-{day}T10:00:00Z", "messageId": f"m-{day}-{n}",
            "properties": {"url": url}}


def test_a_segment_identify_with_both_ids_makes_the_visitor_s_browsing_theirs_from_then(workspace):
    anonymous, other = {"anonymousId": "anon-1"}, {"anonymousId": "anon-2"}
    app.record_messages(workspace, [_page(anonymous, "01", 1), _page(anonymous, "02", 2), _page(anonymous, "03", 3),
                                    _page(other, "03", 4)])
    app.record_messages(workspace, [{"type": "identify", "userId": "u1", "anonymousId": "anon-1",
                                     "timestamp": "2024-03-10T09:00:00Z", "traits": {"email": "u1@example.com"}}])
    app.record_messages(workspace, [_page({"userId": "u1", "anonymousId": "anon-1"}, "12", 5)])
    assert query(workspace, "SELECT customer_id, resolved_id, matched_on, CAST(linked_at AS VARCHAR) FROM "
                            "customer_map WHERE matched_on <> 'self'") == [("anon-1", "u1", "visitor",
                                                                            "2024-03-10 09:00:00")]
    after = _features(workspace, date(2024, 3, 20))
    assert after["u1"]["web_visits_30d"] == 4  # three anonymous views and one signed in
    assert "anon-1" not in after and after["anon-2"]["web_visits_30d"] == 1
    # before the identify nobody knew anon-1 was u1: the views are the anonymous visitor's
    before = _features(workspace, date(2024, 3, 5))
    assert before["anon-1"]["web_visits_30d"] == 3
    assert before.get("u1", {}).get("web_visits_30d", 0) == 0


def test_a_ga4_export_where_user_id_appears_after_browsing(workspace, tmp_path):
    app.ingest(workspace, [FIXTURES / "ga4_events.csv"], preset_name="ga4-events")
    assert query(workspace, "SELECT visitor_id, customer_id, CAST(linked_at AS VARCHAR) FROM visitor_links") == [
        ("1234.5678", "ann.lee@example.com", "2024-06-01 10:02:00.5")]
    assert query(workspace, "SELECT resolved_id FROM customer_map WHERE customer_id = '1234.5678'") == [
        ("ann.lee@example.com",)]
    after = _features(workspace, date(2024, 6, 3))
    assert after["ann.lee@example.com"]["events_30d"] == 3 and "1234.5678" not in after
    assert after["9999.0001"]["events_30d"] == 1  # never identified: a visitor of its own
    # browsing one week, signing in the next: a cutoff between them sees an anonymous visitor
    week = 7 * 86400 * 10**6
    rows = ["event_timestamp,event_name,user_id,user_pseudo_id,platform"] + [
        f"{1717236000000000 + week + n * 60 * 10**6},page_view,,555.1,WEB" for n in range(3)] + [
        f"{1717236000000000 + 2 * week},login,bo@example.com,555.1,WEB"]
    (made := tmp_path / "ga4_later.csv").write_text("\n".join(rows) + "\n")
    app.ingest(workspace, [made], preset_name="ga4-events")
    between, later = _features(workspace, date(2024, 6, 10)), _features(workspace, date(2024, 6, 20))
    assert between["555.1"]["web_visits_30d"] == 3 and "bo@example.com" not in between
    assert later["bo@example.com"]["web_visits_30d"] == 4 and "555.1" not in later
    # undoing the load takes the link with it
    for batch, in query(workspace, "SELECT batch_id FROM batches ORDER BY seq DESC"):
        app.undo(workspace, batch)
    assert query(workspace, "SELECT count(*) FROM visitor_links") == [(0,)]
    assert query(workspace, "SELECT count(*) FROM identity_links") == [(0,)]
