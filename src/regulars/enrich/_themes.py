"""Themes: what customers write about, found in their texts (NMF topics over TF-IDF) and named
by each theme's most distinctive words ("small, large, runs" is the size theme of a clothes
shop; "refund, charged, card" the billing one of a service).

Words that carry feeling (VADER's lexicon) and words every shopper writes ("bought", "really")
name no theme: themes say what about, sentiment says how. A run that finds a theme again (its
name's words among the new theme's most distinctive ones) keeps its name, so themes stay put
across runs the way clusters do."""

from __future__ import annotations

import re
import zlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MIN_TEXTS", "ThemeModel", "Themes"]

#: Texts needed before themes are looked for; fewer, and a theme would be one customer's words.
MIN_TEXTS = 50
#: Texts a theme model learns from at most (the rest are only read): themes of 50,000 texts are
#: those of a million.
MAX_LEARN = 50_000
#: Words any shopper writes, which name no theme.
_COMMON = frozenset("""just really bought ordered wear wore look looks looked did didn does doesn got went tried try
little bit way think thought going make made ve im don usually time wanted want actually definitely ll store
online purchase purchased lot pretty super overall say said know getting feel felt fits fit right thing things
also one two still even much many get would could use used every since back day days week weeks today hi hello
thanks thank please regards dear""".split())
_VERSION = "1"
#: A word a theme may be named by: three letters or more.
_WORD = r"[^\W\d_]{3,}"


def _stop_words() -> list[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    words = ENGLISH_STOP_WORDS | _COMMON | set(SentimentIntensityAnalyzer().lexicon)
    return sorted(w for w in words if re.fullmatch(_WORD, w))  # as the texts are split, or it warns


class ThemeModel:
    """Themes of a set of texts: ``fit`` finds them, ``labels_`` names them, ``assign`` gives
    each text its theme ("" for a text with none of the themes' words)."""

    def __init__(self, max_themes: int = 10, seed: int = 0) -> None:
        self.max_themes = max_themes
        self.seed = seed

    def fit(self, texts: list[str], previous: list[str] | None = None) -> ThemeModel:
        """Find the themes of ``texts`` (one per 200 texts, 2 to ``max_themes``); a theme whose
        most distinctive words hold two words of a ``previous`` name keeps that name."""
        import warnings

        import numpy as np
        from sklearn.decomposition import NMF
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.feature_extraction.text import TfidfVectorizer

        if len(texts) > MAX_LEARN:  # the same sample every time: the texts whose digest is lowest
            order = sorted(range(len(texts)), key=lambda i: zlib.crc32(texts[i].encode("utf-8")))
            texts = [texts[i] for i in order[:MAX_LEARN]]
        k = int(min(self.max_themes, max(2, len(texts) // 200)))
        self.vectorizer_ = TfidfVectorizer(stop_words=_stop_words(), min_df=3, max_df=0.5, max_features=20_000,
                                           sublinear_tf=True, token_pattern=rf"(?u)\b{_WORD}\b")
        words = self.vectorizer_.fit_transform(texts)
        with warnings.catch_warnings():  # a theme found in 400 steps is found: more would not rename it
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.nmf_ = NMF(n_components=k, init="nndsvda", random_state=self.seed, max_iter=400).fit(words)
        vocabulary = np.array(self.vectorizer_.get_feature_names_out())
        weights = self.nmf_.transform(words)
        best = weights.argmax(axis=1)
        present = words > 0
        self.top_words_ = []
        for k, component in enumerate(self.nmf_.components_):
            top = component.argsort()[::-1][:8]
            # a theme is named by its distinctive words that its own texts use (one in five at least)
            mine = present[best == k]
            used = np.asarray(mine[:, top].mean(axis=0)).ravel() if mine.shape[0] else np.zeros(len(top))
            self.top_words_.append([vocabulary[i] for i, share in zip(top, used, strict=True) if share >= 0.2]
                                   or [vocabulary[top[0]]])
        self.labels_ = self._names(previous or [])
        return self

    def _names(self, previous: list[str]) -> list[str]:
        names, taken = [], set()
        for top in self.top_words_:
            kept = next((p for p in previous if p not in taken
                         and sum(w in top for w in p.split(", ")) >= min(2, len(top))), None)
            name = kept or ", ".join(top[:3])
            taken.add(name)
            names.append(name)
        return names

    def assign(self, texts: list[str]) -> tuple[list[str], list[float]]:
        """Each text's theme and how strongly it is about it (0 for none)."""
        weights = self.nmf_.transform(self.vectorizer_.transform(texts))
        best, strength = weights.argmax(axis=1), weights.max(axis=1)
        return [self.labels_[b] if s > 0 else "" for b, s in zip(best, strength, strict=True)], strength.tolist()


class Themes:
    """The theme enricher for one table: the model learns from the texts of both tables (handed
    in as ``corpus``); its version moves with their number (to two figures)."""

    name = "theme"
    numbers = ("weight",)
    words = ("theme",)

    def __init__(self, table: str, corpus: list[str], previous: list[str] | None = None) -> None:
        self.table = table
        self.corpus = corpus
        self.previous = previous or []
        n = len(corpus)
        step = 10 ** max(0, len(str(n)) - 2)
        self.version = f"{_VERSION}:texts-{n // step * step if n >= MIN_TEXTS else 0}"
        self._model: ThemeModel | None = None

    def enrich(self, rows: pd.DataFrame) -> pd.DataFrame:
        import pandas as pd

        texts = rows["text"].astype("string").fillna("").tolist()
        if len(self.corpus) < MIN_TEXTS:
            themes, weights = [""] * len(texts), [0.0] * len(texts)
        else:
            if self._model is None:
                self._model = ThemeModel().fit(self.corpus, self.previous)
            themes, weights = self._model.assign(texts)
        return pd.DataFrame({"row_key": rows["row_key"].to_numpy(), "weight": weights, "theme": themes})
