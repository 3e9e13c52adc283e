"""How texts read per period and theme, and the crisis watch on unhappy texts per source."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import ibis
import numpy as np

from regulars.metrics import (
    SOURCE_HISTORY_DAYS,
    alert_words,
    alerts_in,
    read_days,
    sentiment_by_period,
    theme_summary,
    unhappy_days,
)

START = date(2024, 1, 1)


def texts_table(rows):
    columns = ("source", "row_key", "kind", "written_at", "label", "sentiment", "theme", "text")
    return ibis.memtable({c: [r[i] for r in rows] for i, c in enumerate(columns)})


def text(i, day, label, kind="ticket", theme="parcel, late", words="my parcel is late"):
    score = {"negative": -0.6, "neutral": 0.0, "positive": 0.6}[label]
    return ("tickets" if kind == "ticket" else "feedback", f"k{i}", kind,
            datetime.combine(day, datetime.min.time()) + timedelta(hours=10), label, score, theme, words)


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
    assert [(a["about"], a["since"], a["direction"]) for a in found] == [("tickets", START + timedelta(days=110),
                                                                          "up")]
    words = alert_words(found[0], "Unhappy texts")
    assert words.startswith("Unhappy texts (tickets) up: 25 on 2024-04-20, where ") and "is usual" in words
