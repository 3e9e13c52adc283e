"""Enrichers: a value per row of a table's text (a ticket's or a review's sentiment, its theme),
stored beside the row by its key, incrementally, and rolled up per customer by features. One
protocol (``Enricher``); the sentiment and theme enrichers fill it in later; ``TextSize`` is the
trivial one that shows the seam works end to end."""

from regulars.enrich._enricher import ENRICHABLE, Enricher, TextSize, row_keys

__all__ = ["ENRICHABLE", "Enricher", "TextSize", "row_keys"]
