"""The engagement-quality scorecard: relevance, timeliness, personalisation, helpfulness and
consistency over the last days of messages, each with its formula, and Return on Engagement
weighted as the owner says (``[voice] engagement_weights``), beside each playbook's revenue-based
return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from regulars.app._results import Result
from regulars.errors import InsufficientDataError, SettingsError
from regulars.store import open_workspace

__all__ = ["QualityResult", "engagement_quality"]


@dataclass(frozen=True)
class QualityResult(Result):
    """The scorecard of the ``days`` before the latest message (``since`` to ``until``): each
    measure's value 0-1 (None: nothing measures it yet), formula and weight; Return on Engagement
    (their weighted mean, of the measured ones); how many messages, playbook messages and people it
    read; and each playbook's return on its cost, in words (revenue-based, beside it)."""

    since: str
    until: str
    days: int
    measures: list[dict[str, Any]]
    return_on_engagement: float | None
    messages: int
    playbook_messages: int
    people: int
    roi: list[dict[str, Any]]


def engagement_quality(workspace_path: str | Path, *, days: int = 90) -> QualityResult:
    """The scorecard over the last ``days`` of messages."""
    from regulars.app._measure import measured_results
    from regulars.app._playbook_file import read_playbooks
    from regulars.app._service import service
    from regulars.metrics import engagement_quality as scorecard
    from regulars.playbooks import template_fields
    from regulars.store import csat_scores, faq_outcomes, latest_message_time, quality_messages

    if not 7 <= days <= 730:
        raise SettingsError(f"--days must be from 7 to 730, got {days}")
    workspace, _, _, found, _ = read_playbooks(workspace_path)
    settings = workspace.settings
    with workspace.store(read_only=True) as store:
        latest = latest_message_time(store)
        if latest is None:
            raise InsufficientDataError("no messages sent yet: the scorecard reads what was sent and what followed")
        until = latest + timedelta(seconds=1)
        since = until - timedelta(days=days)
        messages = quality_messages(store, since, until, settings.results.attribution_days)
        csat = csat_scores(store, since, until)
        asked = faq_outcomes(store, since, settings.voice.faq_ticket_days)
    try:
        on_time = service(workspace_path).overall.get("first_reply_met_share")
    except InsufficientDataError:
        on_time = None
    personal = {name for name, t in found.templates.items() if template_fields(t) - {"survey_link"}}
    card = scorecard(messages, personal, csat, asked["resolved"] / asked["answered_known"]
                     if asked["answered_known"] else None, on_time, settings.voice.engagement_weights)
    results = measured_results(workspace, found).playbooks
    return QualityResult(since=f"{since:%Y-%m-%d}", until=f"{latest:%Y-%m-%d}", days=days,
                         roi=[{"playbook": p["playbook"], "roi": p.get("roi")} for p in results if p.get("roi")],
                         **card)
