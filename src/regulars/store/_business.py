"""The business at a glance as kept with each run (its KPIs, cohorts, funnel and forecasts, so a
page reads them at once), the alerts found in the measures' daily series, and the owner's targets."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from regulars._json import dumps

if TYPE_CHECKING:
    import pandas as pd

    from regulars.store._store import Store

__all__ = ["alert_customers", "clear_target", "keep_alerts", "keep_business", "kept_business", "predicted_values", "run_cutoffs", "set_target",
           "stored_alerts", "targets_set"]

_ALERT_COLUMNS = ("measure", "since", "until", "direction", "observed", "expected", "low", "high", "days", "about")


def keep_business(store: Store, run_id: str, figures: dict[str, Any]) -> None:
    """Keep the shop's figures worked out at a run with it."""
    store.con.execute("UPDATE runs SET business = ? WHERE run_id = ?", [dumps(figures), run_id])


def kept_business(store: Store, run_id: str) -> dict[str, Any] | None:
    """The shop's figures kept with a run (None before schema 16, or when none could be worked out)."""
    kept = store.con.execute("SELECT business FROM runs WHERE run_id = ?", [run_id]).fetchone()
    return json.loads(kept[0]) if kept and kept[0] else None


def run_cutoffs(store: Store) -> list[tuple[str, date]]:
    """Each cutoff's run (of two with one cutoff, the later), oldest cutoff first."""
    found = store.rows("SELECT run_id, cutoff FROM runs WHERE cutoff IS NOT NULL ORDER BY cutoff, created_at")
    latest = {r["cutoff"]: r["run_id"] for r in found}
    return [(run_id, cutoff) for cutoff, run_id in sorted(latest.items())]


def predicted_values(store: Store) -> dict[date, float]:
    """Each run's cutoff and the mean predicted lifetime value of the customers it scored (kept
    with its figures); of two runs with one cutoff, the later."""
    found = store.rows("SELECT cutoff, CAST(json_extract(figures, '$.clv_average') AS DOUBLE) AS clv FROM runs "
                       "WHERE cutoff IS NOT NULL AND figures IS NOT NULL ORDER BY created_at")
    return {r["cutoff"]: r["clv"] for r in found if r["clv"] is not None}


def keep_alerts(store: Store, found: list[dict[str, Any]], run_id: str | None, at: datetime) -> list[dict[str, Any]]:
    """Store the alerts found over the whole history: one that is already kept (the same measure,
    part, start and direction) has its end and figures brought up to date; the new ones are returned."""
    def key(a: dict[str, Any]) -> tuple:
        return a["measure"], a.get("about") or "", a["since"], a["direction"]

    kept = {key(r) for r in store.rows("SELECT measure, about, since, direction FROM alerts")}
    found = [{**a, "about": a.get("about")} for a in found]
    new = [a for a in found if key(a) not in kept]
    for a in found:
        if key(a) in kept:
            store.con.execute("UPDATE alerts SET until = ?, observed = ?, expected = ?, low = ?, high = ?, days = ? "
                              "WHERE measure = ? AND coalesce(about, '') = ? AND since = ? AND direction = ?",
                              [a["until"], a["observed"], a["expected"], a["low"], a["high"], a["days"], *key(a)])
    if new:
        store.con.executemany(f"INSERT INTO alerts ({', '.join(_ALERT_COLUMNS)}, found_at, run_id) VALUES "
                              f"({', '.join('?' * (len(_ALERT_COLUMNS) + 2))})",
                              [[a[c] for c in _ALERT_COLUMNS] + [at, run_id] for a in new])
    return new


#: The columns of ``texts`` an alert's customers may be found by.
_ALERT_TEXT_COLUMNS = ("kind", "theme", "channel")


def alert_customers(store: Store, measure: str, column: str, values: list[str], since: date,
                    until: date) -> pd.DataFrame:
    """The customers behind an alert, one row each by resolved id, with their name and email and
    their latest text: who wrote an unhappy text whose ``column`` (kind, theme or channel) is one
    of ``values`` (an ``unhappy_texts`` alert) or opened a ticket (a ``tickets`` alert) from
    ``since`` to ``until``, both days included."""
    if column not in _ALERT_TEXT_COLUMNS:
        raise ValueError(f"texts are not found by {column!r}")
    written = (f"SELECT customer_id, written_at, text FROM texts WHERE label = 'negative' "
               f"AND CAST({column} AS VARCHAR) IN (SELECT unnest(?::VARCHAR[])) "
               "AND CAST(written_at AS DATE) BETWEEN ? AND ?"
               if measure == "unhappy_texts" else
               "SELECT customer_id, opened_at AS written_at, text FROM tickets WHERE CAST(opened_at AS DATE) BETWEEN ? AND ?")
    return store.frame(
        f"WITH w AS ({written}), profile AS (SELECT m.resolved_id AS customer_id, any_value(c.name) AS name, "
        "any_value(c.email) AS email FROM customers c JOIN customer_map m USING (customer_id) GROUP BY 1) "
        "SELECT m.resolved_id AS customer_id, any_value(p.name) AS name, any_value(p.email) AS email, "
        "max(w.written_at) AS written_at, arg_max(w.text, w.written_at) AS text FROM w JOIN customer_map m USING (customer_id) "
        "LEFT JOIN profile p ON p.customer_id = m.resolved_id GROUP BY m.resolved_id ORDER BY written_at, customer_id",
        ([values] if measure == "unhappy_texts" else []) + [since, until])


def stored_alerts(store: Store, since: date | None = None) -> list[dict[str, Any]]:
    """The alerts kept, latest first (those that ran on to ``since`` or later when given)."""
    where, params = ("WHERE until >= ?", [since]) if since else ("", [])
    return store.rows(f"SELECT {', '.join(_ALERT_COLUMNS)}, found_at FROM alerts {where} "
                      "ORDER BY until DESC, measure", params)


def set_target(store: Store, measure: str, value: float, by: date, grain: str, actor: str) -> None:
    """The owner's target for a measure (replacing the one before), kept with who set it."""
    with store.transaction():
        store.con.execute("DELETE FROM targets WHERE measure = ?", [measure])
        store.con.execute("INSERT INTO targets VALUES (?, ?, ?, ?, ?, ?)",
                          [measure, value, by, grain, actor, datetime.now()])
        store.audit("set a target", {"measure": measure, "value": value, "by": str(by), "grain": grain}, actor)


def clear_target(store: Store, measure: str, actor: str) -> int:
    """Remove a measure's target; how many were removed (0 or 1)."""
    with store.transaction():
        gone = store.con.execute("DELETE FROM targets WHERE measure = ? RETURNING measure", [measure]).fetchall()
        if gone:
            store.audit("cleared a target", {"measure": measure}, actor)
    return len(gone)


def targets_set(store: Store) -> list[dict[str, Any]]:
    """Every target, by measure."""
    return store.rows("SELECT measure, value, by_date, grain, set_by, set_at FROM targets ORDER BY measure")
