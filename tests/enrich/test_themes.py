"""Themes: what customers write about, named by their distinctive words, kept across runs."""

from __future__ import annotations

import pandas as pd
import pytest

from regulars.enrich import ThemeModel, Themes
from tests.conftest import SHARED_DATA

DELIVERY = ["my parcel is late again", "the courier lost the parcel", "parcel delivery took ten days",
            "courier left the parcel outside", "delivery was slow, parcel damaged"]
BILLING = ["charged twice on my card", "refund has not reached my card", "the invoice shows the wrong amount",
           "card payment failed but I was charged", "please refund the invoice amount"]


def corpus(n: int = 40) -> list[str]:
    return [t for _ in range(n) for t in DELIVERY + BILLING]


def test_texts_about_different_things_get_different_themes_named_by_their_words():
    model = ThemeModel(max_themes=2).fit(corpus())
    themes, weights = model.assign(["where is my parcel, the courier never came", "you charged my card twice",
                                    "hello"])
    assert themes[0] != themes[1] and themes[2] == "" and weights[2] == 0
    assert any(w in themes[0] for w in ("parcel", "courier", "delivery"))
    assert any(w in themes[1] for w in ("card", "refund", "invoice", "charged"))


def test_a_theme_found_again_keeps_its_name_and_few_texts_make_no_themes():
    first = ThemeModel(max_themes=2).fit(corpus())
    renamed = {first.labels_[0]: "parcel, courier, late", first.labels_[1]: "card, refund, invoice"}
    again = ThemeModel(max_themes=2).fit(corpus(30), previous=list(renamed.values()))
    assert sorted(again.labels_) == sorted(renamed.values())
    few = Themes("tickets", DELIVERY)
    out = few.enrich(pd.DataFrame({"row_key": ["a"], "text": ["parcel late"]}))
    assert out["theme"].tolist() == [""] and few.version.endswith("texts-0")


@pytest.mark.slow
def test_clothing_reviews_complaints_about_size_fabric_and_colour_are_separate_themes():
    reviews = pd.read_csv(SHARED_DATA / "clothing_reviews" / "womens_clothing_ecommerce_reviews.csv.gz",
                          usecols=["Review Text", "Rating"]).dropna()
    texts = reviews["Review Text"].tolist()
    model = ThemeModel().fit(texts)

    def theme_of(words):
        found = [label for label in model.labels_ if set(label.split(", ")) & words]
        assert found, (words, model.labels_)
        return found[0]

    size, fabric, colour = (theme_of({"small", "large", "size", "runs", "tight"}),
                            theme_of({"fabric", "material", "quality", "cheap"}), theme_of({"color", "colour"}))
    assert len({size, fabric, colour}) == 3, model.labels_
    reviews["theme"] = model.assign(texts)[0]
    unhappy = reviews["Rating"] <= 2
    share = reviews.groupby(unhappy)["theme"].value_counts(normalize=True)
    assert share[True][size] > share[False][size]  # "runs small" is a complaint more than a compliment
