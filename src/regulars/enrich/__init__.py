"""Enrichers: a value per row of a table's text (a ticket's or a review's sentiment, its theme),
stored beside the row by its key, incrementally, and rolled up per customer by features. One
protocol (``Enricher``); ``Sentiment`` reads how each text feels, ``Themes`` what it is about; ``TextSize`` is the trivial one
that shows the seam works end to end."""

from regulars.enrich._enricher import ENRICHABLE, Enricher, TextSize
from regulars.enrich._sentiment import Sentiment, SentimentReader, rated_texts
from regulars.enrich._themes import ThemeModel, Themes

__all__ = ["ENRICHABLE", "Enricher", "Sentiment", "SentimentReader", "TextSize", "ThemeModel", "Themes",
           "rated_texts"]
