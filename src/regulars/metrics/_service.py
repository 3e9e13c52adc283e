"""How fast and how well the shop answers: per-ticket service times and SLAs, as Zendesk defines them.

- **First reply**: from the ticket's creation to the first public reply by the shop (a ``reply``
  change, or the ticket's ``first_response_at``).
- **First resolution**: creation to the first time the ticket was solved; **full resolution**:
  creation to the last time (a ticket never solved but closed counts its closing). **Reopens**:
  solves less one.
- **Requester wait**: time in ``new``, ``open`` and ``hold`` (the customer waits on the shop);
  **agent wait**: time in ``pending`` (the shop waits on the customer); **agent work**: ``new`` and
  ``open``; **on hold**: ``hold``. These need the ticket's status history.
- **One touch**: solved with a single reply (needs the replies).
- **SLA**: a target in minutes per priority for first reply, requester wait or agent work, counted
  from creation in business or calendar minutes, with the priority the ticket had when opened. A
  target is breached when it elapses before its event (the reply; the end of the waiting); still
  running and not yet elapsed, it is pending.

Every time comes in calendar minutes and in business minutes (``regulars._hours``). Where only
creation and solving times are known, what needs the history is left empty and said so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pandas as pd

from regulars._hours import BusinessHours

__all__ = ["SLA_METRICS", "STATUS_TIMES", "ServiceTargets", "latest_time", "service_backlog", "service_summary",
           "ticket_service", "unanswered"]

#: Which statuses each waiting time adds up (Zendesk's definitions; "on-hold" is read as "hold").
STATUS_TIMES = {"requester_wait": ("new", "open", "hold"), "agent_wait": ("pending",),
                "agent_work": ("new", "open"), "on_hold": ("hold",)}
SLA_METRICS = ("first_reply", "requester_wait", "agent_work")
_STATUS_NAMES = {"on-hold": "hold", "on hold": "hold", "onhold": "hold"}
_DONE = ("solved", "closed")


@dataclass(frozen=True)
class ServiceTargets:
    """SLA targets in minutes: metric -> priority -> minutes (a ticket with no priority, or one not
    listed, takes "normal"), counted in business minutes unless ``business_hours`` is false."""

    targets: dict[str, dict[str, float]] = field(default_factory=dict)
    business_hours: bool = True

    def target(self, metric: str, priority: Any) -> float | None:
        by = self.targets.get(metric) or {}
        key = str(priority).strip().lower() if isinstance(priority, str) and priority.strip() else "normal"
        return by.get(key, by.get("normal"))


def _history(changes: pd.DataFrame | None, name: str) -> pd.DataFrame:
    """One field's changes, oldest first, exact repeats dropped."""
    if changes is None or changes.empty:
        changes = pd.DataFrame({"ticket_id": [], "changed_at": [], "field": [], "value": []})
    h = changes[changes["field"].astype(str).str.lower() == name][["ticket_id", "changed_at", "value"]]
    h = h.assign(ticket_id=h["ticket_id"].astype(str), changed_at=pd.to_datetime(h["changed_at"]),
                 value=h["value"].astype(str).str.strip().str.lower())
    h = h.dropna(subset=["changed_at"]).drop_duplicates()
    return h.sort_values(["ticket_id", "changed_at"], kind="stable")


def _status_spans(status: pd.DataFrame, now: datetime) -> pd.DataFrame:
    """Each status a ticket was in, from when to when (the last one lasts until now, unless solved
    or closed: a finished ticket waits on nobody)."""
    s = status.assign(value=status["value"].replace(_STATUS_NAMES))
    s = s[s["value"] != s.groupby("ticket_id")["value"].shift()]  # a status set again is no change
    ends = s.groupby("ticket_id")["changed_at"].shift(-1)
    last = ends.isna()
    ends = ends.where(~last, pd.Timestamp(now))
    s = s.assign(ended_at=ends)
    return s[~(last & s["value"].isin(_DONE))]


