"""The voice of the customer end to end: texts read as they arrive, a crisis raised by a burst of
unhappy tickets and not by a source just added, and the listing an owner exports."""

from __future__ import annotations

import csv

from regulars import app
from tests.conftest import query


def test_a_burst_of_unhappy_tickets_raises_a_crisis_alert_and_new_reviews_do_not(demo_copy, tmp_path):
    last = query(demo_copy, "SELECT max(opened_at)::DATE FROM tickets")[0][0]
    burst = tmp_path / "burst.csv"
    burst.write_text("ticket_id,customer_id,opened_at,text\n" + "".join(
        f"X{i},C{i + 1:05d},{last} 1{i % 10}:00,My parcel never arrived and nobody answers. Still waiting!\n"
        for i in range(40)))
    reviews = tmp_path / "answers.csv"  # a survey tool connected today: ten days of mostly unhappy answers
    reviews.write_text("customer_id,submitted_at,kind,score,text\n" + "".join(
        f"C{i + 100:05d},{last.replace(day=last.day - i // 6)} 12:00,survey,1,Terrible. Stale bread and rude staff.\n"
        for i in range(60)))
    app.ingest(demo_copy, [burst], table="tickets")
    app.ingest(demo_copy, [reviews], table="feedback")
    result = app.run(demo_copy)
    crisis = [a for a in result.new_alerts if a["measure"] == "unhappy_texts"]
    # the tickets (and what the burst is about) rose on the last day; the new answers, in their
    # own series and in their themes', raised nothing
    assert ("tickets", "up", last) in [(a["about"], a["direction"], a["until"]) for a in crisis]
    assert {(a["direction"], a["since"], a["until"]) for a in crisis} == {("up", last, last)}
    assert not any(a["about"] == "survey answers" or "stale" in a["about"] for a in crisis)
    said = app.voice(demo_copy)
    assert any(a["measure"] == "unhappy_texts" and "Unhappy texts (tickets) up" in a["words"] for a in said.alerts)
    assert said.periods[-1]["negative"] >= 40 + 60


def test_texts_are_listed_and_exported_with_their_sentiment_and_theme(demo_copy, tmp_path):
    found = app.texts(demo_copy, source="feedback", limit=3)
    assert len(found.rows) == 3 and found.total > 3 and set(found.rows["source"]) == {"feedback"}
    assert sum(found.labels.values()) == found.total
    out = tmp_path / "texts.csv"
    from regulars.exports import write_safe_csv

    write_safe_csv(app.texts(demo_copy).rows, out)
    rows = list(csv.DictReader(out.open()))
    assert list(rows[0]) == ["source", "source_id", "customer_id", "customer", "written_at", "kind", "label",
                             "sentiment", "engine", "theme", "text"]
    assert {r["label"] for r in rows} == {"negative", "neutral", "positive"}
    assert sum(bool(r["theme"]) for r in rows) > 0.8 * len(rows)  # a text with none of the themes' words has none


def test_texts_read_per_source_channel_and_issue_type(workspace, write):
    tickets = ("ticket_id,customer_id,opened_at,channel,category,text\n"
               "1,c1,2024-03-01,email,delivery,Still waiting for my parcel\n"
               "2,c2,2024-03-02,chat,delivery,Parcel lost again\n"
               "3,c3,2024-03-03,email,billing,Thank you so much for the quick help\n")
    app.ingest(workspace, [write("t.csv", tickets)], table="tickets")
    app.ingest(workspace, [write("f.csv", "customer_id,submitted_at,kind,score,text\nc1,2024-03-04,review,5,Love it\n")],
               table="feedback")
    found = app.voice(workspace).by_group
    assert [(r["group"], r["texts"], r["negative"]) for r in found["source"]] == [("tickets", 3, 2), ("reviews", 1, 0)]
    assert {r["group"]: r["negative_share"] for r in found["channel"]} == {"email": 0.5, "chat": 1.0}
    assert {r["group"]: r["negative"] for r in found["issue type"]} == {"delivery": 2, "billing": 0}
