"""The enricher protocol: what an enricher reads (a table's rows with text), what it adds per
row, and how a row is known again (its key) so each row is enriched once per enricher version."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from regulars.store import ROW_KEYS

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ENRICHABLE", "Enricher", "TextSize"]

#: Tables whose rows carry text (each row's key is the store's: ``store.ROW_KEYS``).
ENRICHABLE = tuple(ROW_KEYS)


class Enricher(Protocol):
    """Adds values to rows of one table: ``numbers`` and ``words`` name what ``enrich`` returns
    per row (besides ``row_key``); ``version`` changes when its output would (rows enriched by
    an older version are enriched again)."""

    name: str
    table: str
    version: str
    numbers: tuple[str, ...]
    words: tuple[str, ...]

    def enrich(self, rows: pd.DataFrame) -> pd.DataFrame:
        """``rows`` (the table's columns and ``row_key``) -> row_key and one column per number and word."""


class TextSize:
    """How long each text is, in words, and whether it has any: the trivial enricher."""

    name = "text_size"
    version = "1"
    numbers = ("words",)
    words = ("has_text",)

    def __init__(self, table: str = "tickets") -> None:
        if table not in ENRICHABLE:
            raise ValueError(f"{table!r} has no text to enrich; tables: {', '.join(ENRICHABLE)}")
        self.table = table

    def enrich(self, rows: pd.DataFrame) -> pd.DataFrame:
        import pandas as pd

        text = rows["text"].astype("string").fillna("")
        return pd.DataFrame({"row_key": rows["row_key"], "words": text.str.split().str.len().astype(float),
                             "has_text": (text.str.strip() != "").map({True: "yes", False: "no"})})