def _counted(spans: pd.DataFrame, statuses: tuple[str, ...], hours: BusinessHours,
             since: pd.Series | None = None) -> pd.DataFrame:
    """Calendar and business minutes each ticket spent in ``statuses`` (from ``since`` on, if given)."""
    s = spans[spans["value"].isin(statuses)]
    start = s["changed_at"]
    if since is not None:
        start = start.where(start >= s["ticket_id"].map(since), s["ticket_id"].map(since))
    end = s["ended_at"].where(s["ended_at"] > start, start)
    calendar = (end - start) / pd.Timedelta(minutes=1)
    business = hours.between(start, end)
    out = pd.DataFrame({"ticket_id": s["ticket_id"].to_numpy(), "calendar": calendar.to_numpy(),
                        "business": business})
    return out.groupby("ticket_id")[["calendar", "business"]].sum()


def _frame(table: Any) -> pd.DataFrame | None:
    """A table as a data frame (a stored table is read here)."""
    return table.to_pandas() if hasattr(table, "to_pandas") else table


def latest_time(tickets: pd.DataFrame, changes: pd.DataFrame | None) -> datetime | None:
    """The latest moment the shop's service data speaks of: "now" for tickets still open."""
    seen = [pd.to_datetime(tickets[c]).max() for c in ("opened_at", "resolved_at", "first_response_at") if c in tickets]
    if changes is not None and len(changes):
        seen.append(pd.to_datetime(changes["changed_at"]).max())
    seen = [s for s in seen if pd.notna(s)]
    return max(seen).to_pydatetime() if seen else None


def ticket_service(tickets: Any, changes: Any, hours: BusinessHours, now: datetime | None = None,
                   targets: ServiceTargets | None = None) -> pd.DataFrame:
    """One row per ticket: its reply, resolution and waiting times in calendar and business minutes,
    reopens, replies, one touch, and per SLA metric its target, breach time and status.

    ``tickets``: ticket_id, opened_at, resolved_at, first_response_at, priority, status, channel,
    category, agent, text; ``changes``: ticket_id, changed_at, field (status, priority, reply), value
    (data frames or stored tables); ``now``: the latest time in them when not given."""
    tickets, changes = _frame(tickets), _frame(changes)
    now = now or latest_time(tickets, changes) or datetime(2000, 1, 1)
    t = tickets.assign(ticket_id=tickets["ticket_id"].astype(str)).drop_duplicates("ticket_id").set_index("ticket_id")
    opened = pd.to_datetime(t["opened_at"])
    status, priority, replies = (_history(changes, n) for n in ("status", "priority", "reply"))
    status = status[status["ticket_id"].isin(t.index)]
    with_history = pd.Series(t.index.isin(status["ticket_id"]), index=t.index)
    out = pd.DataFrame(index=t.index)
    out["opened_at"] = opened
    out["with_history"] = with_history
    for c in ("customer_id", "channel", "category", "priority", "status", "agent", "text"):
        out[c] = t[c] if c in t else None

    # the priority the ticket had when opened: the last set at or before, else the first set
    p = priority[priority["ticket_id"].isin(t.index)]
    p = p.assign(before=p["changed_at"] <= p["ticket_id"].map(opened))
    first_p = p.sort_values(["ticket_id", "before", "changed_at"], ascending=[True, False, False], kind="stable")
    out["priority_opened"] = first_p.drop_duplicates("ticket_id").set_index("ticket_id")["value"] \
        .reindex(t.index).fillna(out["priority"])

    reply = replies[replies["ticket_id"].isin(t.index)]
    reply = reply[reply["changed_at"] >= reply["ticket_id"].map(opened)]
    first_reply = pd.to_datetime(reply.groupby("ticket_id")["changed_at"].min().reindex(t.index))
    given = pd.to_datetime(t["first_response_at"]) if "first_response_at" in t else pd.Series(pd.NaT, index=t.index)
    out["first_reply_at"] = first_reply.where(first_reply.notna() & ~(given < first_reply), given)
    counted_replies = reply.groupby("ticket_id").size().reindex(t.index).fillna(0)
    out["replies"] = counted_replies if len(replies) else pd.Series(float("nan"), index=t.index)

    solves = status[status["value"] == "solved"]
    closes = status[status["value"] == "closed"]
    first_solve = pd.to_datetime(solves.groupby("ticket_id")["changed_at"].min().reindex(t.index))
    last_solve = pd.to_datetime(solves.groupby("ticket_id")["changed_at"].max().reindex(t.index))
    closed = pd.to_datetime(closes.groupby("ticket_id")["changed_at"].min().reindex(t.index))
    resolved = pd.to_datetime(t["resolved_at"]) if "resolved_at" in t else pd.Series(pd.NaT, index=t.index)
    out["first_solved_at"] = first_solve.fillna(closed).where(with_history, resolved)
    out["solved_at"] = last_solve.fillna(closed).where(with_history, resolved)
    out["reopens"] = (solves.groupby("ticket_id").size().reindex(t.index).fillna(0) - 1).clip(lower=0) \
        .where(with_history)
    out["one_touch"] = (out["solved_at"].notna() & (out["replies"] == 1)).where(out["replies"].notna())

    for name, at in (("first_reply", "first_reply_at"), ("first_resolution", "first_solved_at"),
                     ("full_resolution", "solved_at")):
        out[f"{name}_minutes"] = (out[at] - opened) / pd.Timedelta(minutes=1)
        out[f"{name}_business_minutes"] = hours.between(opened, out[at])

    spans = _status_spans(status, now)
    for name, statuses in STATUS_TIMES.items():
        counted = _counted(spans, statuses, hours).reindex(t.index).fillna(0)
        out[f"{name}_minutes"] = counted["calendar"].where(with_history)
        out[f"{name}_business_minutes"] = counted["business"].where(with_history)
    if targets is not None:
        _slas(out, spans, hours, targets, now)
    out = out.reset_index()
    out.attrs["as_of"] = pd.Timestamp(now)
    return out


