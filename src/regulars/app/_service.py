"""How fast and how well the shop answers: service times and SLAs per priority, channel, issue type,
agent and period, the backlog, tickets still waiting for a first reply, and the ticket volume ahead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from regulars.app._results import Result
from regulars.errors import InsufficientDataError, SettingsError
from regulars.store import customer_names, open_workspace, stored_tables

__all__ = ["ServiceResult", "service", "service_hours", "service_targets"]

#: Days of backlog shown, and tickets waiting for a reply listed.
BACKLOG_DAYS = 28
UNANSWERED_SHOWN = 50


@dataclass(frozen=True)
class ServiceResult(Result):
    """Service as of the latest time in the data (``as_of``): the schedule and SLA targets it is
    measured against; medians and SLA counts overall and by priority, channel, issue type, agent
    and period; open tickets per day; tickets waiting for a first reply longer than ``unanswered_hours``;
    the next two weeks' tickets per day for staffing; and what the data cannot tell (``cannot``)."""

    as_of: str
    hours: str
    sla_business_hours: bool
    targets: dict[str, dict[str, float]]
    tickets: int
    overall: dict[str, Any]
    by_priority: list[dict[str, Any]]
    by_channel: list[dict[str, Any]]
    by_category: list[dict[str, Any]]
    #: per agent the ticket is assigned to (empty where the tickets name none)
    by_agent: list[dict[str, Any]]
    by_period: list[dict[str, Any]]
    backlog: list[dict[str, Any]]
    unanswered_hours: float
    unanswered_count: int
    unanswered: list[dict[str, Any]]
    staffing: list[dict[str, Any]]
    staffing_model: str | None
    cannot: list[str]


def service_hours(settings: Any) -> Any:
    """The shop's business hours from its ``[service]`` settings."""
    from regulars._hours import BusinessHours

    s = settings.service
    return BusinessHours.of(s.hours, s.time_zone, s.holidays)


def service_targets(settings: Any) -> Any:
    """The shop's SLA targets from its ``[service]`` settings."""
    from regulars.metrics import SLA_METRICS, ServiceTargets

    s = settings.service
    return ServiceTargets({m: getattr(s, m) for m in SLA_METRICS if getattr(s, m)}, s.business_hours)


def service(workspace_path: str | Path, *, by: str = "month") -> ServiceResult:
    """Service times, SLAs, backlog, unanswered tickets and the ticket volume ahead."""
    from regulars.app._forecast import forecast_of
    from regulars.metrics import service_backlog, service_summary, ticket_service, unanswered

    if by not in ("week", "month"):
        raise SettingsError(f"--by must be week or month, got {by!r}")
    workspace = open_workspace(workspace_path)
    settings = workspace.settings
    hours, targets = service_hours(settings), service_targets(settings)
    with workspace.store(read_only=True) as store:
        if not store.count("tickets"):
            raise InsufficientDataError("no support tickets loaded yet: `regulars ingest DIR FILE --table tickets` "
                                        "(with ticket history, `--preset zendesk-ticket-history`, for wait times)")
        tables = stored_tables(store, "tickets", "ticket_changes")
        per_ticket = ticket_service(tables["tickets"], tables["ticket_changes"] if store.count("ticket_changes")
                                    else None, hours, targets=targets)
        try:
            ahead = forecast_of(store, "tickets", "day", 14)
        except InsufficientDataError:
            ahead = None
        waiting = unanswered(per_ticket, per_ticket.attrs["as_of"], settings.service.unanswered_hours)
        names = customer_names(store, waiting["customer_id"].dropna().astype(str).unique().tolist()[:UNANSWERED_SHOWN])
    as_of = per_ticket.attrs["as_of"]
    last = as_of.date()
    replies_known = per_ticket["first_reply_at"].notna().any()
    cannot = _cannot(per_ticket, replies_known)
    shown = waiting.head(UNANSWERED_SHOWN) if replies_known else waiting.head(0)
    return ServiceResult(
        as_of=f"{as_of:%Y-%m-%d %H:%M}", hours=hours.describe(), sla_business_hours=targets.business_hours,
        targets=targets.targets, tickets=len(per_ticket), overall=service_summary(per_ticket)[0],
        by_priority=service_summary(per_ticket, "priority_opened"), by_channel=service_summary(per_ticket, "channel"),
        by_category=service_summary(per_ticket, "category"), by_period=service_summary(per_ticket, by),
        by_agent=service_summary(per_ticket, "agent") if per_ticket["agent"].notna().any() else [],
        backlog=service_backlog(per_ticket, [last - timedelta(days=i) for i in range(BACKLOG_DAYS - 1, -1, -1)]),
        unanswered_hours=settings.service.unanswered_hours, unanswered_count=len(waiting) if replies_known else 0,
        unanswered=[{"ticket_id": r.ticket_id, "customer_id": r.customer_id,
                     "customer": names.get(str(r.customer_id), ""), "opened_at": f"{r.opened_at:%Y-%m-%d %H:%M}",
                     "waited_hours": round((as_of - r.opened_at).total_seconds() / 3600, 1),
                     "channel": r.channel, "text": r.text} for r in shown.itertuples()],
        staffing=[{"day": p["period"], "weekday": f"{p['period']:%A}", "expected": p["value"],
                   "low": p.get("low_80"), "high": p.get("high_80")} for p in ahead["points"]] if ahead else [],
        staffing_model=ahead["model"] if ahead else None, cannot=cannot)


