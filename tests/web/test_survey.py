"""The survey page a customer opens from the message, and the same answer by the API: no
sign-in, one answer per link, a clear page when the link is made up or used."""

from __future__ import annotations

from tests.app.test_surveys import surveyed
from tests.conftest import query
from tests.web.test_pages import site


def test_the_survey_page_asks_once_without_signing_in(demo_copy):
    tokens = surveyed(demo_copy)
    browser = site(demo_copy)  # not signed in
    asked = browser.get(f"/survey/{tokens[0]}")
    assert asked.status_code == 200 and "recommend us to a friend" in asked.text
    assert asked.text.count('type="radio" name="score"') == 11 and "0 is not at all likely" in asked.text
    assert asked.headers["cache-control"] == "no-store"
    missing = browser.post(f"/survey/{tokens[0]}", data={"comment": "no score"})
    assert missing.status_code == 422 and "choose a score from 0 to 10" in missing.text
    done = browser.post(f"/survey/{tokens[0]}", data={"score": "9", "comment": "<b>great</b>"})
    assert done.status_code == 200 and "Thank you" in done.text
    again = browser.post(f"/survey/{tokens[0]}", data={"score": "0"})
    assert again.status_code == 410 and "This survey is closed" in again.text and "answered already" in again.text
    made_up = browser.get(f"/survey/{tokens[0][:-2]}xx")
    assert made_up.status_code == 404 and "This link does not work" in made_up.text
    assert query(demo_copy, "SELECT text FROM feedback WHERE kind = 'nps' AND text = '<b>great</b>'") == [
        ("<b>great</b>",)]  # kept as written; a page shows it as text

    api = site(demo_copy)
    question = api.get(f"/api/v1/surveys/{tokens[1]}")
    assert question.status_code == 200 and question.json()["high"] == 10
    answered = api.post(f"/api/v1/surveys/{tokens[1]}", json={"score": 6})
    assert answered.status_code == 201 and answered.json()["survey"] == "nps"
    twice = api.post(f"/api/v1/surveys/{tokens[1]}", json={"score": 6})
    assert twice.status_code == 410 and "answered already" in twice.json()["error"]
    assert api.post(f"/api/v1/surveys/{tokens[2]}", json={"score": "lots"}).status_code == 422
    assert api.post("/api/v1/surveys/forged", json={"score": 6}).status_code == 404
    assert api.get("/api/v1/surveys").status_code == 401  # the results need a key


def test_the_voice_page_shows_the_surveys_sent_and_their_score(demo_copy):
    from tests.web.test_pages import signed_in

    empty = signed_in(demo_copy).get("/voice")
    assert "No surveys sent yet" in empty.text and "{{ survey_link }}" in empty.text
    tokens = surveyed(demo_copy)
    from regulars import app

    app.answer_survey(demo_copy, tokens[0], 10)
    shown = signed_in(demo_copy).get("/voice")
    row = shown.text.split('id="surveys"')[1].split("</tbody>")[0]
    assert "<td>NPS</td>" in row and f">{len(tokens):,}<" in row and ">1<" in row and ">100.0<" in row


def test_the_voice_page_says_how_the_faq_assistant_served(demo_copy):
    from regulars import app
    from tests.web.test_pages import signed_in

    assert "No FAQ yet" in signed_in(demo_copy).get("/voice").text
    (demo_copy / "faq.yaml").write_text("- question: How long does delivery take?\n")
    broken = signed_in(demo_copy).get("/voice")
    assert broken.status_code == 200 and "The FAQ cannot be read" in broken.text and "entry 1 needs" in broken.text
    (demo_copy / "faq.yaml").write_text("- question: How long does delivery take?\n  answer: Two to four days.\n")
    app.ask(demo_copy, "When will my parcel arrive?", customer_id="C00001")
    app.ask(demo_copy, "<script>alert(1)</script> what about the election", customer_id="C00002")
    shown = signed_in(demo_copy).get("/voice").text.split('id="faq"')[1]
    assert "1 entry. 2 questions asked: 1 answered, 1 handed to a person" in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown and "<script>alert" not in shown


def test_the_help_page_answers_suggests_and_hands_over_without_signing_in(demo_copy):
    from regulars.web import _help

    (demo_copy / "faq.yaml").write_text("- question: How long does delivery take?\n  answer: Two to four days.\n"
                                        "  links: [https://shop.example.com/delivery]\n")
    browser = site(demo_copy)
    suggested = browser.get("/help", params={"q": "Delivery times | Our shop"})
    assert suggested.status_code == 200 and "You may be wondering" in suggested.text and "Two to four days" in suggested.text
    assert query(demo_copy, "SELECT count(*) FROM faq_questions") == [(0,)]  # a suggestion keeps nothing
    answered = browser.post("/help", data={"question": "when will my parcel arrive?"})
    assert answered.status_code == 200 and "Two to four days" in answered.text
    handed = browser.post("/help", data={"question": "do you sell gift cards for weddings", "contact": "a@b.example"})
    assert "A person from our team will answer you at a@b.example" in handed.text
    assert query(demo_copy, "SELECT channel, body LIKE '%Reply to: a@b.example%' FROM outbox "
                            "WHERE playbook = 'faq assistant'") == [("task", True)]
    assert browser.post("/help", data={"question": "  "}).status_code == 422
    _help._asked["testclient"].extend([1e18] * _help.PER_HOUR)  # this address has asked its fill this hour
    try:
        assert browser.post("/help", data={"question": "delivery?"}).status_code == 429
    finally:
        _help._asked.clear()
    snippet = browser.get("/api/v1/snippet.js").text
    assert 'data.help !== "on"' in snippet and "/help?q=" in snippet


