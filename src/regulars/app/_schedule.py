"""Scheduled work while ``regulars serve`` runs: the daily run (score, then queue the
playbooks' plan), deliveries every few minutes, and the weekly report, at the local times of
``[serve]``. Each job runs once per slot (the time it fell due); one that never finished (the
server was killed) is due again, and a run killed half-way leaves the previous run in place,
because a run is stored in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from regulars.app._results import Result
from regulars.errors import RegularsError
from regulars.store import finish_job, last_slots, open_workspace, start_job

__all__ = ["JOBS", "ScheduleResult", "due_jobs", "run_due", "slots"]

JOBS = ("daily-run", "deliver", "weekly-report")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class ScheduleResult(Result):
    """The jobs that ran at ``at``, each with its slot, outcome (done or failed) and detail."""

    at: datetime
    jobs: list[dict[str, Any]]


def _at(day: datetime, hhmm: str) -> datetime:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0)


def slots(serve: Any, now: datetime) -> dict[str, datetime]:
    """Each scheduled job's latest slot at or before ``now`` (jobs not scheduled are absent)."""
    out = {}
    if serve.daily_run_at:
        today = _at(now, serve.daily_run_at)
        out["daily-run"] = today if today <= now else today - timedelta(days=1)
    if serve.deliver_every_minutes:
        step = serve.deliver_every_minutes * 60
        start = now.replace(hour=0, minute=0, second=0, microsecond=0)
        out["deliver"] = start + timedelta(seconds=int((now - start).total_seconds() // step * step))
    if serve.report_day:
        back = (now.weekday() - DAYS.index(serve.report_day)) % 7
        slot = _at(now - timedelta(days=back), serve.report_at)
        out["weekly-report"] = slot if slot <= now else slot - timedelta(days=7)
    return out


def due_jobs(serve: Any, done: dict[str, datetime], now: datetime) -> dict[str, datetime]:
    """The jobs whose latest slot has not run to an end yet: job -> slot."""
    return {job: slot for job, slot in slots(serve, now).items() if done.get(job) is None or done[job] < slot}


def _work(workspace_path: str | Path, job: str, slot: datetime, report_to: str) -> str:
    from regulars import app

    if job == "daily-run":
        ran = app.run(workspace_path)
        queued = app.run_playbooks(workspace_path, by="schedule")
        return f"run {ran.run_id} scored {ran.customers:,} customers; {queued.queued:,} actions queued"
    if job == "deliver":
        sent = app.deliver(workspace_path, by="schedule")
        return "; ".join(f"{k} {v:,}" for k, v in sent.outcomes.items()) or "nothing due"
    folder = Path(workspace_path) / "reports"
    folder.mkdir(exist_ok=True)
    to = [a.strip() for a in report_to.split(",") if a.strip()]
    made = app.report(workspace_path, folder / f"report-{slot:%Y-%m-%d}.html", email_to=to or None)
    return f"wrote {made.file}" + (f", emailed to {', '.join(made.emailed_to)}" if made.emailed_to else "")


def run_due(workspace_path: str | Path, now: datetime) -> ScheduleResult:
    """Run every job that is due at ``now`` (local time), in order; a job that fails is logged
    with its reason and the others still run."""
    workspace = open_workspace(workspace_path)
    serve = workspace.settings.serve
    with workspace.store(read_only=True) as store:
        due = due_jobs(serve, last_slots(store), now)
    ran = []
    for job in (j for j in JOBS if j in due):
        slot = due[job]
        with workspace.store() as store:
            start_job(store, job, slot, now)
        try:
            detail, outcome = _work(workspace_path, job, slot, serve.report_to), "done"
        except RegularsError as exc:
            detail, outcome = str(exc), "failed"
        with workspace.store() as store:
            finish_job(store, job, slot, datetime.now(), outcome, detail)
        ran.append({"job": job, "slot": slot, "outcome": outcome, "detail": detail})
    return ScheduleResult(at=now, jobs=ran)
