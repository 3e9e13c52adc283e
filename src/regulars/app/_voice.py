"""The voice of the customer: every text customers wrote, read for how it feels (``texts``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from regulars.app._enrich import enrich
from regulars.app._results import Result
from regulars.errors import InsufficientDataError, SettingsError
from regulars.store import customer_names, open_workspace, stored_texts

__all__ = ["TEXT_SOURCES", "TextsResult", "engine_words", "texts"]

#: The tables whose texts are read, as a user names them.
TEXT_SOURCES = ("tickets", "feedback")
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
