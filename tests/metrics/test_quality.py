"""The engagement-quality scorecard's formulas on messages worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from regulars.metrics import QUALITY_MEASURES, engagement_quality

T = pd.Timestamp("2024-05-01 10:00")
#: a gets an email from win-back and a text from a campaign a day later (two stories within
#: three days); b two emails from one playbook; c one text. Clicks or orders follow two of five.
MESSAGES = pd.DataFrame({
    "person": ["a", "a", "b", "b", "c"],
    "channel": ["email", "sms", "email", "email", "sms"],
    "sender": ["win-back", "spring sale", "nurture", "nurture", "spring sale"],
    "sent_at": [T, T + pd.Timedelta(days=1), T, T + pd.Timedelta(days=2), T],
    "template": ["win-back", None, "nurture", "nurture", None],
    "timing": ["best", None, "fixed", "best", None],
    "clicked": [True, False, False, False, False],
    "ordered": [False, False, False, True, False],
})


def test_each_measure_is_its_stated_share():
    card = engagement_quality(MESSAGES, {"win-back"}, [5, 4, 2, 1], 0.5, 0.9, {"relevance": 2.0})
    got = {m["measure"]: m["value"] for m in card["measures"]}
    assert got["relevance"] == pytest.approx(2 / 5, abs=1e-4)
    # two of three playbook messages at the best hour, and 90% of replies on time
    assert got["timeliness"] == pytest.approx((2 / 3 + 0.9) / 2, abs=1e-4)
    assert got["personalisation"] == pytest.approx(1 / 3, abs=1e-4)  # only win-back's template fills anything in
    assert got["helpfulness"] == pytest.approx((2 / 4 + 0.5) / 2, abs=1e-4)
    assert got["consistency"] == pytest.approx(2 / 3, abs=1e-4)  # a had two stories within three days
    weights = {"relevance": 2.0, "timeliness": 1.0, "personalisation": 1.0, "helpfulness": 1.0, "consistency": 1.0}
    expected = sum(got[k] * w for k, w in weights.items()) / sum(weights.values())
    assert card["return_on_engagement"] == pytest.approx(expected, abs=1e-4)
    assert (card["messages"], card["playbook_messages"], card["people"]) == (5, 3, 3)
    assert all(m["formula"] == QUALITY_MEASURES[m["measure"]] for m in card["measures"])


def test_what_nothing_measures_is_left_out_of_return_on_engagement():
    card = engagement_quality(MESSAGES[MESSAGES["template"].isna()], set(), [], None, None, {})
    got = {m["measure"]: m["value"] for m in card["measures"]}
    assert got["timeliness"] is None and got["personalisation"] is None and got["helpfulness"] is None
    assert card["return_on_engagement"] == pytest.approx((got["relevance"] + got["consistency"]) / 2, abs=1e-4)
