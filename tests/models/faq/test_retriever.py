"""The FAQ retriever on its own: endings and shop synonyms found, a one-entry FAQ still answers,
nothing in common is no answer, and a badly written FAQ is refused entry by entry."""

from __future__ import annotations

import pytest

from regulars.errors import SettingsError
from regulars.models.faq import FaqEntry, FaqRetriever, read_faq

ENTRIES = [FaqEntry("How long does delivery take?", "Two to four working days."),
           FaqEntry("Can I return an item?", "Within 30 days, for a full refund."),
           FaqEntry("Which payment methods do you take?", "Cards and PayPal.", also=("Can I pay by card?",))]


def test_words_with_other_endings_and_shop_synonyms_find_their_entry():
    found = FaqRetriever().fit(ENTRIES)
    assert found.answer("deliveries") == (0, 1.0)
    assert found.answer("where is my package")[0] == 0  # package ~ delivery
    assert found.answer("refunds?")[0] == 1 and found.answer("paying by card")[0] == 2
    assert found.answer("the weather in Rome") == (None, 0.0) and found.answer("?!") == (None, 0.0)
    partly = found.answer("return the blue dress I bought for my sister's wedding")[1]
    assert 0 < partly < found.answer("return an item")[1]  # words the FAQ never uses lower the confidence


def test_a_one_entry_faq_still_answers():
    one = FaqRetriever().fit(ENTRIES[:1])
    assert one.answer("when will my parcel arrive") == (0, 1.0)


def test_a_badly_written_faq_is_refused_entry_by_entry(tmp_path):
    path = tmp_path / "faq.yaml"
    for text, said in (("just text", "a list of entries"), ("- question: q\n", "entry 1 needs a question and an answer"),
                       ("- {question: q, answer: a, url: x}\n", "entry 1 has 'url'"),
                       ("- {question: q, answer: a, links: [ftp://x]}\n", "links is a list of http"),
                       ("- {question: q, answer: a, also: q2}\n", "also is a list"), ("- [\n", "not YAML")):
        path.write_text(text)
        with pytest.raises(SettingsError, match=said):
            read_faq(path)
    with pytest.raises(SettingsError, match="no entries"):
        FaqRetriever().fit([])
