"""The engine learned from the shop's own rated texts (reviews with stars, rated tickets, survey
answers with a score): TF-IDF of words and word pairs and a multinomial logistic regression.
It knows whatever language the shop writes in and whatever its customers mean by "runs small".

A text's score is P(positive) - P(negative), from -1 to 1; its label is the likeliest class.
``cross_fitted`` gives the scores of the texts it learns from out of fold: no stored score has
seen its own text's rating."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np

__all__ = ["LearnedSentiment"]


def _clean(texts: Sequence[str | None]) -> list[str]:
    return ["" if t is None or t != t else str(t) for t in texts]


class LearnedSentiment:
    """TF-IDF (words and pairs, in any alphabet) and a logistic regression over the three labels."""

    name = "learned"

    def __init__(self, max_features: int = 50_000, c: float = 1.0, min_df: int = 2, seed: int = 0) -> None:
        self.max_features = max_features
        self.min_df = min_df
        self.c = c
        self.seed = seed

    def _vectorizer(self):
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(ngram_range=(1, 2), min_df=self.min_df, max_features=self.max_features, sublinear_tf=True,
                               strip_accents="unicode")

    def _classifier(self):
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(C=self.c, max_iter=1000, class_weight="balanced", random_state=self.seed)

    def _pipeline(self):
        from sklearn.pipeline import make_pipeline

        return make_pipeline(self._vectorizer(), self._classifier())

    def fit(self, texts: Sequence[str | None], labels: Sequence[str]) -> LearnedSentiment:
        self.model_ = self._pipeline().fit(_clean(texts), list(labels))
        return self

    @staticmethod
    def _scored(model, texts) -> tuple[np.ndarray, list[str]]:
        import numpy as np

        proba = model.predict_proba(texts)
        classes = list(model.classes_)
        column = {c: proba[:, classes.index(c)] for c in classes}
        score = column.get("positive", 0) - column.get("negative", 0)
        return np.clip(np.asarray(score, dtype=float), -1, 1), [classes[i] for i in proba.argmax(axis=1)]

    def score(self, texts: Sequence[str | None]) -> np.ndarray:
        return self._scored(self.model_, _clean(texts))[0]

    def predict(self, texts: Sequence[str | None]) -> list[str]:
        return self._scored(self.model_, _clean(texts))[1]

    def cross_fitted(self, texts: Sequence[str | None], labels: Sequence[str],
                     folds: int = 5) -> tuple[np.ndarray, list[str]]:
        """Each text's score and label from a model that did not learn from it (``folds`` folds,
        stratified by label). The word weights (TF-IDF) are counted once over all the texts: they
        read no rating, and counting them once makes this five times faster."""
        import numpy as np
        from sklearn.model_selection import StratifiedKFold

        words, labels = self._vectorizer().fit_transform(_clean(texts)), np.asarray(labels)
        scores, predicted = np.zeros(len(labels)), np.empty(len(labels), dtype=object)
        split = StratifiedKFold(n_splits=folds, shuffle=True, random_state=self.seed)
        for learn, held in split.split(np.zeros(len(labels)), labels):
            model = self._classifier().fit(words[learn], labels[learn])
            scores[held], labels_held = self._scored(model, words[held])
            predicted[held] = labels_held
        return scores, list(predicted)
