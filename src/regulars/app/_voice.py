"""The voice of the customer: every text customers wrote, read for how it feels and what it is
about (``texts``), and what they said as a whole, per period and theme (``voice``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from regulars.app._enrich import enrich
from regulars.app._results import Result
from regulars.errors import InsufficientDataError, SettingsError
from regulars.store import customer_names, latest_run, open_workspace, product_names, stored_tables, stored_texts

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TEXT_SOURCES", "TextsResult", "VoiceResult", "engine_words", "texts", "voice"]

#: The tables whose texts are read, as a user names them.
TEXT_SOURCES = ("tickets", "feedback")
#: The measures whose alerts are the voice of the customer's.
VOICE_MEASURES = ("tickets", "unhappy_texts")
#: Texts a segment or a product needs before its unhappy share is shown (one review is no trend).
GROUP_LEAST = 10
#: The columns of a text, in the order a listing and an export give them.
TEXT_COLUMNS = ("source", "source_id", "customer_id", "customer", "written_at", "kind", "label", "sentiment",
                "engine", "theme", "text")


@dataclass(frozen=True)
class TextsResult(Result):
    """Texts, newest first, each with its source row, customer, date, label, score (-1 to 1) and
    engine; how many there are per label; the engine's held-out check and its words."""

    rows: pd.DataFrame
    total: int
    labels: dict[str, int]
    check: dict[str, Any] | None
    engine: str


def engine_words(check: dict[str, Any] | None) -> str:
    """The engine a shop's texts are read with, in words an owner can check."""
    if not check:
        return "not read yet"
    if check["engine"] == "learned":
        return (f"a model learned from {check['rated']:,} of your rated texts: on ones it had not seen it agreed with the "
                f"rating {check['learned_accuracy']:.0%} of the time, the word list {check['lexicon_accuracy']:.0%}")
    if check.get("learned_f1") is not None:
        return (f"the word list with service language: a model learned from your {check['rated']:,} rated texts "
                f"did no better on ones it had not seen")
    return ("the word list with service language (a model learns from your own rated reviews and tickets once "
            f"there are {300:,} with both happy and unhappy ones)")


def texts(workspace_path: str | Path, *, source: str | None = None, customer: str | None = None,
          limit: int | None = None) -> TextsResult:
    """Every text (or those of one ``source`` table or one customer), newest first, its sentiment
    read first where it was not yet."""
    if source is not None and source not in TEXT_SOURCES:
        raise SettingsError(f"--table must be one of {', '.join(TEXT_SOURCES)}, got {source!r}")
    if limit is not None and limit < 0:
        raise SettingsError(f"--limit must be 0 or more, got {limit}")
    check = enrich(workspace_path).check
    with open_workspace(workspace_path).store(read_only=True) as store:
        found = stored_texts(store, source, [customer] if customer else None)
        names = customer_names(store, found["customer_id"].dropna().unique().tolist())
    if found.empty and customer is None:
        raise InsufficientDataError("no texts yet: load support tickets or reviews with text "
                                    "(`regulars ingest DIR FILE --table tickets` or `--table feedback`)")
    found["source_id"] = found["source_id"].fillna(found["row_key"])
    found["customer"] = found["customer_id"].map(names).fillna("")
    found["sentiment"] = found["sentiment"].round(3)
    labels = {label: int((found["label"] == label).sum()) for label in ("negative", "neutral", "positive")}
    shown = found if limit is None else found.head(limit)
    return TextsResult(rows=shown[list(TEXT_COLUMNS)].reset_index(drop=True), total=len(found), labels=labels,
                       check=check, engine=engine_words(check))


