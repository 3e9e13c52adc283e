"""Surveys a playbook sends, on the demo shop: the message carries a signed link; the link asks
its one question, takes one answer (refused the second time, and when made up, altered or
expired), and the answer lands in feedback and moves NPS; the survey's results count it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from regulars import app
from regulars.errors import ClosedError, NotFoundError, SettingsError
from tests.conftest import query

PLAYBOOKS = """\
playbooks:
  ask-nps:
    trigger: {score: churn_probability, at_least: 0.0}
    holdout: 0.0
    action: {channel: email, template: ask, priority: 50, survey: nps}
templates:
  ask:
    subject: "One question, {{ name }}"
    body: "Would you recommend us? Answer here: {{ survey_link }} - thank you."
"""


def surveyed(path) -> list[str]:
    """The shop with the NPS survey sent to its customers; each message's link token."""
    (path / "playbooks.yaml").write_text(PLAYBOOKS)
    app.run_playbooks(path)
    app.deliver(path)
    bodies = [r[0] for r in query(path, "SELECT body FROM outbox WHERE survey = 'nps' AND status = 'sent'")]
    return [re.search(r"http://127\.0\.0\.1:8420/survey/(\S+) - thank you\.", b).group(1) for b in bodies]


def test_a_survey_link_takes_one_answer_and_the_answer_moves_nps(demo_copy):
    tokens = surveyed(demo_copy)
    assert len(tokens) > 20 and len(set(tokens)) == len(tokens)
    asked = app.survey_question(demo_copy, tokens[0])
    assert (asked.survey, asked.low, asked.high) == ("nps", 0, 10) and "recommend" in asked.question
    month = date.today().replace(day=1)
    before = {p["period"]: p.get("nps") for p in app.voice(demo_copy).periods}
    with pytest.raises(SettingsError, match="from 0 to 10"):
        app.answer_survey(demo_copy, tokens[0], 11)  # off the scale: refused, and the link stays open
    assert app.answer_survey(demo_copy, tokens[0], 10, "Quick delivery, lovely shop").survey == "nps"
    with pytest.raises(ClosedError, match="answered already"):
        app.answer_survey(demo_copy, tokens[0], 0)
    with pytest.raises(ClosedError, match="answered already"):
        app.survey_question(demo_copy, tokens[0])
    app.answer_survey(demo_copy, tokens[1], 3)
    after = {p["period"]: p.get("nps") for p in app.voice(demo_copy).periods}
    assert before.get(month) is None and after[month] == 0.0  # a promoter and a detractor
    answered = query(demo_copy, f"SELECT kind, score, text FROM feedback WHERE submitted_at >= DATE '{month}' "
                                "ORDER BY score")
    assert answered == [("nps", 3.0, None), ("nps", 10.0, "Quick delivery, lovely shop")]
    results = {s["survey"]: s for s in app.surveys(demo_copy).surveys}["nps"]
    assert (results["sent"], results["answered"], results["score"]) == (len(tokens), 2, 0.0)
    assert results["response_rate"] == pytest.approx(2 / len(tokens))


def test_a_made_up_altered_or_expired_link_is_refused(demo_copy):
    from regulars.playbooks import sign_link
    from regulars.store import open_workspace, survey_secret

    tokens = surveyed(demo_copy)
    action_id, survey, expires, signature = tokens[0].split(".")
    altered = f"{action_id}.{survey}.{int(expires) + 1}.{signature}"  # kept open longer by hand
    for bad in (altered, tokens[0][:-1], f"{'0' * 24}.nps.20991231.{signature}", "nonsense", ""):
        with pytest.raises(NotFoundError, match="not one we sent"):
            app.answer_survey(demo_copy, bad, 9)
    with open_workspace(demo_copy).store() as store:
        secret = survey_secret(store)
    expired = sign_link(secret, action_id, "nps", date.today() - timedelta(days=1))
    with pytest.raises(ClosedError, match="closed"):
        app.answer_survey(demo_copy, expired, 9)
    other = sign_link(secret, action_id, "csat", date.today() + timedelta(days=3))  # ours, not the survey sent
    with pytest.raises(SettingsError, match="not one we sent"):
        app.answer_survey(demo_copy, other, 4)
    assert query(demo_copy, "SELECT count(*) FROM survey_answers") == [(0,)]
    app.answer_survey(demo_copy, tokens[0], 9)  # the real link still works
