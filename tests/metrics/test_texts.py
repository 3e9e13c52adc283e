"""How texts read per period, theme, group and segment, and the crisis watch on unhappy texts
per source, theme and channel."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import ibis
import numpy as np

from regulars.metrics import (
    SOURCE_HISTORY_DAYS,
    alert_words,
    alerts_in,
    folded,
    read_days,
    sentiment_by,
    sentiment_by_period,
    sentiment_by_segment,
    text_filter,
    theme_summary,
    unhappy_days,
)

START = date(2024, 1, 1)


def texts_table(rows):
    columns = ("source", "row_key", "kind", "written_at", "label", "sentiment", "theme", "text", "channel",
               "customer_id", "product_id")
    return ibis.memtable({c: [r[i] for r in rows] for i, c in enumerate(columns)})


def text(i, day, label, kind="ticket", theme="parcel, late", words="my parcel is late", channel="email",
         customer="c1", product=None):
    score = {"negative": -0.6, "neutral": 0.0, "positive": 0.6}[label]
    return ("tickets" if kind == "ticket" else "feedback", f"k{i}", kind,
            datetime.combine(day, datetime.min.time()) + timedelta(hours=10), label, score, theme, words,
            channel if kind == "ticket" else None, customer, product)


def test_texts_per_period_and_themes_with_their_trend_and_examples():
    rows = [text(0, date(2024, 1, 5), "negative"), text(1, date(2024, 1, 20), "positive", theme="staff",
                                                        words="lovely staff"),
            text(2, date(2024, 2, 3), "negative"), text(3, date(2024, 2, 4), "neutral", words="parcel came")]
    t = texts_table(rows)
    months = sentiment_by_period(t, "month")
    assert [(m["period"], m["texts"], m["negative"], m["positive"]) for m in months] == [
        (date(2024, 1, 1), 2, 1, 1), (date(2024, 2, 1), 2, 1, 0)]
    assert months[1]["negative_share"] == 0.5 and months[1]["sentiment"] == -0.3
    themes = theme_summary(t, date(2024, 2, 4))
    assert [(h["theme"], h["texts"], h["negative"], h["recent"], h["negative_recent"]) for h in themes] == [
        ("parcel, late", 3, 2, 2, 1), ("staff", 1, 0, 1, 0)]
    assert [e["text"] for e in themes[0]["examples"]] == ["my parcel is late", "parcel came"]  # unhappy first, once


def test_a_burst_of_unhappy_tickets_is_an_alert_and_a_new_source_is_not():
    rng = np.random.default_rng(1)
    rows, i = [], 0
    for d in range(120):
        day = START + timedelta(days=d)
        unhappy = 25 if d == 110 else rng.poisson(1.5)
        for label in ["negative"] * unhappy + ["neutral"] * rng.poisson(4):
            rows.append(text(i, day, label))
            i += 1
        if d >= 110:  # reviews arrive only in the last ten days, many unhappy
            for label in ["negative"] * 6 + ["positive"] * 2:
                rows.append(text(i, day, label, kind="review"))
                i += 1
    found = []
    for about, unhappy, written in unhappy_days(texts_table(rows)):
        found += alerts_in("unhappy_texts", read_days(unhappy, written), about=about,
                           min_history=SOURCE_HISTORY_DAYS)
    # the tickets, their theme and their channel; the reviews' first weeks in none of them
    assert [(a["about"], a["since"], a["direction"]) for a in found] == [
        ("tickets", START + timedelta(days=110), "up"), ("about parcel, late", START + timedelta(days=110), "up"),
        ("through email", START + timedelta(days=110), "up")]
    assert [a["observed"] for a in found] == [25, 25, 25]
    words = alert_words(found[0], "Unhappy texts")
    assert words.startswith("Unhappy texts (tickets) up: 25 on 2024-04-20, where ") and "is usual" in words
    assert [text_filter(a["about"]) for a in found] == [("kind", ["ticket"]), ("theme", ["parcel, late"]),
                                                         ("channel", ["email"])]
    assert text_filter("NPS answers") == ("kind", ["nps"])
    # one burst, one line: the theme and the channel are said with their source's alert
    said = folded(found)
    assert [(a["about"], a["with"]) for a in said] == [("tickets", ["about parcel, late", "through email"])]
    assert alert_words(said[0], "Unhappy texts").endswith(
        "; those about parcel, late and those through email rose with them")
    alone = [found[2] | {"since": START, "until": START}]  # a channel's rise on days its source was ordinary
    assert folded(found[:1] + alone) == [found[0] | {"with": []}] + alone


def test_sentiment_per_product_and_per_segment_of_the_writer_as_resolved():
    day = date(2024, 3, 1)
    rows = [text(0, day, "negative", kind="review", product="P1", customer="a"),
            text(1, day, "negative", kind="review", product="P1", customer="b"),
            text(2, day, "positive", kind="review", product="P2", customer="b"),
            text(3, day, "positive", customer="a2"), text(4, day, "neutral", product=None, customer="z")]
    t = texts_table(rows)
    assert [(r["group"], r["texts"], r["negative_share"]) for r in sentiment_by(t, "product_id")] == [
        ("P1", 2, 1.0), ("P2", 1, 0.0)]
    assert [r["group"] for r in sentiment_by(t, "product_id", least=2)] == ["P1"]
    members = ibis.memtable({"run_id": ["r1", "r1", "r0"], "customer_id": ["a", "b", "z"],
                             "segments": [["loyal", "big spenders"], ["loyal"], ["loyal"]]})
    linked = ibis.memtable({"customer_id": ["a", "a2", "b", "z"], "resolved_id": ["a", "a", "b", "z"]})
    found = sentiment_by_segment(t, members, linked, "r1")
    # a2 is a: their ticket counts for a's segments; z is in no segment of run r1
    assert [(r["group"], r["texts"], r["negative"]) for r in found] == [("loyal", 4, 2), ("big spenders", 2, 1)]