def test_the_preference_page_shows_and_saves_choices_without_signing_in(demo_copy):
    from regulars import app

    link = app.consent(demo_copy, "C00005").preferences_link
    token = link.rsplit("/", 1)[1]
    browser = site(demo_copy)  # not signed in
    shown = browser.get(f"/preferences/{token}")
    assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
    assert shown.text.count('type="checkbox"') == 4 and "Your choices" in shown.text
    saved = browser.post(f"/preferences/{token}", data={"email": "yes", "profiling": "yes"})
    assert saved.status_code == 200 and "Your choices are saved." in saved.text
    assert "(on this page)" in saved.text  # the history shows where each answer came from
    assert app.consent(demo_copy, "C00005").now == {"email": True, "sms": False, "profiling": True, "surveys": False}
    forged = browser.get(f"/preferences/{token[:-4]}abcd")
    assert forged.status_code == 404 and "This link does not work" in forged.text
    unsub = token.replace("prefs.", "unsub-email.", 1)  # re-labelled: its signature no longer fits
    assert browser.post(f"/unsubscribe/{unsub}").status_code == 404


def test_a_mail_programs_one_click_unsubscribe_is_recorded(demo_copy):
    """RFC 8058: the mail program POSTs List-Unsubscribe=One-Click to the message's link."""
    from regulars import app
    from regulars.app._consent import message_links
    from regulars.app._outbox import with_footer
    from regulars.outbox import build_email
    from regulars.store import open_workspace

    app.set_consent(demo_copy, "C00011", {"email": "yes"})
    workspace = open_workspace(demo_copy)
    with workspace.store() as store:
        links = message_links(workspace, store)("C00011", "email")
    link = links["unsubscribe"]
    body = with_footer("Hello", "email", links)
    message = build_email("shop@example.com", "c11@example.com", "Hi", body, "k1")
    assert message["List-Unsubscribe"] == f"<{link}>"
    path = "/" + link.split("/", 3)[3]
    browser = site(demo_copy)
    left = browser.post(path, content=b"List-Unsubscribe=One-Click",
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert left.status_code == 200
    assert app.consent(demo_copy, "C00011").now["email"] is False
    assert app.consent(demo_copy, "C00011").history[0]["source"] == "unsubscribe link"


def test_a_customers_page_shows_their_choices_now_and_gives_the_owner_their_data(demo_copy):
    from regulars import app
    from tests.web.test_pages import signed_in

    app.set_consent(demo_copy, "C00012", {"email": "no"}, detail="asked at the till")
    owner = signed_in(demo_copy)
    shown = owner.get("/customers/C00012").text
    assert "Marketing email</dt><dd>said no" in shown and "Profiling</dt><dd>not asked" in shown and "asked at the till" in shown
    data = owner.get("/customers/C00012/data.html")
    assert data.status_code == 200 and 'filename="data-of-C00012.html"' in data.headers["content-disposition"]
    assert "C00012" in data.text and data.headers["cache-control"] == "no-store"
    reader = signed_in(demo_copy, app.create_key(demo_copy, "viewer", "read-only").key)
    assert "Everything we hold about them" not in reader.get("/customers/C00012").text
    assert reader.get("/customers/C00012/data.html").status_code == 403


def test_the_models_page_shows_what_group_thresholds_would_do(demo_copy):
    from tests.web.test_pages import form_token, signed_in

    owner = signed_in(demo_copy)
    models = owner.get("/models").text
    assert "Fairness, picking at 40% as the playbook churn-nurture does" in models
    shown = owner.post("/models/fairness", data={"token": form_token(models), "model": "churn", "by": "region",
                                                 "mitigate": "demographic-parity", "seed": "1"})
    assert shown.status_code == 200 and "Group thresholds for churn" in shown.text
    assert "By region" in shown.text and ("Narrows the gap" in shown.text or "Not worth adopting" in shown.text)
    assert shown.text.count("<tr><td>") >= 6 + 3  # six regions, then the three measures
    again = owner.post("/models/fairness", data={"token": form_token(models), "model": "churn", "by": "region",
                                                 "mitigate": "demographic-parity", "seed": "1"})
    assert again.text == shown.text  # the same seed, the same answer
    bad = owner.post("/models/fairness", data={"token": form_token(models), "model": "churn", "by": "region",
                                               "mitigate": "quotas"})
    assert bad.status_code == 422 and "mitigate" in bad.text
    forged = owner.post("/models/fairness", data={"token": "nope", "model": "churn", "by": "region"})
    assert forged.status_code in (403, 422)
