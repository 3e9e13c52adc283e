"""The first-day engine: VADER's lexicon and rules (from ``vaderSentiment``, which ships its word
list), taught the language of customer service, and any words the shop adds.

VADER was built on social media: it reads "still waiting", "never arrived" or "charged twice"
as neutral and "no issues" as negative. ``service_words.tsv`` adds such words and phrases; a
phrase of several words is joined into one token before VADER reads the text, so its negation
rule sees "no_issues" (positive) rather than "no" before "issues"."""

from __future__ import annotations

import os
import re
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    import numpy as np

__all__ = ["LABELS", "LexiconSentiment", "label_of", "service_words"]

#: The three labels every engine gives, from the most negative.
LABELS = ("negative", "neutral", "positive")
#: VADER's own band: a compound score within ±0.05 is neutral (Hutto & Gilbert 2014).
NEUTRAL_BAND = 0.05


#: Distinct texts worth a process of their own (starting one takes about a second).
PER_WORKER = 25_000
_WORKER: LexiconSentiment | None = None


def _start_worker(words: dict[str, float]) -> None:
    global _WORKER
    _WORKER = LexiconSentiment(words)


def _score_in_worker(texts: list[str]) -> list[float]:
    return [_WORKER._one(t) for t in texts]


def label_of(score: float) -> str:
    """A score's label: negative below -0.05, positive above 0.05, else neutral."""
    return "negative" if score < -NEUTRAL_BAND else "positive" if score > NEUTRAL_BAND else "neutral"


@cache
def service_words() -> dict[str, float]:
    """The service words and phrases that ship with regulars, with their valence (-4 to 4)."""
    out = {}
    for line in resources.files(__package__).joinpath("service_words.tsv").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            phrase, valence = line.rsplit("\t", 1)
            out[phrase.strip().lower()] = float(valence)
    return out


def _token(phrase: str) -> str:
    # no apostrophe in the token: VADER takes any word holding "n't" for a negation
    return re.sub(r"\W+", "_", phrase.lower()).strip("_")


class LexiconSentiment:
    """A score from -1 to 1 per text (VADER's compound) and a label; nothing to fit.

    ``words`` are the shop's own additions (word or phrase -> valence from -4 to 4); they win
    over the shipped ones."""

    name = "lexicon"

    def __init__(self, words: dict[str, float] | None = None) -> None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self.words = {k.strip().lower(): float(v) for k, v in (words or {}).items() if k.strip()}
        added = {**service_words(), **self.words}
        self._analyzer = SentimentIntensityAnalyzer()
        phrases = sorted((p for p in added if " " in p), key=len, reverse=True)
        self._phrases = re.compile(
            r"(?<!\w)(" + "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases) + r")(?!\w)",
            re.IGNORECASE) if phrases else None
        self._analyzer.lexicon.update({_token(p) if " " in p else p: v for p, v in added.items()})

    def fit(self, texts: Iterable[str] | None = None, labels: Iterable[str] | None = None) -> LexiconSentiment:
        """Nothing to learn: the lexicon works from the first text."""
        return self

    def _one(self, text: str) -> float:
        if self._phrases is not None:
            text = self._phrases.sub(lambda m: _token(m.group(1)), text)
        return self._analyzer.polarity_scores(text)["compound"]

    def score(self, texts: Iterable[str | None], workers: int | None = None) -> np.ndarray:
        """Each text's compound score (-1 to 1); an empty text scores 0. A text repeated (the same
        subject on many tickets) is read once. Many texts are read on every core (``workers``
        processes; default one per core): VADER is plain Python, a core reads 5,000 to 20,000
        texts a second."""
        import numpy as np

        texts = ["" if t is None or t != t else str(t) for t in texts]
        distinct = list(dict.fromkeys(t for t in texts if t.strip()))
        workers = min(workers or os.cpu_count() or 1, max(1, len(distinct) // PER_WORKER))
        if workers > 1:
            scores = self._on_cores(distinct, workers)
        else:
            scores = [self._one(t) for t in distinct]
        seen = dict(zip(distinct, scores, strict=True))
        return np.array([seen.get(t, 0.0) for t in texts], dtype=float)

    def _on_cores(self, texts: list[str], workers: int) -> list[float]:
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        size = -(-len(texts) // (workers * 4))
        chunks = [texts[i:i + size] for i in range(0, len(texts), size)]
        # spawned, not forked: the parent may hold a database connection and threads
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_start_worker,
                                 initargs=(self.words,)) as pool:
            return [s for part in pool.map(_score_in_worker, chunks) for s in part]

    def predict(self, texts: Iterable[str | None]) -> list[str]:
        """Each text's label."""
        return [label_of(s) for s in self.score(texts)]
