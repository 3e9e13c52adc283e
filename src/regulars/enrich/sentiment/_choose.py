"""Which engine reads a shop's texts: the learned one only where the shop has rated texts
enough to learn from and it beats the lexicon on them, out of fold (a held-out check the card
reports), so a shop never gets a model worse than the first-day one."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from regulars.enrich.sentiment._learned import LearnedSentiment
from regulars.enrich.sentiment._lexicon import LexiconSentiment

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np

__all__ = ["MIN_RATED", "EngineCheck", "check_engines", "rated_bucket", "rating_label"]

#: Rated texts a learned model needs, and at least this many on each side (negative, positive).
MIN_RATED = 300
MIN_EACH_SIDE = 30


def rating_label(kind: str | None, score: float | None) -> str | None:
    """What a rating says of its text: stars and CSAT (1-5) 1-2 negative, 3 neutral, 4-5 positive;
    NPS (0-10) 0-6 negative, 7-8 neutral, 9-10 positive. Other kinds (CES, free surveys) and
    texts without a rating say nothing."""
    if score is None or score != score:
        return None
    if kind in ("review", "csat", "ticket"):
        return None if score < 1 or score > 5 else "negative" if score <= 2 else "neutral" if score < 4 else "positive"
    if kind == "nps":
        return "negative" if score <= 6 else "neutral" if score <= 8 else "positive"
    return None


def rated_bucket(labels: Sequence[str | None]) -> int:
    """The number of rated texts rounded down to two significant figures (0 while too few to
    learn from): the learned model is fitted again when it moves, not on every new review."""
    from collections import Counter

    counts = Counter(label for label in labels if label)
    n = sum(counts.values())
    if n < MIN_RATED or min(counts["negative"], counts["positive"]) < MIN_EACH_SIDE:
        return 0
    step = 10 ** max(0, len(str(n)) - 2)
    return n // step * step


@dataclass(frozen=True)
class EngineCheck:
    """The held-out check: each engine's accuracy and macro F1 (the mean over the three labels,
    so a model that calls everything positive scores low) on the rated texts, out of fold."""

    engine: str
    rated: int
    lexicon_accuracy: float | None = None
    lexicon_f1: float | None = None
    learned_accuracy: float | None = None
    learned_f1: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_engines(texts: Sequence[str | None], labels: Sequence[str], lexicon: LexiconSentiment,
                  ) -> tuple[EngineCheck, np.ndarray | None, list[str] | None]:
    """Compare the engines on the rated ``texts``; the check, and the learned model's
    out-of-fold scores and labels of those texts (to store: none has seen its own rating)."""
    from sklearn.metrics import accuracy_score, f1_score

    if not rated_bucket(labels):
        return EngineCheck("lexicon", len(labels)), None, None
    scores, learned = LearnedSentiment().cross_fitted(texts, labels)
    read = lexicon.predict(texts)

    def figures(predicted):
        return (round(float(accuracy_score(labels, predicted)), 4),
                round(float(f1_score(labels, predicted, average="macro", labels=["negative", "neutral", "positive"],
                                     zero_division=0)), 4))

    (lex_acc, lex_f1), (learn_acc, learn_f1) = figures(read), figures(learned)
    engine = "learned" if learn_f1 > lex_f1 else "lexicon"
    return EngineCheck(engine, len(labels), lex_acc, lex_f1, learn_acc, learn_f1), scores, learned
