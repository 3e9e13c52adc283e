"""Reactions: an event, order, ticket or feedback that arrives (by the API or a small ingest)
evaluates the event and ticket playbooks for its customers at once, through the same guards
as the daily plan, and queues what they start. Scores, segments and dates stay with the daily
plan. ``regulars serve`` reacts a few times a second; each reaction takes every batch stored
since the last one, so a burst of small requests costs one plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from regulars.app._results import Result

__all__ = ["ReactResult", "react", "start_reactor"]


@dataclass(frozen=True)
class ReactResult(Result):
    """What a reaction did: the batches it took (through batch number ``through``), how many
    customers they touched, and what it queued, left for approval or held out. ``started``: the
    first reaction in this workspace, which only marks where reactions begin."""

    through: int
    batches: int = 0
    customers: int = 0
    queued: int = 0
    waiting: int = 0
    held_out: int = 0
    started: bool = False


#: How far ahead of this clock a sender's clock may be: an event stamped a little after now
#: still counts in the reaction to it.
CLOCK_SKEW = timedelta(minutes=5)


def _moment(latest: datetime | None) -> datetime:
    """Now (UTC), or just after the latest thing that arrived if a sender's clock runs a little
    ahead (the planner sees what happened before its moment)."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    if latest is None or latest < now:
        return now
    return min(latest + timedelta(microseconds=1), now + CLOCK_SKEW)


def _narrowed(fields: Any, pairs: Any, customers: list[str]) -> tuple[Any, Any]:
    """The fields and memberships of ``customers`` only; one the latest run has not seen yet
    (they arrived since) gets a row of unknowns, so their events still count."""
    import numpy as np
    import pandas as pd

    rows = fields.reindex(pd.Index(customers, name=fields.index.name))
    position = fields.index.get_indexer(rows.index)
    known = position >= 0
    kept = pairs[np.isin(pairs["row"].to_numpy(), position[known])]
    new_row = pd.Series(np.arange(len(rows))[known], index=position[known])
    narrowed = pd.DataFrame({"row": new_row.reindex(kept["row"].to_numpy()).to_numpy(), "segment": kept["segment"]})
    return rows, narrowed.reset_index(drop=True)


def _playbooks(workspace_path: str | Path, cache: dict[str, Any] | None) -> tuple[Path, Any]:
    """The playbook file and its playbooks, parsed again only when the file changed (parsing
    the YAML took a third of a reaction)."""
    from regulars.app._playbook_file import PLAYBOOKS_FILE, file_hash, read_playbooks

    path = Path(workspace_path) / PLAYBOOKS_FILE
    try:
        version = file_hash(path.read_text(encoding="utf-8"))
    except OSError:
        version = None
    kept = (cache or {}).get("playbooks")
    if version is None or kept is None or kept[0] != version:
        _, path, _, found, version = read_playbooks(workspace_path)
        kept = (version, path, found)
        if cache is not None:
            cache["playbooks"] = kept
    return kept[1], kept[2]


def react(workspace_path: str | Path, *, at: datetime | None = None, cache: dict[str, Any] | None = None,
          by: str = "reaction") -> ReactResult:
    """Evaluate the enabled event and ticket playbooks for the customers of every batch stored
    since the last reaction, as of ``at`` (now, UTC), and queue what they start; the reaction's
    mark moves in the same transaction, so a process killed midway leaves the batches to the
    next reaction and the actions' keys keep anything from being queued twice. ``cache`` (a dict
    a long-lived caller keeps) spares reading the latest run's fields again."""
    import pandas as pd

    from regulars.app._consent import message_links
    from regulars.app._outbox import outbox_rows, survey_links
    from regulars.app._plan import checked, situated, with_messages
    from regulars.store import (
        open_workspace,
        queue_actions,
        queued_on,
        reaction_log,
        reaction_mark,
        reaction_pending,
        start_reactions,
    )

    workspace = open_workspace(workspace_path)
    with workspace.store(read_only=True) as store:
        mark = reaction_mark(store)
        if mark is not None:
            through, batches, customers, latest = reaction_pending(store, mark)
            at = at or _moment(latest)
    if mark is None:
        with workspace.store() as store:
            return ReactResult(through=start_reactions(store), started=True)
    if through == mark:
        return ReactResult(through=mark)
    path, found = _playbooks(workspace_path, cache)
    found = found.reactive()
    rows = holdouts = pd.DataFrame()
    if customers and found.playbooks:
        with workspace.store(read_only=True) as store:
            latest, fields, pairs, names, not_applicable = checked(workspace, store, found, path, cache)
            found = found.without(not_applicable)
            fields, pairs = _narrowed(fields, pairs, customers)
            actions, profile, product_names = situated(store, found, latest, fields, pairs, names, at, path,
                                                       follow_ups=False, cap_used=queued_on(store, at))
        with_messages(actions, found, fields, profile, pairs, product_names)
    done: dict[str, int] = {}

    def log(con: Any, counts: dict[str, int]) -> None:
        done.update(counts)
        reaction_log(con, through, batches, len(customers), counts)

    with workspace.store() as store:
        if customers and found.playbooks:
            rows, holdouts = outbox_rows(found, actions, at, latest["run_id"], survey_links(workspace, store),
                                         message_links(workspace, store))
        queue_actions(store, rows, holdouts, actor=by, then=log)
    return ReactResult(through=through, batches=batches, customers=len(customers), queued=done["queued"],
                       waiting=done["waiting"], held_out=done["held out"])


def start_reactor(workspace_path: str | Path, said: Any, every: float = 0.2) -> Any:
    """React once now, then in a thread every ``every`` seconds, telling ``said`` of each
    reaction that queued something and of each failure (in words; the next tick tries again);
    returns what stops it (``set()``). What `regulars serve` runs besides requests and
    the schedule."""
    import threading

    from regulars.errors import RegularsError

    stop = threading.Event()
    cache: dict[str, Any] = {}

    def once() -> None:
        try:
            done = react(workspace_path, cache=cache)
        except RegularsError as exc:  # no run yet, or a broken playbook file: said once in a while
            said(f"reaction skipped: {exc}")
            stop.wait(30)
            return
        except Exception as exc:  # noqa: BLE001 - the server keeps serving; the batches wait for the next try
            said(f"reaction failed ({type(exc).__name__}); trying again in 30 s")
            stop.wait(30)
            return
        if done.queued or done.waiting:
            said(f"reacted to {done.batches} batch(es) of {done.customers} customer(s): "
                 f"{done.queued} queued, {done.waiting} for approval")

    def tick() -> None:
        while not stop.wait(every):
            once()

    once()  # before the first request: reacting begins (or catches up) with what is stored now
    thread = threading.Thread(target=tick, name="regulars-react", daemon=True)
    thread.start()
    return _Stopper(stop, thread)


@dataclass(frozen=True)
class _Stopper:
    """Stops the reactor: ``set()`` returns once a reaction under way has finished."""

    stop: Any
    thread: Any

    def set(self) -> None:
        self.stop.set()
        self.thread.join(timeout=120)