def _slas(out: pd.DataFrame, spans: pd.DataFrame, hours: BusinessHours, targets: ServiceTargets,
          now: datetime) -> None:
    """Each SLA metric's target, breach time and status (achieved, breached, pending) per ticket."""
    counting = hours if targets.business_hours else BusinessHours()
    for metric in SLA_METRICS:
        target = out["priority_opened"].map(lambda p, m=metric: targets.target(m, p))
        breach = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")
        done_at = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")
        aimed = target.notna()
        if metric == "first_reply":
            if aimed.any():
                breach[aimed] = counting.after_each(out.loc[aimed, "opened_at"], target[aimed])
            done_at = out["first_reply_at"]
        else:  # waiting is measured from the status history: a ticket without one has no such SLA
            aimed &= out["with_history"]
            by_ticket = dict(tuple(spans.groupby("ticket_id"))) if aimed.any() else {}
            for tid in out.index[aimed]:
                breach[tid], done_at[tid] = _wait_breach(by_ticket.get(tid, spans.head(0)), STATUS_TIMES[metric],
                                                         out.at[tid, "opened_at"], float(target[tid]), counting, now)
        state = pd.Series(None, index=out.index, dtype=object)
        for tid in out.index[aimed]:
            state[tid] = _state(breach[tid], done_at[tid], now)
        out[f"{metric}_target"] = target.where(aimed)
        out[f"{metric}_breach_at"] = breach
        out[f"{metric}_sla"] = state


def _wait_breach(spans: pd.DataFrame, statuses: tuple[str, ...], start: datetime, target: float,
                 hours: BusinessHours, now: datetime) -> tuple[Any, Any]:
    """When the minutes in ``statuses`` since ``start`` reach ``target`` (NaT if they never do), and
    when the waiting ended (the end of its last stretch, NaT while it goes on)."""
    used, breach = 0.0, pd.NaT
    counted = spans[spans["value"].isin(statuses)]
    for s, e in zip(counted["changed_at"], counted["ended_at"], strict=True):
        s = max(s, start)
        if e <= s:
            continue
        took = float(hours.between([s], [e])[0])
        if pd.isna(breach) and used + took >= target:
            breach = hours.after(s.to_pydatetime(), target - used)
        used += took
    still = len(counted) and counted["ended_at"].iloc[-1] == spans["ended_at"].max() == pd.Timestamp(now)
    return breach, pd.NaT if still else (counted["ended_at"].max() if len(counted) else start)


