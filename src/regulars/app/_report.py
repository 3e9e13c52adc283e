"""``report``: the shop's figures as one self-contained HTML file, written atomically, and
(when asked) sent by email through the workspace's SMTP settings."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from regulars.app._results import Result
from regulars.errors import InsufficientDataError, SettingsError

__all__ = ["ReportResult", "report"]


@dataclass(frozen=True)
class ReportResult(Result):
    file: str
    size: int
    emailed_to: list[str]


def report(workspace_path: str | Path, html: str | Path, *, email_to: list[str] | None = None) -> ReportResult:
    """Write the report to ``html``; with ``email_to``, also send it (as the message's HTML)
    through ``[delivery]``'s SMTP server."""
    from regulars._files import atomic_write_text
    from regulars.app._business import business
    from regulars.app._measure import playbook_results
    from regulars.app._overview import overview
    from regulars.app._segments import segments
    from regulars.app._service import service
    from regulars.app._surveys import surveys
    from regulars.app._voice import voice
    from regulars.report import render_report
    from regulars.store import open_workspace

    workspace = open_workspace(workspace_path)
    target = Path(html)
    if target.is_dir():
        raise SettingsError(f"{target}: is a folder; give the report's file name (report.html)")
    if not target.parent.exists():
        raise SettingsError(f"{target.parent}: no such folder for the report")
    found = overview(workspace_path).to_dict()
    try:
        moved: dict[str, Any] | None = segments(workspace_path).to_dict()
    except InsufficientDataError:
        moved = None
    made_at = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    said: dict[str, dict[str, Any] | None] = {}
    for name, read in (("voice", voice), ("service", service)):
        try:
            said[name] = read(workspace_path).to_dict()
        except InsufficientDataError:  # no texts, no tickets: the section is left out
            said[name] = None
    from regulars.app._overview import models
    from regulars.scores import model_alerts

    try:
        warned = model_alerts(models(workspace_path).models)
    except InsufficientDataError:
        warned = []
    text = render_report(workspace.path.name, found, moved, playbook_results(workspace_path).to_dict(), made_at,
                         business(workspace_path).to_dict(), surveys=surveys(workspace_path).surveys,
                         model_alerts=warned, **said)
    atomic_write_text(target, text)
    sent = []
    if email_to:
        _email(workspace, text, email_to, made_at)
        sent = list(email_to)
    return ReportResult(file=str(target), size=len(text.encode("utf-8")), emailed_to=sent)


def _email(workspace: Any, text: str, to: list[str], made_at: str) -> None:
    """The report as an HTML email (with a plain-text line) to each of ``to``."""
    from regulars.errors import DeliveryError
    from regulars.outbox import build_email, smtp_sender

    d = workspace.settings.delivery
    if not (d.smtp_host and d.from_address):
        raise SettingsError("emailing the report needs delivery.smtp_host and delivery.from_address in regulars.toml")
    subject = f"{workspace.path.name}: your regulars report, {made_at}"
    with smtp_sender(workspace.path, d) as smtp:
        for address in to:
            key = "report-" + hashlib.sha256(f"{address}|{made_at}".encode()).hexdigest()[:16]
            outcome = smtp.send(build_email(d.from_address, address, subject,
                                            "Your regulars report is attached as HTML; open it in any browser.",
                                            key, html=text))
            if not outcome.ok:
                raise DeliveryError(f"the report could not be emailed to {address}: {outcome.detail}")
