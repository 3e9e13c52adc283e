"""Surveys a playbook sent, answered by the customer through the signed link in the message: the
one question the link asks, the answer stored once as feedback (so it moves NPS, CSAT or CES and
is read for sentiment like any other), and each survey's sendings, answers and score."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from regulars.app._results import Result
from regulars.errors import SettingsError
from regulars.store import open_workspace

__all__ = ["SurveyAnswerResult", "SurveyQuestion", "SurveysResult", "answer_survey", "survey_question", "surveys"]

#: The longest written answer kept (a survey page's box, not a file).
MAX_WORDS = 5_000


@dataclass(frozen=True)
class SurveyQuestion(Result):
    """What a survey link asks: the question, and its scale from ``low`` to ``high`` with the
    words at each end (no scale: a written answer)."""

    survey: str
    question: str
    low: int | None
    high: int | None
    low_words: str
    high_words: str


@dataclass(frozen=True)
class SurveyAnswerResult(Result):
    """An answer kept: which survey, and the thanks the customer reads."""

    survey: str
    thanks: str


@dataclass(frozen=True)
class SurveysResult(Result):
    """Per survey sent: links sent, answers, the response rate and its score (NPS: % promoters
    minus % detractors; CSAT: % answering 4 or 5; CES: the mean, 1 hard to 7 easy)."""

    surveys: list[dict[str, Any]]


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def _opened(store: Any, token: str) -> tuple[str, str, dict[str, Any]]:
    """(action id, survey, the action) of a link that is ours, sent, open and not yet answered."""
    from regulars.errors import ClosedError
    from regulars.playbooks import read_link
    from regulars.store import survey_action, survey_secret

    action_id, survey = read_link(survey_secret(store), token, _now().date())
    action = survey_action(store, action_id)
    if action["survey"] != survey:  # signed for another survey than the one sent: not ours
        raise SettingsError("this survey link is not one we sent")
    if action["answered"]:
        raise ClosedError("this survey was answered already; thank you")
    return action_id, survey, action


def survey_question(workspace_path: str | Path, token: str) -> SurveyQuestion:
    """The question a link asks, once it is checked (ours, sent, open, not answered)."""
    from regulars.playbooks import SURVEYS

    with open_workspace(workspace_path).store() as store:
        _, survey, _ = _opened(store, token)
    s = SURVEYS[survey]
    return SurveyQuestion(survey=survey, question=s.question, low=s.low, high=s.high, low_words=s.low_words,
                          high_words=s.high_words)


def answer_survey(workspace_path: str | Path, token: str, score: Any, comment: str | None = None
                  ) -> SurveyAnswerResult:
    """Keep a customer's answer to the survey behind ``token``: once (a second answer, a made-up
    or expired link is refused), as a feedback row of the survey's kind."""
    from regulars.app._records import record
    from regulars.playbooks import SURVEYS
    from regulars.store import claim_answer, release_answer

    comment = (comment or "").strip() or None
    workspace = open_workspace(workspace_path)
    with workspace.store() as store:
        action_id, survey, action = _opened(store, token)
        s = SURVEYS[survey]
        value = _score(score, s)
        if value is None and comment is None:
            raise SettingsError("say a few words: that is the answer this survey asks for")
        if comment is not None and len(comment) > MAX_WORDS:
            raise SettingsError(f"an answer is at most {MAX_WORDS:,} characters; this was {len(comment):,}")
        at = _now()
        claim_answer(store, action_id, survey, action["customer_id"], at, value)
    try:
        record(workspace_path, "feedback", [{"customer_id": action["customer_id"], "submitted_at": at.isoformat(),
                                             "kind": s.kind, "score": value, "text": comment}])
    except Exception:
        with workspace.store() as store:
            release_answer(store, action_id)
        raise
    return SurveyAnswerResult(survey=survey, thanks="Thank you: your answer reached us.")


def _score(score: Any, s: Any) -> float | None:
    """The answer's score on the survey's scale (none for a written answer)."""
    if s.low is None:
        return None
    try:
        value = float(score)
    except (TypeError, ValueError):
        raise SettingsError(f"choose a score from {s.low} to {s.high}") from None
    if not value.is_integer() or not s.low <= value <= s.high:
        raise SettingsError(f"choose a whole score from {s.low} to {s.high}, not {score!r}")
    return value


def surveys(workspace_path: str | Path) -> SurveysResult:
    """Each survey the playbooks sent: sent, answered, response rate and score."""
    from regulars.metrics import answers_score
    from regulars.store import survey_counts

    with open_workspace(workspace_path).store(read_only=True) as store:
        found = survey_counts(store)
    out = []
    for r in found:
        scores = [float(v) for v in r["scores"] or []]
        out.append({"survey": r["survey"], "sent": r["sent"], "answered": r["answered"],
                    "response_rate": r["answered"] / r["sent"] if r["sent"] else None,
                    "score": answers_score(r["survey"], scores), "last_sent": r["last_sent"]})
    return SurveysResult(surveys=out)
