"""The FAQ assistant through the application: a paraphrased question finds its answer, an
unrelated or angry one goes to a person as a task; every question is kept, and an answered one
counts as resolved only when no ticket follows."""

from __future__ import annotations

from datetime import datetime

import pytest

from regulars import app
from regulars.errors import InsufficientDataError, SettingsError
from tests.conftest import query

FAQ = """\
- question: How long does delivery take?
  answer: Orders arrive in 2-4 working days in the UK; we email the tracking link when the parcel ships.
  links: [https://shop.example.com/delivery]
- question: Can I return an item?
  answer: Yes - return anything unworn within 30 days for a full refund; print the label from your account.
- question: Do you ship abroad?
  answer: We ship to the EU and the US; international shipping costs 9.95 and takes 5-10 days.
- question: How do I change my size?
  answer: Exchanges are free - start one from your order page.
- question: Which payment methods do you take?
  answer: Cards, PayPal and Apple Pay.
"""


def test_a_paraphrase_is_answered_and_the_rest_go_to_a_person(workspace, write):
    with pytest.raises(InsufficientDataError, match="no FAQ yet"):
        app.ask(workspace, "when will my parcel arrive")
    (workspace / "faq.yaml").write_text(FAQ)
    app.ingest(workspace, [write("c.csv", "customer_id,name\nann,Ann\nbob,Bob\n")], table="customers")
    at = datetime(2024, 3, 1, 10)
    for asked, entry in (("When will my parcel arrive?", "How long does delivery take?"),
                         ("I'd like my money back", "Can I return an item?"),
                         ("Can I pay with PayPal?", "Which payment methods do you take?")):
        said = app.ask(workspace, asked, customer_id="ann", at=at)
        assert not said.handed_over and said.matched == entry and said.confidence >= 0.5, asked
    assert said.answer == "Cards, PayPal and Apple Pay."
    assert app.ask(workspace, "When will my parcel arrive?", at=at).links == ["https://shop.example.com/delivery"]
    off_topic = app.ask(workspace, "What do you think about the election?", customer_id="bob", at=at)
    angry = app.ask(workspace, "My parcel is late again, this is a disgrace and nobody answers", customer_id="bob",
                    at=at)
    assert off_topic.handed_over and off_topic.answer is None and "not sure enough" in off_topic.why
    assert angry.handed_over and "unhappy" in angry.why
    tasks = query(workspace, "SELECT customer_id, channel, owner, status, body FROM outbox ORDER BY body")
    assert [t[:4] for t in tasks] == [("bob", "task", "support", "queued")] * 2
    assert 'A customer asked: "My parcel is late again' in tasks[0][4] and "Nearest FAQ answer" in tasks[0][4]
    # ann answered three times, then opens a ticket on the next day: one of her answers is not resolved...
    app.ingest(workspace, [write("t.csv", "ticket_id,customer_id,opened_at\nT1,ann,2024-03-02 09:00\n")],
               table="tickets")
    found = app.faq(workspace)
    assert (found.entries, found.asked, found.answered, found.handed_over) == (5, 6, 4, 2)
    assert (found.answered_known, found.resolved) == (3, 0)  # ann's three answers were followed by a ticket
    assert [q["question"] for q in found.handed_over_questions][0].startswith(("My parcel", "What do you"))
    with pytest.raises(SettingsError, match="empty"):
        app.ask(workspace, "   ")
    (workspace / "faq.yaml").write_text("- question: Only a question\n")
    with pytest.raises(SettingsError, match="entry 1 needs a question and an answer"):
        app.ask(workspace, "anything")
    assert query(workspace, "SELECT count(*) FROM faq_questions") == [(6,)]
