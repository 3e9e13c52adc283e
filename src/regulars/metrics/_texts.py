"""How what customers wrote reads, per period and theme: texts and their labels, the mean
sentiment (-1 to 1), and each theme's size, unhappy share and trend (the last four weeks against
the four before), from the ``texts`` view the enrichers fill."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir

from regulars.metrics._query import rows

__all__ = ["SOURCE_HISTORY_DAYS", "TREND_DAYS", "sentiment_by", "sentiment_by_period", "sentiment_by_segment", "text_filter", "theme_summary", "unhappy_days"]

#: A theme's trend compares the texts of the last this many days with the same span before.
TREND_DAYS = 28
#: Days of a source's texts before its unhappy ones can be judged: a source just added has no
#: usual level yet, and a first month of reviews is no crisis.
SOURCE_HISTORY_DAYS = 28
#: How each source of texts is named in an alert.
_SOURCE_WORDS = {"ticket": "tickets", "review": "reviews", "nps": "NPS answers", "csat": "CSAT answers",
                 "ces": "CES answers", "survey": "survey answers"}


def text_filter(about: str) -> tuple[str, list[str]]:
    """Which texts an ``unhappy_days`` series holds, as (column of ``texts``, values): a theme
    ("about late delivery"), a channel ("through chat"), or a source ("tickets" -> the kind
    "ticket"; a kind with no name of its own is its own name)."""
    for prefix, column in (("about ", "theme"), ("through ", "channel")):
        if about.startswith(prefix):
            return column, [about.removeprefix(prefix)]
    return "kind", [kind for kind, name in _SOURCE_WORDS.items() if name == about] or [about]


def unhappy_days(texts: ir.Table) -> list[tuple[str, dict[date, float], dict[date, float]]]:
    """Per source of texts (tickets, reviews, each kind of survey answer), per theme ("about
    ...") and per channel ("through ..."): its name, its unhappy texts per day, and all its texts
    per day (the days it was written to). Each source is watched on its own, so one just added
    does not read as a crisis in the others; a source's first ``SOURCE_HISTORY_DAYS`` days are
    left out of the themes and channels for the same reason."""
    t = texts.filter(texts.label.notnull())
    t = t.mutate(day=t.written_at.date(), unhappy=(t.label == "negative").cast("int64"))
    found = _daily(t, t.kind, lambda kind: _SOURCE_WORDS.get(kind, kind))
    first = t.group_by("kind").aggregate(first_day=t.day.min())
    settled = t.join(first, "kind")
    settled = settled.filter(settled.day >= settled.first_day + ibis.interval(days=SOURCE_HISTORY_DAYS))
    found += _daily(settled, settled.theme, "about {}".format)
    found += _daily(settled, settled.channel, "through {}".format)
    return found


def _daily(t: ir.Table, by: ir.Column, name: Any) -> list[tuple[str, dict[date, float], dict[date, float]]]:
    """Per value of ``by`` (named by ``name``): its unhappy texts and all its texts per day."""
    found: dict[str, tuple[dict[date, float], dict[date, float]]] = {}
    t = t.filter(by.notnull()).mutate(group=by.cast("string"))
    for r in rows(t.group_by(["group", "day"]).aggregate(n=t.count(), unhappy=t.unhappy.sum())
                  .order_by(["group", "day"])):
        unhappy, written = found.setdefault(name(r["group"]), ({}, {}))
        unhappy[r["day"]] = float(r["unhappy"])
        written[r["day"]] = float(r["n"])
    return [(about, unhappy, written) for about, (unhappy, written) in found.items()]


def sentiment_by(texts: ir.Table, column: str, least: int = 1) -> list[dict[str, Any]]:
    """Per value of ``column`` (channel, topic, kind, product_id), most texts first: texts read,
    the negative share and the mean score (texts without a value, such as a review's channel,
    are left out, and so are values with fewer than ``least`` texts)."""
    t = texts.filter(texts.label.notnull() & texts[column].notnull())
    found = _read_per_group(t.mutate(group=t[column].cast("string")), least)
    if column == "kind":
        for r in found:
            r["group"] = _SOURCE_WORDS.get(r["group"], r["group"])
    return found


def sentiment_by_segment(texts: ir.Table, members: ir.Table, customer_map: ir.Table, run_id: str,
                         least: int = 1) -> list[dict[str, Any]]:
    """Per segment of run ``run_id`` (``segment_members``), most texts first, as ``sentiment_by``:
    each text counts in every segment its writer (as identity resolution knows them) is in."""
    t = texts.filter(texts.label.notnull() & texts.customer_id.notnull())
    known = customer_map.select("customer_id", "resolved_id")
    t = t.left_join(known, "customer_id").mutate(person=ibis.coalesce(ibis._.resolved_id, ibis._.customer_id))
    inside = members.filter(members.run_id == run_id)
    inside = inside.select(member=inside.customer_id, group=inside.segments.unnest())
    return _read_per_group(t.join(inside, t.person == inside.member), least)


def _read_per_group(t: ir.Table, least: int) -> list[dict[str, Any]]:
    """Texts, negative ones, the negative share and the mean score per ``group``."""
    found = rows(t.group_by("group").aggregate(texts=t.count(), negative=t.count(where=t.label == "negative"),
                                               sentiment=t.sentiment.mean())
                 .filter(ibis._.texts >= least).order_by([ibis.desc("texts"), "group"]))
    for r in found:
        r["negative_share"] = r["negative"] / r["texts"]
        r["sentiment"] = round(r["sentiment"], 3)
    return found


def sentiment_by_period(texts: ir.Table, unit: str) -> list[dict[str, Any]]:
    """Per period start (truncated by ``unit``), oldest first: texts read, how many are negative,
    neutral and positive, the negative share and the mean score."""
    t = texts.filter(texts.label.notnull())
    t = t.mutate(period=t.written_at.truncate(unit).cast("date"))
    found = rows(t.group_by("period").aggregate(
        texts=t.count(), negative=t.count(where=t.label == "negative"), neutral=t.count(where=t.label == "neutral"),
        positive=t.count(where=t.label == "positive"), sentiment=t.sentiment.mean()).order_by("period"))
    for r in found:
        r["negative_share"] = r["negative"] / r["texts"]
        r["sentiment"] = round(r["sentiment"], 3)
    return found


def theme_summary(texts: ir.Table, last_day: date, examples: int = 2) -> list[dict[str, Any]]:
    """Per theme, largest first: its texts, the negative share, its texts (and negative ones) in
    the last ``TREND_DAYS`` days to ``last_day`` and its texts in the same span before, and ``examples`` of its texts (the newest
    unhappy ones first, then the newest), each with its label and date."""
    t = texts.filter(texts.theme.notnull() & texts.label.notnull())
    end = ibis.timestamp(last_day + timedelta(days=1))
    recent = t.written_at >= end - ibis.interval(days=TREND_DAYS)
    before = (t.written_at < end - ibis.interval(days=TREND_DAYS)) & (t.written_at >= end - ibis.interval(
        days=2 * TREND_DAYS))
    found = rows(t.group_by("theme").aggregate(
        texts=t.count(), negative=t.count(where=t.label == "negative"), recent=t.count(where=recent),
        negative_recent=t.count(where=recent & (t.label == "negative")), before=t.count(where=before)).order_by([ibis.desc("texts"), "theme"]))
    if not found:
        return []
    said = t.group_by(["theme", "text"]).aggregate(written_at=t.written_at.max(),
                                                   label=t.label.argmax(t.written_at))  # a text said twice: once
    unhappy_first = ibis.ifelse(said.label == "negative", 0, 1)
    ranked = said.mutate(n=ibis.row_number().over(group_by=said.theme,
                                                  order_by=[unhappy_first, ibis.desc(said.written_at), said.text]))
    shown: dict[str, list[dict[str, Any]]] = {}
    for r in rows(ranked.filter(ranked.n < examples).select("theme", "text", "label", "written_at",
                                                            "n").order_by(["theme", "n"])):
        shown.setdefault(r["theme"], []).append({"text": r["text"], "label": r["label"], "written_at": r["written_at"]})
    for r in found:
        r["negative_share"] = r["negative"] / r["texts"]
        r["examples"] = shown.get(r["theme"], [])
    return found
