"""The FAQ assistant: a customer's question answered from the FAQ the shop wrote (``faq.yaml`` in
the workspace), with how sure it is; below ``[voice] faq_min_confidence``, or when the question
reads angry, a person takes it over (a task with the question). Every question is kept and
measured: answered, handed over, resolved without a ticket."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from regulars.app._results import Result
from regulars.errors import InsufficientDataError, SettingsError
from regulars.store import open_workspace

__all__ = ["FAQ_FILE", "FaqAnswer", "FaqResult", "ask", "faq"]

FAQ_FILE = "faq.yaml"
#: The longest question taken (a chat box, not a letter).
MAX_QUESTION = 2_000
#: Under this name a handed-over question's task is queued (as a playbook's are).
FAQ_TASKS = "faq assistant"


@dataclass(frozen=True)
class FaqAnswer(Result):
    """The assistant's reply: the answer (none when handed over) from the FAQ entry it matched,
    its links, how sure it is (0-1), and whether a person took the question over, and why."""

    question: str
    answer: str | None
    matched: str | None
    links: list[str]
    confidence: float
    handed_over: bool
    why: str


@dataclass(frozen=True)
class FaqResult(Result):
    """The FAQ and how it serves: entries, questions asked, answered, handed over, and of those
    answered for a known customer how many were followed by no ticket within ``ticket_days``
    (resolved without one); the latest questions handed over (worth an entry)."""

    entries: int
    min_confidence: float
    ticket_days: int
    asked: int
    answered: int
    handed_over: int
    answered_known: int
    resolved: int
    resolved_share: float | None
    handed_over_questions: list[dict[str, Any]]


def _entries(workspace: Any) -> list[Any]:
    from regulars.models.faq import read_faq

    path = workspace.path / FAQ_FILE
    if not path.exists():
        raise InsufficientDataError(f"no FAQ yet: write {path} as a list of entries, each with a question and an "
                                    "answer (and, if you like, also: other wordings, links: addresses)")
    return read_faq(path)


def ask(workspace_path: str | Path, question: str, *, customer_id: str | None = None, channel: str = "api",
        contact: str | None = None, at: datetime | None = None, keep: bool = True) -> FaqAnswer:
    """Answer ``question`` from the FAQ, or hand it to a person (``contact``: how to reach the
    asker, for the person's task); kept either way, unless ``keep`` is off (a suggestion shown
    before anyone asked)."""
    from regulars.enrich.sentiment import LexiconSentiment, label_of
    from regulars.models.faq import FaqRetriever
    from regulars.store import keep_question

    question = " ".join(str(question or "").split())
    if not question:
        raise SettingsError("ask a question: it was empty")
    if len(question) > MAX_QUESTION or "\x00" in question or "\x00" in (contact or ""):
        raise SettingsError(f"a question is at most {MAX_QUESTION:,} characters of text")
    workspace = open_workspace(workspace_path)
    settings = workspace.settings.voice
    entries = _entries(workspace)
    best, confidence = FaqRetriever().fit(entries).answer(question)
    feeling = float(LexiconSentiment(settings.words).score([question])[0])
    unsure = best is None or confidence < settings.faq_min_confidence
    handed = unsure or label_of(feeling) == "negative"
    if label_of(feeling) == "negative":
        why = "the question reads unhappy: a person answers it"
    elif unsure:
        why = (f"not sure enough ({confidence:.0%} of the question matched an answer, "
               f"{settings.faq_min_confidence:.0%} needed): a person answers it")
    else:
        why = f"{confidence:.0%} of the question matched this answer"
    at = at or datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
    key = hashlib.sha256(f"{at.isoformat()}\x1f{customer_id}\x1f{question}".encode()).hexdigest()[:24]
    entry = entries[best] if best is not None else None
    row = {"question_id": key, "asked_at": at, "customer_id": customer_id, "question": question,
           "entry": entry.question if entry else None, "confidence": confidence, "sentiment": round(feeling, 3),
           "outcome": "handed over" if handed else "answered", "channel": channel}
    if keep:
        with workspace.store() as store:
            keep_question(store, row, _task(key, at, customer_id, question, entry, why, contact) if handed else None)
    return FaqAnswer(question=question, answer=None if handed else entry.answer, matched=entry.question if entry
                     else None, links=[] if handed else list(entry.links), confidence=confidence, handed_over=handed,
                     why=why)


def _task(key: str, at: datetime, customer_id: str | None, question: str, entry: Any, why: str,
          contact: str | None = None) -> Any:
    """The person's task for a handed-over question: the question, how to reach the asker, and
    the nearest answer."""
    import pandas as pd

    body = (f"A customer asked: \"{question}\"" + (f"\nReply to: {contact}" if contact else "")
            + (f"\nNearest FAQ answer ({entry.question}): {entry.answer}" if entry else ""))
    return pd.DataFrame([{
        "action_id": key, "created_at": at, "planned_at": at, "run_id": None, "customer_id": customer_id,
        "playbook": FAQ_TASKS, "step": 0, "channel": "task", "template": None,
        "subject": f"Answer a customer's question: {question[:120]}", "body": body, "url": None, "owner": "support",
        "due_on": (at + timedelta(days=1)).date(), "priority": 80.0, "value": 0.0, "cost": 0.0, "why": why,
        "deliver_at": at, "status": "queued"}])


def faq(workspace_path: str | Path) -> FaqResult:
    """The FAQ's entries and how the assistant served: answered, handed over, resolved."""
    from regulars.store import faq_outcomes

    workspace = open_workspace(workspace_path)
    entries = _entries(workspace)
    days = workspace.settings.voice.faq_ticket_days
    with workspace.store(read_only=True) as store:
        found = faq_outcomes(store, None, days)
    return FaqResult(entries=len(entries), min_confidence=workspace.settings.voice.faq_min_confidence,
                     ticket_days=days, resolved_share=found["resolved"] / found["answered_known"]
                     if found["answered_known"] else None, **found)