def _state(breach: Any, done_at: Any, now: datetime) -> str:
    """An SLA's status: achieved when its event came first, breached once its target elapsed, else pending."""
    if pd.isna(breach):
        return "achieved" if pd.notna(done_at) else "pending"
    if pd.notna(done_at) and done_at <= breach:
        return "achieved"
    return "breached" if breach <= pd.Timestamp(now) else "pending"


def unanswered(service: pd.DataFrame, now: datetime, hours: float) -> pd.DataFrame:
    """Tickets still waiting for a first reply, not solved, opened more than ``hours`` ago."""
    waiting = service["first_reply_at"].isna() & service["solved_at"].isna() \
        & ~service["status"].astype(str).str.lower().isin(_DONE) \
        & (service["opened_at"] < pd.Timestamp(now) - timedelta(hours=hours))
    return service[waiting].sort_values("opened_at")


def service_backlog(service: pd.DataFrame, days: list[Any]) -> list[dict[str, Any]]:
    """Tickets open at the end of each day: opened by then and not yet solved (a ticket marked
    solved or closed with no time of solving is left out: when it stopped waiting is unknown)."""
    known = service[service["solved_at"].notna() | ~service["status"].astype(str).str.lower().isin(_DONE)]
    out = []
    for day in days:
        end = pd.Timestamp(day) + pd.Timedelta(days=1)
        open_ = (known["opened_at"] < end) & ~(known["solved_at"] < end)
        out.append({"day": day, "open": int(open_.sum())})
    return out


def service_summary(service: pd.DataFrame, by: str | None = None) -> list[dict[str, Any]]:
    """Per group (``by``: channel, category, agent, priority (most urgent first), week or month of
    opening, or None for all): tickets, median first reply and full resolution (calendar and business hours), reopened and one-touch shares, and per SLA
    metric how many were achieved and breached."""
    if by in ("week", "month"):
        service = service.assign(**{by: service["opened_at"].dt.to_period(by[0].upper()).dt.start_time.dt.date})
    groups = [("all", service)] if by is None else [
        (str(k) if k == k and k is not None and str(k).strip() else "not given", g)
        for k, g in service.groupby(service[by].fillna(""), sort=True)]
    groups.sort(key=lambda kg: kg[0] == "not given")  # the tickets that do not say, last
    if by == "priority_opened":  # most urgent first, as a support lead reads them
        rank = {p: i for i, p in enumerate(("urgent", "high", "normal", "low"))}
        groups.sort(key=lambda kg: rank.get(kg[0].lower(), len(rank)))
    out = []
    for name, g in groups:
        row: dict[str, Any] = {"group": name, "tickets": len(g)}
        for m in ("first_reply", "full_resolution", "requester_wait"):
            for kind, col in (("hours", f"{m}_minutes"), ("business_hours", f"{m}_business_minutes")):
                v = g[col].dropna()
                row[f"{m}_{kind}"] = round(float(v.median()) / 60, 2) if len(v) else None
        solved = g[g["solved_at"].notna()]
        row["solved"] = len(solved)
        reopen = solved["reopens"].dropna()
        row["reopened_share"] = round(float((reopen > 0).mean()), 3) if len(reopen) else None
        touch = solved["one_touch"].dropna()
        row["one_touch_share"] = round(float(touch.astype(bool).mean()), 3) if len(touch) else None
        for metric in SLA_METRICS:
            col = f"{metric}_sla"
            if col in g and g[col].notna().any():
                row[f"{metric}_achieved"] = int((g[col] == "achieved").sum())
                row[f"{metric}_breached"] = int((g[col] == "breached").sum())
                row[f"{metric}_pending"] = int((g[col] == "pending").sum())
                decided = row[f"{metric}_achieved"] + row[f"{metric}_breached"]
                row[f"{metric}_met_share"] = round(row[f"{metric}_achieved"] / decided, 3) if decided else None
        out.append(row)
    return out
