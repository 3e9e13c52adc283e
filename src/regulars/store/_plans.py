"""The day's plan as last worked out: what each action of it is, so that pages showing "today"
read it instead of planning again. A plan is kept per run and planning day, with the hash of
the playbook file it came from (an edited file makes it stale); working it out again replaces it."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from regulars.store._store import now

if TYPE_CHECKING:
    import pandas as pd

    from regulars.store._store import Store

__all__ = ["PLAN_COLUMNS", "latest_plan", "save_plan"]

#: What is kept of each action of a plan (those to do: planned or waiting for approval).
PLAN_COLUMNS = ("action_id", "customer_id", "playbook", "step", "channel", "status", "priority", "value",
                "expected_value", "why", "subject")


def save_plan(store: Store, run_id: str, at: datetime, file_hash: str, counts: list[dict[str, Any]],
              actions: pd.DataFrame) -> None:
    """Keep ``actions`` (the plan's actions to do, in their order, with ``PLAN_COLUMNS``) and the
    per-playbook ``counts`` as the plan of run ``run_id`` on ``at``'s day, replacing any
    earlier plan of that run and day."""
    rows = actions.reindex(columns=list(PLAN_COLUMNS)).assign(rank=range(len(actions)))
    with store.transaction() as con:
        old = [r[0] for r in con.execute("SELECT plan_id FROM plans WHERE run_id = ? AND CAST(planned_for AS DATE) = ?",
                                         [run_id, at.date()]).fetchall()]
        if old:
            con.execute("DELETE FROM plan_actions WHERE plan_id IN (SELECT unnest(?::VARCHAR[]))", [old])
            con.execute("DELETE FROM plans WHERE plan_id IN (SELECT unnest(?::VARCHAR[]))", [old])
        plan_id = f"{run_id}:{at:%Y-%m-%d}"
        con.execute("INSERT INTO plans VALUES (?, ?, ?, ?, ?, ?)", [plan_id, run_id, at, file_hash, now(),
                                                                    json.dumps(counts)])
        con.register("_plan_rows", rows)
        con.execute(f"INSERT INTO plan_actions SELECT ?, {', '.join(PLAN_COLUMNS)}, rank FROM _plan_rows", [plan_id])
        con.unregister("_plan_rows")


def latest_plan(store: Store, run_id: str) -> dict[str, Any] | None:
    """The newest plan kept for run ``run_id``: at, file_hash, counts and its actions (a frame,
    in the plan's order), or None."""
    found = store.rows("SELECT plan_id, planned_for, file_hash, counts FROM plans WHERE run_id = ? "
                       "ORDER BY planned_for DESC, created_at DESC LIMIT 1", [run_id])
    if not found:
        return None
    plan = found[0]
    actions = store.frame(f"SELECT {', '.join(PLAN_COLUMNS)} FROM plan_actions WHERE plan_id = ? ORDER BY rank",
                          [plan["plan_id"]])
    return {"at": plan["planned_for"], "file_hash": plan["file_hash"], "counts": json.loads(plan["counts"]),
            "actions": actions}
