"""Sentiment: how accurate each engine is on public data, and how fast a shop's texts are read.
Prints, in one run:

- the lexicon engine (VADER taught service language) on VADER's own human-rated tweets and
  Amazon snippets: correlation with the mean human rating and 3-class accuracy (the human
  rating / 4 binned at ±0.05, as the scores are), beside the published figures (r 0.881 and
  0.565) and plain VADER's;
- the held-out check on the clothing shop's 22,641 rated reviews: each engine's accuracy and
  macro F1 out of fold, and what always saying "positive" scores;
- throughput on a million ticket-like texts (one or two sentences from those sets and service
  phrases, with an order number so no two are alike): texts/s for the lexicon engine on every
  core and for the learned engine (goal: 1M in under 2 minutes on two cores).

    .venv/bin/python bench/sentiment.py [--texts 1000000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import SHARED  # noqa: E402

from regulars.enrich.sentiment import (  # noqa: E402
    LearnedSentiment,
    LexiconSentiment,
    check_engines,
    label_of,
    rating_label,
    service_words,
)


def ground_truth(name: str) -> pd.DataFrame:
    return pd.read_csv(SHARED / "vader_ground_truth" / f"{name}_GroundTruth.txt.gz", sep="\t", header=None,
                       names=["id", "rating", "text"], quoting=3, dtype={"id": str})


def reviews() -> pd.DataFrame:
    found = pd.read_csv(SHARED / "clothing_reviews" / "womens_clothing_ecommerce_reviews.csv.gz",
                        usecols=["Review Text", "Rating"]).dropna()
    return found.rename(columns={"Review Text": "text", "Rating": "rating"})


def against_humans() -> None:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    plain = SentimentIntensityAnalyzer()
    ours = LexiconSentiment()
    print("Lexicon engine against VADER's human ratings (3 classes: rating / 4 beyond ±0.05)")
    for name, published in (("tweets", 0.881), ("amazonReviewSnippets", 0.565)):
        rows = ground_truth(name)
        truth = np.array([label_of(r / 4) for r in rows["rating"]])
        for engine, scores in (("plain VADER 3.3.2", np.array([plain.polarity_scores(t)["compound"]
                                                              for t in rows["text"]])),
                               ("regulars lexicon", ours.score(rows["text"], workers=1))):
            said = np.array([label_of(s) for s in scores])
            print(f"  {name:21} {engine:18} r {np.corrcoef(scores, rows['rating'])[0, 1]:.3f} "
                  f"(published {published})  accuracy {np.mean(said == truth):.3f}  (n {len(rows):,})")


def held_out_check() -> None:
    rows = reviews()
    labels = [rating_label("review", r) for r in rows["rating"]]
    started = time.perf_counter()
    check, _, _ = check_engines(rows["text"].tolist(), labels, LexiconSentiment())
    took = time.perf_counter() - started
    always = np.mean(np.array(labels) == "positive")
    print(f"\nClothing reviews ({len(rows):,} rated; 1-2 stars negative, 3 neutral, 4-5 positive), out of fold:")
    print(f"  lexicon  accuracy {check.lexicon_accuracy:.3f}  macro F1 {check.lexicon_f1:.3f}")
    print(f"  learned  accuracy {check.learned_accuracy:.3f}  macro F1 {check.learned_f1:.3f}   (chosen: "
          f"{check.engine}; check took {took:.1f} s)")
    print(f"  always 'positive': accuracy {always:.3f}  macro F1 {always / (1 + always) * 2 / 3:.3f}")


def texts(n: int) -> list[str]:
    rng = np.random.default_rng(0)
    sentences = pd.concat([ground_truth("tweets")["text"], ground_truth("amazonReviewSnippets")["text"],
                           reviews()["text"].str.split(r"(?<=[.!?])\s+").explode()]).dropna()
    sentences = sentences[sentences.str.len().between(10, 200)].tolist()
    phrases = [p for p in service_words() if " " in p]
    first = rng.integers(0, len(sentences), n)
    second = rng.integers(0, len(sentences), n)
    two = rng.random(n) < 0.4
    phrase = rng.integers(0, len(phrases), n)
    said = rng.random(n) < 0.3
    return [f"{sentences[a]}{' ' + sentences[b] if t else ''}{' ' + phrases[p].capitalize() + '.' if s else ''} "
            f"(order {i:07d})" for i, (a, b, t, p, s) in enumerate(zip(first, second, two, phrase, said, strict=True))]


def throughput(n: int) -> None:
    many = texts(n)
    chars = np.mean([len(t) for t in many[:10_000]])
    cores = os.cpu_count()
    print(f"\nThroughput on {n:,} distinct texts ({chars:.0f} characters on average), {cores} cores:")
    started = time.perf_counter()
    scores = LexiconSentiment().score(many)
    took = time.perf_counter() - started
    print(f"  lexicon on every core: {took:6.1f} s  {n / took:8,.0f} texts/s  "
          f"({np.mean(scores < -0.05):.0%} negative)  goal: under 120 s")
    sample = many[: n // 20]
    started = time.perf_counter()
    LexiconSentiment().score(sample, workers=1)
    one = time.perf_counter() - started
    print(f"  lexicon on one core:   {one * 20:6.1f} s  {len(sample) / one:8,.0f} texts/s  (on {len(sample):,}, "
          f"scaled): every core is {one * 20 / took:.1f}x faster")
    rated = reviews()
    model = LearnedSentiment().fit(rated["text"].tolist(), [rating_label("review", r) for r in rated["rating"]])
    started = time.perf_counter()
    model.score(many)
    took = time.perf_counter() - started
    print(f"  learned (one core):    {took:6.1f} s  {n / took:8,.0f} texts/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--texts", type=int, default=1_000_000)
    args = parser.parse_args()
    against_humans()
    held_out_check()
    throughput(args.texts)


if __name__ == "__main__":
    main()
