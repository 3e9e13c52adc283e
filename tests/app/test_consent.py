"""Consent as a history: every change kept with its time and source, the latest one winning
everywhere (planning, delivery, an access request), from imports, unsubscribe events, the
owner, the API and the preference page a message links to; profiling refused means not scored."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from regulars import app
from regulars.errors import SettingsError
from regulars.store import delivery_contacts, open_workspace, playbook_inputs
from tests.conftest import query

CUSTOMERS = ("customer_id,email,name,created_at,consent_email\n"
             "k1,ann@example.com,Ann Lee,2024-01-01,yes\nk2,bo@example.com,Bo Park,2024-01-01,yes\n")
#: a second source (Mailchimp's activity export) saying Ann unsubscribed later
UNSUBSCRIBED = "customer_id,occurred_at,event_type\nk1,2024-06-01,email_unsubscribe\n"


@pytest.fixture
def shop(workspace, tmp_path):
    (tmp_path / "customers.csv").write_text(CUSTOMERS)
    (tmp_path / "events.csv").write_text(UNSUBSCRIBED)
    app.ingest(workspace, [tmp_path / "customers.csv"], table="customers")
    app.ingest(workspace, [tmp_path / "events.csv"], table="events")
    return workspace


def _now_says(workspace, customer_id: str) -> dict[str, object]:
    with open_workspace(workspace).store(read_only=True) as store:
        planner = playbook_inputs(store, None, datetime(2030, 1, 1))["profile"].set_index("customer_id")
        delivery = delivery_contacts(store, [customer_id]).set_index("customer_id")
    return {"planning": planner.loc[customer_id, "consent_email"], "delivery": delivery.loc[customer_id, "consent_email"],
            "access": next(r for p in app.customer_data(workspace, customer_id).document["held"] if p["name"] == "consent_now"
                           for r in p["rows"] if r["topic"] == "email")["granted"]}


def test_a_later_unsubscribe_from_a_second_source_wins_everywhere(shop, tmp_path):
    ann = app.consent(shop, "k1")
    assert ann.now["email"] is False
    assert [(h["granted"], h["source"], h["changed_at"][:10]) for h in ann.history] == [
        (False, "import", "2024-06-01"), (True, "import", "2024-01-01")]
    assert "email unsubscribe in events.csv" in ann.history[0]["detail"]
    assert _now_says(shop, "k1") == {"planning": False, "delivery": False, "access": False}
    assert _now_says(shop, "k2") == {"planning": True, "delivery": True, "access": True}
    # the same export again (its yes is what it said before): not a new answer, the unsubscribe stands
    (tmp_path / "customers-again.csv").write_text(CUSTOMERS + "k3,cy@example.com,Cy,2024-02-01,no\n")
    app.ingest(shop, [tmp_path / "customers-again.csv"], table="customers", mode="upsert")
    assert app.consent(shop, "k1").now["email"] is False
    # she says yes again on her preference page: the latest answer wins everywhere
    token = app.consent(shop, "k1").preferences_link.rsplit("/", 1)[1]
    saved = app.preferences(shop, token, {"email": "yes", "surveys": "yes"})
    assert saved.made == 4 and saved.now == {"email": True, "sms": False, "profiling": False, "surveys": True}
    assert _now_says(shop, "k1") == {"planning": True, "delivery": True, "access": True}
    assert [h["source"] for h in app.consent(shop, "k1").history][:4] == ["preference page"] * 4


def test_the_owner_and_the_api_record_answers_once(shop):
    first = app.set_consent(shop, "bo@example.com", {"sms": "no", "profiling": "yes"}, detail="told us in the shop")
    assert first.made == 2 and first.now["sms"] is False and first.history[0]["source"] == "owner"
    again = app.set_consent(shop, "k2", {"sms": False}, source="api")
    assert again.made == 0  # already their answer: no new entry
    with pytest.raises(SettingsError, match="say yes or no"):
        app.set_consent(shop, "k2", {"sms": "maybe"})
    with pytest.raises(SettingsError, match="no consent topic 'fax'"):
        app.set_consent(shop, "k2", {"fax": "yes"})
    assert query(shop, "SELECT count(*) FROM consent_changes WHERE customer_id = 'k2'")[0][0] == 3


def test_an_unsubscribe_link_asks_then_records_a_no(shop):
    from regulars.store import survey_secret
    from regulars.privacy import sign_person_link
    from datetime import date

    with open_workspace(shop).store() as store:
        secret = survey_secret(store)
    token = sign_person_link(secret, "unsub-email", "k2", date(2099, 1, 1))
    asked = app.unsubscribe(shop, token, confirm=False)
    assert asked.made == 0 and asked.now["email"] is True and "marketing email" in asked.done
    done = app.unsubscribe(shop, token, confirm=True)
    assert done.made == 1 and done.now["email"] is False and done.history[0]["source"] == "unsubscribe link"
    from regulars.errors import ClosedError, NotFoundError

    with pytest.raises(NotFoundError):
        app.unsubscribe(shop, token[:-3] + "abc", confirm=True)  # altered
    with pytest.raises(NotFoundError):
        app.preferences(shop, sign_person_link("another shop's secret", "prefs", "k2", date(2099, 1, 1)))
    with pytest.raises(ClosedError):
        app.preferences(shop, sign_person_link(secret, "prefs", "k2", date(2020, 1, 1)))


def test_no_to_profiling_means_not_scored(shop, tmp_path):
    orders = "order_id,customer_id,ordered_at,amount\n" + "".join(
        f"o{i},{'k1' if i % 2 else 'k2'},2024-0{1 + i % 8}-1{i % 9},{10 + i}\n" for i in range(40))
    (tmp_path / "orders.csv").write_text(orders)
    app.ingest(shop, [tmp_path / "orders.csv"], table="orders")
    app.set_consent(shop, "k1", {"profiling": "no"})
    with open_workspace(shop).store(read_only=True) as store:
        inputs = store.feature_inputs()
        assert set(inputs["orders"].customer_id.to_pyarrow().to_pylist()) == {"k2"}
        assert set(inputs["customers"].resolved_id.to_pyarrow().to_pylist()) == {"k2"}
        assert store.not_profiled() == 1


def test_every_message_carries_its_links():
    from regulars.app._outbox import with_footer

    links = {"preferences": "https://shop/preferences/p", "unsubscribe": "https://shop/unsubscribe/u"}
    email = with_footer("Hello", "email", links)
    assert email.startswith("Hello\n\n--\n") and re.search(r"Unsubscribe: https://shop/unsubscribe/u$", email)
    assert "https://shop/preferences/p" in email and "https://shop/unsubscribe/u" in with_footer("Hi", "sms", links)
    assert with_footer("Call them", "task", links) == "Call them"
