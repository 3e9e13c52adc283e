"""Answering a customer's question from the FAQ the shop wrote, by retrieval (BM25 over each
entry's question, other wordings and answer; no generative model, nothing downloaded). Words are
lower-cased, stripped of common endings and of filler words, so "deliveries" finds "delivery", and a few groups of words a shop's customers use for one thing
("parcel", "delivery", "shipping") find each other; a shop adds its own wordings to an entry.

The confidence is how much of the question the best entry covers: the share of the question's
content words (weighted by how rare they are in the FAQ) that the entry holds. It is a plain
share an owner can reason about, 0 to 1, unlike a raw BM25 score."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from regulars.errors import SettingsError

__all__ = ["FaqEntry", "FaqRetriever", "read_faq"]

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_ENDINGS = ("ings", "ing", "ies", "ied", "ed", "es", "s")
#: Question words and fillers that say nothing about what is asked.
_FILLER = {"how", "what", "when", "where", "why", "which", "who", "can", "could", "would", "will", "do", "does",
           "did", "is", "are", "was", "i", "me", "my", "you", "your", "we", "our", "us", "it", "a", "an", "the",
           "to", "of", "in", "on", "for", "and", "or", "be", "there", "any", "with", "at", "this", "that", "get",
           "have", "has", "please", "hi", "hello", "thanks", "thank", "if", "so", "about", "from", "by", "as"}


#: Words a shop's customers use for the same thing: a question in one finds an answer in another.
_SAME = ("deliver delivery ship shipping dispatch post postage arrive parcel package courier track tracking late",
         "return refund money back",
         "exchange swap change",
         "pay payment card paypal",
         "abroad international overseas country worldwide",
         "cancel cancellation",
         "size fit")


def _stem(word: str) -> str:
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            word = word[: -len(ending)] + ("y" if ending in ("ies", "ied") else "")
            if ending in ("ing", "ed") and len(word) > 3 and word[-1] == word[-2] and word[-1] not in "ls":
                word = word[:-1]  # shipping -> ship
            break
    return word


_SYNONYMS: dict[str, set[str]] = {}
for _group in _SAME:
    _stems = {_stem(w) for w in _group.split()}
    for _w in _stems:
        _SYNONYMS.setdefault(_w, set()).update(_stems)


def words_of(text: str) -> list[str]:
    """A text's content words, lower-cased and stemmed."""
    return [_stem(w) for w in _WORD.findall(str(text).lower()) if w not in _FILLER]


@dataclass(frozen=True)
class FaqEntry:
    """One entry of the shop's FAQ: its question, other ways people ask it, the answer and links."""

    question: str
    answer: str
    also: tuple[str, ...] = ()
    links: tuple[str, ...] = ()


class FaqRetriever:
    """Finds the FAQ entry that answers a question (sklearn-style: ``fit`` on the entries, then
    ``answer``)."""

    def __init__(self, k1: float = 1.2, b: float = 0.5) -> None:
        self.k1, self.b = k1, b

    def fit(self, entries: list[FaqEntry]) -> FaqRetriever:
        from rank_bm25 import BM25Okapi

        if not entries:
            raise SettingsError("the FAQ has no entries")
        self.entries_ = list(entries)
        # the question and its other wordings count twice: they are what a customer's words echo
        self.documents_ = [words_of(" ".join([e.question, *e.also] * 2 + [e.answer])) for e in entries]
        self.bm25_ = BM25Okapi(self.documents_, k1=self.k1, b=self.b)
        self.sets_ = [set(d) for d in self.documents_]
        return self

    def answer(self, question: str) -> tuple[int | None, float]:
        """(the best entry's index, confidence 0-1); (None, 0) when no word of the question (or one
        meaning the same) is in it."""
        asked = list(dict.fromkeys(words_of(question)))
        if not asked:
            return None, 0.0
        expanded = list(dict.fromkeys(w2 for w in asked for w2 in (w, *sorted(_SYNONYMS.get(w, ())))))
        scores = np.asarray(self.bm25_.get_scores(expanded))
        best = int(np.argmax(scores))  # (a word in every entry scores nothing, so a one-entry FAQ scores 0)
        # a word of the FAQ weighs 1, more the rarer it is in it; one the FAQ never uses weighs half
        # (it may be the thing asked about, or only a name or a filler)
        weights = np.array([1.0 + max(self.bm25_.idf[w], 0.0) if w in self.bm25_.idf else 0.5 for w in asked])
        covered = np.array([bool(({w} | _SYNONYMS.get(w, set())) & self.sets_[best]) for w in asked])
        if not covered.any():
            return None, 0.0
        return best, float(round((weights * covered).sum() / weights.sum(), 3))


def read_faq(path: Path) -> list[FaqEntry]:
    """The entries of the shop's ``faq.yaml``: a list of ``{question, answer, also?, links?}``;
    every problem named with its entry."""
    import yaml

    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read it ({exc})") from None
    except yaml.YAMLError as exc:
        raise SettingsError(f"{path}: not YAML: {exc}") from None
    if not isinstance(raw, list) or not raw:
        raise SettingsError(f"{path}: write the FAQ as a list of entries, each with a question and an answer")
    out = []
    for i, e in enumerate(raw, 1):
        if not isinstance(e, dict) or not isinstance(e.get("question"), str) or not isinstance(e.get("answer"), str) \
                or not e["question"].strip() or not e["answer"].strip():
            raise SettingsError(f"{path}: entry {i} needs a question and an answer (text)")
        unknown = set(e) - {"question", "answer", "also", "links"}
        if unknown:
            raise SettingsError(f"{path}: entry {i} has {sorted(unknown)[0]!r}; an entry has question, answer, "
                                "also (other wordings) and links")
        also, links = e.get("also") or [], e.get("links") or []
        if not isinstance(also, list) or not all(isinstance(a, str) for a in also):
            raise SettingsError(f"{path}: entry {i}: also is a list of other ways to ask the question")
        if not isinstance(links, list) or not all(isinstance(u, str) and re.match(r"https?://\S+$", u) for u in links):
            raise SettingsError(f"{path}: entry {i}: links is a list of http(s) addresses")
        out.append(FaqEntry(e["question"].strip(), e["answer"].strip(), tuple(also), tuple(links)))
    return out
