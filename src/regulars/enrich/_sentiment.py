"""The sentiment enricher: each text's score (-1 to 1), label and the engine that read it.

One ``SentimentReader`` serves both tables, so a model learned from the shop's rated reviews
also reads its tickets. Its version names what the scores depend on (how many rated texts there
were, to two figures, and the shop's own words): when either moves, every text is read again."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["Sentiment", "SentimentReader", "rated_texts"]

#: Changes when the engines' output would (a new service word, another model).
ENGINES_VERSION = "1"


def rated_texts(rows: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The texts whose rating says how their writer felt (stars, CSAT, NPS), from each table's
    rows: source, row_key, text, label."""
    import pandas as pd

    from regulars.enrich.sentiment import rating_label

    parts = []
    for table, frame in rows.items():
        kinds = pd.Series("csat", index=frame.index) if table == "tickets" else frame["kind"]
        scores = frame["csat"] if table == "tickets" else frame["score"]
        has_text = frame["text"].astype("string").fillna("").str.strip() != ""
        labels = [rating_label(k, s) for k, s in zip(kinds, scores, strict=True)]
        part = pd.DataFrame({"source": table, "row_key": frame["row_key"], "text": frame["text"], "label": labels})
        parts.append(part[has_text & part["label"].notna()])
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["source", "row_key", "text", "label"])
    return out.drop_duplicates(["source", "row_key"])


class SentimentReader:
    """Reads texts with the engine the held-out check chose (the lexicon until the shop has
    rated texts enough and the learned model beats it). ``check`` is a kept check of this
    version, if any; otherwise one is made when the first text is read."""

    def __init__(self, rated: pd.DataFrame, words: dict[str, float] | None = None,
                 check: dict[str, Any] | None = None) -> None:
        from regulars.enrich.sentiment import LexiconSentiment, rated_bucket

        self.rated = rated.reset_index(drop=True)
        self.lexicon = LexiconSentiment(words)
        self.bucket = rated_bucket(self.rated["label"].tolist())
        digest = hashlib.sha256(json.dumps(sorted(self.lexicon.words.items())).encode()).hexdigest()[:8]
        self.version = f"{ENGINES_VERSION}:rated-{self.bucket}:words-{digest}"
        self.check = check
        self.checked_now = False
        self._learned: Any = None
        self._out_of_fold: dict[tuple[str, str], tuple[float, str]] | None = None

    def engine(self) -> str:
        """The engine this shop's texts are read with, checking once if no check was kept."""
        if self.check is None:
            from regulars.enrich.sentiment import check_engines

            check, scores, labels = check_engines(self.rated["text"].tolist(), self.rated["label"].tolist(),
                                                  self.lexicon)
            self.check, self.checked_now = check.as_dict(), True
            if scores is not None:
                self._keep_out_of_fold(scores, labels)
        return self.check["engine"]

    def _keep_out_of_fold(self, scores: np.ndarray, labels: list[str]) -> None:
        keys = zip(self.rated["source"], self.rated["row_key"], strict=True)
        self._out_of_fold = {k: (float(s), lab) for k, s, lab in zip(keys, scores, labels, strict=True)}

    def read(self, table: str, rows: pd.DataFrame) -> tuple[np.ndarray, list[str], str]:
        """Scores, labels and the engine's name for ``rows`` (row_key and text) of ``table``."""
        import numpy as np

        from regulars.enrich.sentiment import LearnedSentiment, label_of

        texts = rows["text"].tolist()
        if self.engine() == "lexicon":
            scores = self.lexicon.score(texts)
            return scores, [label_of(s) for s in scores], "lexicon"
        if self._learned is None:
            rated_text, rated_label = self.rated["text"].tolist(), self.rated["label"].tolist()
            self._learned = LearnedSentiment().fit(rated_text, rated_label)
            if self._out_of_fold is None:  # the check was kept by an earlier run: cross-fit again
                self._keep_out_of_fold(*LearnedSentiment().cross_fitted(rated_text, rated_label))
        scores, labels = self._learned.score(texts), self._learned.predict(texts)
        # a rated text's own score comes from a model that never saw its rating
        for i, key in enumerate(rows["row_key"]):
            if (table, key) in self._out_of_fold:
                scores[i], labels[i] = self._out_of_fold[(table, key)]
        return np.asarray(scores), labels, "learned"


class Sentiment:
    """The enricher for one table, reading through a shared ``SentimentReader``."""

    name = "sentiment"
    numbers = ("score",)
    words = ("label", "engine")

    def __init__(self, table: str, reader: SentimentReader) -> None:
        self.table = table
        self.reader = reader
        self.version = reader.version

    def enrich(self, rows: pd.DataFrame) -> pd.DataFrame:
        import pandas as pd

        scores, labels, engine = self.reader.read(self.table, rows)
        return pd.DataFrame({"row_key": rows["row_key"].to_numpy(), "score": scores, "label": labels,
                             "engine": engine})
