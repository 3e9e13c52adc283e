"""``journeys``: the paths people take before their first purchase and before they stop buying,
and how customers moved between lifecycle stages from run to run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from regulars.app._results import Result
from regulars.errors import InsufficientDataError
from regulars.store import open_workspace, stored_tables

__all__ = ["JourneysResult", "journey_rows", "journeys"]


@dataclass(frozen=True)
class JourneysResult(Result):
    """``paths``: the top paths before a first purchase and before churn (their span, the people
    in each and the paths with how many took them; None without web events or tickets); ``stages``: per lifecycle stage the customers
    in it at the latest run and the days they have been in it as far as the runs saw, and the
    flows from the run before (None before the first run)."""

    paths: dict[str, Any] | None
    stages: dict[str, Any] | None


def journey_rows(store: Any, quiet_days: int = 90) -> dict[str, Any]:
    """The paths and the stage flows from a store (either None when there is nothing to read)."""
    from regulars.metrics import as_people, paths_before, stage_flows
    from regulars.store import run_cutoffs

    t = stored_tables(store, "events", "purchases", "tickets", "customer_map", "segment_members")
    last = store.last_day(("events", "orders", "tickets"))
    paths = None
    # orders alone make no path: every one would read "order"
    if last is not None and store.count("orders") and (store.count("events") or store.count("tickets")):
        people = {n: as_people(t[n], t["customer_map"]) for n in ("events", "tickets")}
        paths = paths_before(people["events"], t["purchases"], people["tickets"] if store.count("tickets") else None,
                             datetime.combine(last, datetime.min.time()) + timedelta(days=1), quiet_days=quiet_days)
    runs = run_cutoffs(store)
    return {"paths": paths, "stages": stage_flows(t["segment_members"], runs) if runs else None}


def journeys(workspace_path: str | Path) -> JourneysResult:
    """The shop's journeys: paths from its events, tickets and orders; stages from its runs."""
    workspace = open_workspace(workspace_path)
    with workspace.store(read_only=True) as store:
        found = journey_rows(store, workspace.settings.run.churn_horizon_days)
    if found["paths"] is None and found["stages"] is None:
        raise InsufficientDataError("journeys need orders with web events or tickets (the steps before them), "
                                    "or a run (`regulars run DIR`) for the lifecycle stages")
    return JourneysResult(**found)