def _cannot(per_ticket: Any, replies_known: bool) -> list[str]:
    """What the shop's ticket data cannot tell, in words."""
    out = []
    if not replies_known:
        out.append("first reply times: the tickets give no first response time and no replies are loaded")
    if not per_ticket["with_history"].any():
        out.append("wait times, reopens and on-hold time: they need each ticket's status history "
                   "(Zendesk: load ticket_field_history with `--preset zendesk-ticket-history`)")
    if per_ticket["replies"].isna().all():
        out.append("one-touch resolution: it needs the shop's replies to each ticket")
    if per_ticket["solved_at"].isna().all():
        out.append("resolution times: no ticket gives when it was solved")
    return out


#: The name unanswered tickets' tasks are queued under (as a playbook's are).
UNANSWERED_TASKS = "unanswered tickets"


def unanswered_tasks(workspace: Any, store: Any, run_id: str, at: Any) -> list[dict[str, Any]]:
    """A task for a person per ticket waiting for a first reply longer than the shop allows, keyed
    by the ticket so a run again queues nothing twice (none where the data has no reply times:
    then every ticket would look unanswered)."""
    from regulars.app._plan import action_key
    from regulars.metrics import ticket_service, unanswered

    if not store.count("tickets"):
        return []
    tables = stored_tables(store, "tickets", "ticket_changes")
    per_ticket = ticket_service(tables["tickets"], tables["ticket_changes"] if store.count("ticket_changes") else None,
                                service_hours(workspace.settings))
    if not per_ticket["first_reply_at"].notna().any():
        return []
    limit = workspace.settings.service.unanswered_hours
    rows = []
    for r in unanswered(per_ticket, per_ticket.attrs["as_of"], limit).itertuples():
        words = (f"Reply to ticket {r.ticket_id}: no first reply since {r.opened_at:%d %b %Y %H:%M} "
                 f"(more than {limit:g} hours)")
        rows.append({"action_id": action_key(UNANSWERED_TASKS, f"ticket {r.ticket_id}", 0, r.opened_at),
                     "created_at": at, "planned_at": at, "run_id": run_id, "customer_id": r.customer_id,
                     "playbook": UNANSWERED_TASKS, "step": 0, "channel": "task", "template": None,
                     "subject": words, "body": words, "url": None, "owner": "support lead", "due_on": at.date(),
                     "priority": 90.0, "value": 0.0, "cost": 0.0, "why": words, "deliver_at": at,
                     "status": "queued"})
    return rows
