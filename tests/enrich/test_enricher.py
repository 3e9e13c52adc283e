"""The enricher seam: each row of a table's text read once per enricher version, stored by its key."""

from __future__ import annotations

import pytest

from regulars import app
from regulars.enrich import TextSize
from regulars.store import enrichments, open_workspace, stored_texts

TICKETS = """ticket_id,customer_id,opened_at,text
T1,c1,2024-01-02,My parcel never arrived
T2,c2,2024-01-03,
T3,c1,2024-01-05,Thanks for the quick refund
"""
FEEDBACK = """customer_id,submitted_at,kind,score,text
c1,2024-02-01,review,5,Lovely bread
c2,2024-02-02,nps,3,
"""


def stored(workspace, table):
    with open_workspace(workspace).store(read_only=True) as store:
        frame = enrichments(store, "text_size", table)
    return {k: (n[0], w[0]) for k, n, w in zip(frame["row_key"], frame["numbers"], frame["words"], strict=True)}


def sizes():
    return [TextSize("tickets"), TextSize("feedback")]


def test_each_row_is_enriched_once_by_its_key_and_again_by_a_new_version(workspace, write):
    app.ingest(workspace, [write("tickets.csv", TICKETS)], table="tickets")
    app.ingest(workspace, [write("feedback.csv", FEEDBACK)], table="feedback")
    first = app.enrich(workspace, sizes()).enrichers
    assert [(e["table"], e["enriched"], e["already"]) for e in first] == [("tickets", 3, 0), ("feedback", 2, 0)]
    assert stored(workspace, "tickets") == {"T1": (4.0, "yes"), "T2": (0.0, "no"), "T3": (5.0, "yes")}
    assert sorted(stored(workspace, "feedback").values()) == [(0.0, "no"), (2.0, "yes")]

    assert [e["enriched"] for e in app.enrich(workspace, sizes()).enrichers] == [0, 0]  # nothing new: nothing read
    app.ingest(workspace, [write("more.csv", "ticket_id,customer_id,opened_at,text\nT4,c3,2024-03-01,Hi\n")],
               table="tickets")
    assert [e["enriched"] for e in app.enrich(workspace, sizes()).enrichers] == [1, 0]

    class Longer(TextSize):
        version = "2"

    again = app.enrich(workspace, [Longer("tickets")]).enrichers
    assert again == [{"enricher": "text_size", "table": "tickets", "version": "2", "enriched": 4, "already": 0}]
    assert len(stored(workspace, "tickets")) == 4  # the older version's rows were replaced, not doubled


def test_a_table_without_text_cannot_be_enriched():
    with pytest.raises(ValueError, match="'orders' has no text to enrich"):
        TextSize("orders")


def test_by_default_every_text_gets_its_sentiment_and_the_texts_view_shows_it(workspace, write):
    app.ingest(workspace, [write("tickets.csv", TICKETS)], table="tickets")
    app.ingest(workspace, [write("feedback.csv", FEEDBACK)], table="feedback")
    result = app.enrich(workspace)
    assert [(e["enricher"], e["table"], e["enriched"]) for e in result.enrichers] == [
        ("sentiment", "tickets", 3), ("sentiment", "feedback", 2), ("theme", "tickets", 3), ("theme", "feedback", 2)]
    assert result.check["engine"] == "lexicon"  # two rated texts: nothing to learn from yet
    with open_workspace(workspace).store(read_only=True) as store:
        texts = stored_texts(store)
    said = dict(zip(texts["text"], texts["label"], strict=True))
    assert said == {"My parcel never arrived": "negative", "Thanks for the quick refund": "positive",
                    "Lovely bread": "positive"}  # empty texts are no texts
    assert set(texts["engine"]) == {"lexicon"}
    assert texts.loc[texts["source"] == "tickets", "source_id"].tolist() == ["T3", "T1"]  # newest first
    assert set(texts["theme"].isna()) == {True}  # three texts make no themes
    assert [e["enriched"] for e in app.enrich(workspace).enrichers] == [0, 0, 0, 0]
