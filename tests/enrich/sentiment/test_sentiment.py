"""Sentiment engines: the lexicon knows service language and negation, the learned model learns a
shop's own words, scores of rated texts are out of fold, and on public data each engine reaches
its mark (the published VADER figures; the learned model beating the lexicon on a shop's reviews)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from regulars.enrich.sentiment import (
    LearnedSentiment,
    LexiconSentiment,
    check_engines,
    label_of,
    rated_bucket,
    rating_label,
)
from tests.conftest import SHARED_DATA


@pytest.fixture(scope="module")
def lexicon():
    return LexiconSentiment()


@pytest.mark.parametrize("text", ["no problems at all", "not bad", "I can't complain", "No complaints here",
                                  "no issues, arrived fast", "Can't complain, lovely staff"])
def test_negated_complaints_read_as_content(lexicon, text):
    assert lexicon.predict([text]) == ["positive"]


@pytest.mark.parametrize("text", ["my parcel is delayed", "order cancelled", "still waiting for my refund",
                                  "lost my parcel", "I was charged twice", "Where is my order??", "It never arrived",
                                  "no reply from support", "the dress runs small"])
def test_service_complaints_read_as_negative(lexicon, text):
    assert lexicon.predict([text]) == ["negative"]


def test_a_shops_own_words_count_and_empty_texts_are_neutral():
    plain, taught = LexiconSentiment(), LexiconSentiment({"sold out": -2.5, "Restocked": 2})
    assert plain.predict(["sold out again", "restocked!"]) == ["neutral", "neutral"]
    assert taught.predict(["Sold  out again", "restocked!"]) == ["negative", "positive"]
    assert taught.score([None, "", "   "]).tolist() == [0.0, 0.0, 0.0]


def test_ratings_say_how_the_writer_felt():
    assert [rating_label("review", s) for s in (1, 2, 3, 4, 5)] == ["negative"] * 2 + ["neutral"] + ["positive"] * 2
    assert [rating_label("nps", s) for s in (0, 6, 7, 8, 9, 10)] == ["negative"] * 2 + ["neutral"] * 2 + ["positive"] * 2
    assert rating_label("ces", 7) is None and rating_label("review", None) is None and rating_label("csat", 0) is None
    assert [label_of(s) for s in (-0.06, -0.05, 0.05, 0.06)] == ["negative", "neutral", "neutral", "positive"]


def test_a_learned_model_needs_enough_rated_texts_on_both_sides():
    assert rated_bucket(["positive"] * 1000) == 0
    assert rated_bucket(["positive"] * 270 + ["negative"] * 30) == 300
    assert rated_bucket(["positive"] * 22_618 + ["negative"] * 2_000) == 24_000


def test_cross_fitted_scores_never_saw_their_own_rating():
    """Each text is one word of its own and its rating is random: a model that had seen a text's
    rating would repeat it; out of fold it can only guess."""
    rng = np.random.default_rng(3)
    texts = [f"word{i} common word{i}" for i in range(600)]
    labels = rng.choice(["negative", "positive"], size=600)
    in_sample = LearnedSentiment(min_df=1, c=100).fit(texts, labels).predict(texts)
    _, out_of_fold = LearnedSentiment(min_df=1, c=100).cross_fitted(texts, labels)
    assert np.mean(np.array(in_sample) == labels) > 0.95
    assert 0.35 < np.mean(np.array(out_of_fold) == labels) < 0.65


def test_the_learned_model_reads_any_language():
    rng = np.random.default_rng(0)
    good, bad = ["sehr gut", "schnelle Lieferung", "wunderbar"], ["kaputt", "zu spät", "nie angekommen"]
    texts = [" ".join(rng.choice(good if i % 2 else bad, 2)) + f" bestellung {i}" for i in range(400)]
    labels = ["positive" if i % 2 else "negative" for i in range(400)]
    check, _, _ = check_engines(texts, labels, LexiconSentiment())
    assert check.engine == "learned" and check.learned_accuracy > 0.95 and check.lexicon_accuracy < 0.7


def _ground_truth(name):
    return pd.read_csv(SHARED_DATA / "vader_ground_truth" / f"{name}_GroundTruth.txt.gz", sep="\t", header=None,
                       names=["id", "rating", "text"], quoting=3, dtype={"id": str})


@pytest.mark.slow
def test_the_lexicon_reaches_the_published_vader_figures_on_its_tweets(lexicon):
    """Hutto & Gilbert (2014): r = 0.881 with the mean human rating; human ratings binned as the
    scores are (rating / 4 beyond ±0.05)."""
    tweets = _ground_truth("tweets")
    scores = lexicon.score(tweets["text"])
    assert np.corrcoef(scores, tweets["rating"])[0, 1] > 0.86
    said = [label_of(s) for s in scores]
    truth = [label_of(r / 4) for r in tweets["rating"]]
    assert np.mean(np.array(said) == np.array(truth)) > 0.87


@pytest.mark.slow
def test_on_a_shops_rated_reviews_the_learned_model_beats_the_lexicon(lexicon):
    reviews = pd.read_csv(SHARED_DATA / "clothing_reviews" / "womens_clothing_ecommerce_reviews.csv.gz",
                          usecols=["Review Text", "Rating"]).dropna()
    labels = [rating_label("review", r) for r in reviews["Rating"]]
    check, scores, _ = check_engines(reviews["Review Text"].tolist(), labels, lexicon)
    assert check.engine == "learned"
    assert check.learned_f1 > check.lexicon_f1 + 0.15 and check.learned_accuracy > check.lexicon_accuracy
    assert check.learned_f1 > 0.6  # three classes, 78% positive: always "positive" scores 0.29
    assert len(scores) == len(reviews) and -1 <= scores.min() and scores.max() <= 1
