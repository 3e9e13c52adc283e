"""Sentiment of customers' texts: a lexicon engine that knows service language from the first
day (``LexiconSentiment``), an engine learned from the shop's own rated texts
(``LearnedSentiment``), and the held-out check that picks one per shop (``check_engines``)."""

from regulars.enrich.sentiment._choose import MIN_RATED, EngineCheck, check_engines, rated_bucket, rating_label
from regulars.enrich.sentiment._learned import LearnedSentiment
from regulars.enrich.sentiment._lexicon import LABELS, LexiconSentiment, label_of, service_words

__all__ = ["EngineCheck", "LABELS", "LearnedSentiment", "LexiconSentiment", "MIN_RATED", "check_engines",
           "label_of", "rated_bucket", "rating_label", "service_words"]
