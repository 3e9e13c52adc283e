"""Pages become intent: a page view's address makes it the more telling event as it loads (the
seeds' comparison-page and FAQ cases), whichever way it arrives, and the starter plays act on it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from regulars import app
from regulars.errors import SettingsError
from tests.app.test_playbooks import _switch_on
from tests.conftest import query


def _views(customer: str, url: str, at: datetime, days: tuple[int, ...]) -> list[dict[str, str]]:
    return [{"customer_id": customer, "event_type": "page_view", "url": url,
             "occurred_at": (at - timedelta(days=d, hours=1)).isoformat()} for d in days]


def test_comparison_and_faq_pages_become_intent_and_their_plays_fire(bakery_run):
    cutoff = query(bakery_run, "SELECT max(cutoff) FROM runs")[0][0]
    at = datetime.fromisoformat(str(cutoff)[:10]) + timedelta(days=20, hours=10)  # three weeks without orders
    rows = (_views("c1", "https://bakery.example/compare/sourdough-vs-rye", at, (1, 3, 5))
            + _views("c2", "https://bakery.example/compare/sourdough-vs-rye", at, (1, 3))  # two: not yet
            + _views("c3", "https://bakery.example/compare/rye", at, (1, 3, 9))  # the third over a week ago
            + _views("c4", "https://bakery.example/FAQ/delivery", at, (1, 2, 4))
            + _views("c5", "https://bakery.example/collections/bread?sort=new", at, (1,)))
    app.record(bakery_run, "events", rows)
    typed = dict(query(bakery_run, "SELECT customer_id || ':' || event_type, count(*) FROM events WHERE url "
                                   "LIKE 'https://bakery.example/%' GROUP BY 1"))
    assert typed == {"c1:comparison_view": 3, "c2:comparison_view": 2, "c3:comparison_view": 3,
                     "c4:faq_view": 3, "c5:category_view": 1}  # any case; the category from its address
    assert query(bakery_run, "SELECT category FROM events WHERE customer_id = 'c5' AND url LIKE '%bread%'") == [
        ("bread",)]
    _switch_on(bakery_run, ("comparison-guide", "proactive-help"))
    actions = app.plan_playbooks(bakery_run, at=at).actions
    fired = {p: set(actions.loc[(actions["playbook"] == p) & (actions["status"] != "held back"), "customer_id"])
             for p in ("comparison-guide", "proactive-help")}
    assert fired == {"comparison-guide": {"c1"}, "proactive-help": {"c4"}}


def test_a_trigger_may_ask_for_a_page_and_the_rules_are_the_shop_s(bakery_run):
    settings = bakery_run / "regulars.toml"
    settings.write_text(settings.read_text().replace('comparison_view = ["*/compare*"',
                                                     'comparison_view = ["*/versus/*", "*/compare*"'))
    cutoff = query(bakery_run, "SELECT max(cutoff) FROM runs")[0][0]
    at = datetime.fromisoformat(str(cutoff)[:10]) + timedelta(days=20, hours=10)
    app.record(bakery_run, "events", _views("c1", "https://bakery.example/versus/a", at, (1,))
               + _views("c2", "https://bakery.example/wholesale/prices", at, (1, 2)))
    assert query(bakery_run, "SELECT event_type FROM events WHERE url LIKE '%versus%'") == [("comparison_view",)]
    path = bakery_run / "playbooks.yaml"
    path.write_text("playbooks:\n  trade:\n    trigger: {event: pricing_view, page: \"*/wholesale/*\", at_least: 2}\n"
                    "    action: {channel: task, template: t, owner: sales}\n"
                    "templates:\n  t: {body: 'Call {{ name }} about trade prices'}\n")
    actions = app.plan_playbooks(bakery_run, at=at).actions
    assert set(actions["customer_id"]) == {"c2"}
    with pytest.raises(SettingsError, match="the one part a pattern may name is {category}"):
        settings.write_text(settings.read_text().replace('"*/versus/*"', '"*/versus/{brand}"'))
        app.status(bakery_run)
