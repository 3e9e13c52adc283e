"""What users choose by name, defined once for the use cases and for the CLI's help (which
must load without the rest of the application)."""

from __future__ import annotations

from regulars.ingest import PRESETS as _PRESETS
from regulars.schema import CONTRACTS
from regulars.scorers import sort_words, sorts

__all__ = ["BACKTEST_MODELS", "OUTCOME_TABLES", "PRESETS", "SCORE_SORTS", "SORT_WORDS", "TABLES"]

#: The built-in layouts of common exports, by name (``ingest --preset``).
PRESETS = tuple(_PRESETS)

#: The canonical tables a file or the API may load into (the data model's, in its order).
TABLES = tuple(CONTRACTS)

#: What ``scores`` can sort by: the column, and whether lowest comes first (the scorers' own sorts).
SCORE_SORTS = sorts()
#: Each sort in words for people (the dashboard's sort links).
SORT_WORDS = sort_words()

#: What can be backtested, and the tables whose rows decide each one's outcome (so whose last
#: day ends its window).
OUTCOME_TABLES = {"clv": ("orders",), "churn": ("orders",), "purchase": ("orders",),
                  "conversion": ("orders", "events"), "support": ("tickets",)}
BACKTEST_MODELS = tuple(OUTCOME_TABLES)