@dataclass(frozen=True)
class VoiceResult(Result):
    """What customers said: how many texts and how they read, the engine reading them, per
    period the sentiment beside NPS, CSAT, CES and tickets, and the themes (largest first) with
    their unhappy share, trend and examples; ``unhappy`` names the themes of the last four
    weeks' negative texts, most first; the alerts on what customers said (tickets)."""

    by: str
    last_day: str | None
    total: int
    labels: dict[str, int]
    engine: str
    check: dict[str, Any] | None
    periods: list[dict[str, Any]]
    themes: list[dict[str, Any]]
    unhappy: list[dict[str, Any]]
    trend_days: int
    alerts: list[dict[str, Any]]
    #: how texts read per source, channel, issue type, segment (of the latest run) and product
    #: reviewed (each shown when it has two values or more; a segment or product needs
    #: ``GROUP_LEAST`` texts)
    by_group: dict[str, list[dict[str, Any]]]


def voice(workspace_path: str | Path, *, by: str = "month") -> VoiceResult:
    """The voice of the customer (texts not read yet are read first)."""
    from regulars.metrics import TREND_DAYS, sentiment_by, sentiment_by_period, theme_summary, voice_by_period

    if by not in ("week", "month"):
        raise SettingsError(f"--by must be week or month, got {by!r}")
    check = enrich(workspace_path).check
    with open_workspace(workspace_path).store(read_only=True) as store:
        kept = [t for t in TEXT_SOURCES if store.count(t)]
        if not kept:
            raise InsufficientDataError("nothing customers said is loaded yet: load support tickets, reviews or "
                                        "survey answers (`regulars ingest DIR FILE --table tickets` or "
                                        "`--table feedback`)")
        last = store.last_day(tuple(kept))
        tables = stored_tables(store, "texts", *kept)
        texts_read = tables["texts"]
        periods = {r["period"]: r for r in sentiment_by_period(texts_read, by)}
        scores = voice_by_period(tables.get("feedback"), tables.get("tickets"), by)
        themes = theme_summary(texts_read, last)
        groups = {name: sentiment_by(texts_read, column) for name, column in
                  (("source", "kind"), ("channel", "channel"), ("issue type", "topic"))}
        groups["segment"] = _by_segment(store, texts_read)
        groups["product"] = _by_product(store, texts_read)
    labels = {k: sum(r[k] for r in periods.values()) for k in ("negative", "neutral", "positive")}
    from regulars.app._business import alerts as kept_alerts

    voiced = [a for a in kept_alerts(workspace_path).alerts if a["measure"] in VOICE_MEASURES]
    rows = []
    for period in sorted(set(periods) | set(scores)):
        row = {"period": period, **{k: v for k, v in periods.get(period, {}).items() if k != "period"}}
        row.update({k: scores.get(period, {}).get(k) for k in ("nps", "ces", "tickets")})
        happy, n = scores.get(period, {}).get("csat_counts", (0, 0))
        row["csat"] = round(happy / n * 100, 1) if n else None
        rows.append(row)
    unhappy = sorted((t for t in themes if t["negative_recent"]), key=lambda t: (-t["negative_recent"], t["theme"]))
    return VoiceResult(by=by, last_day=str(last) if last else None, total=sum(labels.values()),
                       labels=labels,
                       engine=engine_words(check), check=check, periods=rows, themes=themes,
                       unhappy=[{"theme": t["theme"], "negative": t["negative_recent"]} for t in unhappy],
                       trend_days=TREND_DAYS, alerts=voiced,
                       by_group={k: v for k, v in groups.items() if len(v) > 1 or k == "source"})


def _by_segment(store: Any, texts_read: Any) -> list[dict[str, Any]]:
    """How texts read per segment of the latest run (none before the first run)."""
    from regulars.metrics import sentiment_by_segment

    try:
        run_id = latest_run(store)["run_id"]
    except InsufficientDataError:
        return []
    t = stored_tables(store, "segment_members", "customer_map")
    return sentiment_by_segment(texts_read, t["segment_members"], t["customer_map"], run_id, GROUP_LEAST)


def _by_product(store: Any, texts_read: Any) -> list[dict[str, Any]]:
    """How reviews read per product reviewed, by the product's name where it has one."""
    from regulars.metrics import sentiment_by

    found = sentiment_by(texts_read, "product_id", GROUP_LEAST)
    names = product_names(store, [r["group"] for r in found])
    return [{**r, "group": names.get(r["group"], r["group"])} for r in found]
