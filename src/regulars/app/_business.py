"""The business at a glance: worked out at each run and kept with it (KPIs by month, cohorts,
the funnel, forecasts, and the alert watch over every daily measure's whole history), read back
by the Business page, the report and the API; and the owner's targets with their progress."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from regulars.app._common import CURRENCY_SYMBOLS, parse_cutoff
from regulars.app._results import Result
from regulars.errors import InsufficientDataError, NotFoundError, SettingsError
from regulars.store import open_workspace, stored_tables

__all__ = ["AlertsResult", "BusinessResult", "TargetsResult", "alerts", "business", "keep_business_figures",
           "set_target", "targets"]

_log = logging.getLogger("regulars.business")

#: Days ahead the forecasts kept with a run speak of, and the daily measures forecast (every
#: daily measure is watched for alerts; web visits and new customers are forecast on asking).
FORECAST_DAYS, FORECAST_MEASURES = 14, ("orders", "revenue", "tickets")
#: How many best sellers' demand is forecast at each run, and how many weeks ahead.
DEMAND_PRODUCTS, DEMAND_WEEKS = 3, 8
#: KPIs a lower value of is better (a target for them is met from above).
LOWER_IS_BETTER = {"churn_rate", "tickets", "ces"}


def keep_business_figures(workspace_path: str | Path, store: Any, run_id: str, at: datetime) -> list[dict[str, Any]]:
    """Work out the shop's figures and look for alerts over the whole history of each daily
    measure; then, in one transaction, keep the figures with the run, store the alerts, log the
    new ones in the audit log and queue the tasks of the playbooks they trigger (so a run killed
    half-way leaves no alert without its task). The alerts new at this run."""
    import pandas as pd

    from regulars._json import jsonable
    from regulars.app._service import unanswered_tasks
    from regulars.store import keep_alerts, keep_business, queue_actions, stored_alerts

    figures, found = _figures(store, open_workspace(workspace_path).settings.run.churn_horizon_days)
    kept = {(a["measure"], a["since"], a["direction"]) for a in stored_alerts(store)}
    new = [a for a in found if (a["measure"], a["since"], a["direction"]) not in kept]
    tasks = _alert_tasks(workspace_path, store, new, run_id, at) + unanswered_tasks(open_workspace(workspace_path), store,
                                                                              run_id, at)

    def write(_: Any, __: Any) -> None:
        from regulars.metrics import KPIS

        keep_alerts(store, found, run_id, at)
        for alert in new:
            store.audit("alert", jsonable({**alert, "title": KPIS[alert["measure"]].title}), actor="run")
        keep_business(store, run_id, figures)

    queue_actions(store, pd.DataFrame(tasks), pd.DataFrame(), actor="run", then=write)
    return new


def _figures(store: Any, quiet_days: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(the figures kept with a run, every alert in the daily measures' whole history);
    ``quiet_days``: how long without a purchase a customer has churned, for their journeys."""
    from regulars.app._forecast import forecast_of
    from regulars.app._journeys import journey_rows
    from regulars.app._messages import message_rows
    from regulars.app._metrics import cohort_rows, funnel_rows, kpi_rows
    from regulars.metrics import (
        DAILY_MEASURES,
        SOURCE_HISTORY_DAYS,
        alerts_in,
        as_people,
        daily_measure,
        read_days,
        sale_amounts,
        unhappy_days,
    )

    currency, series, others = kpi_rows(store, "month")
    figures: dict[str, Any] = {
        "kpis": {"grain": "month", "currency": currency, "series": series[-13:], "other_currency_orders": others},
        "cohorts": cohort_rows(store, "month")[1][-12:], "funnel": funnel_rows(store), "forecasts": {},
        "messages": _latest_messages(message_rows(store)), "journeys": journey_rows(store, quiet_days)}
    tables = stored_tables(store, "purchases", "tickets", "events", "customer_map", "texts")
    amounts = sale_amounts(tables["purchases"], currency)
    events = as_people(tables["events"], tables["customer_map"])
    found = []
    for measure in DAILY_MEASURES:
        if measure in FORECAST_MEASURES:
            try:
                figures["forecasts"][measure] = forecast_of(store, measure, "day", FORECAST_DAYS)
            except InsufficientDataError:
                continue
        values, counts = daily_measure(measure, tables["purchases"], tables["tickets"],
                                       currency if measure in ("orders", "revenue") else None,
                                       events=events)
        if values:
            found += alerts_in(measure, read_days(values, counts), amounts if measure == "revenue" else None)
    for about, unhappy, written in unhappy_days(tables["texts"]):  # a crisis building: unhappy texts rising
        found += alerts_in("unhappy_texts", read_days(unhappy, written), about=about,
                           min_history=SOURCE_HISTORY_DAYS)
    figures["demand"] = _demand(store)
    figures["slices"] = _slices(store)
    return figures, found


def _slices(store: Any) -> dict[str, list[str]]:
    """What the Business page offers to slice the KPIs by: the segments of the latest run, and
    the commonest channels, acquisition sources and countries."""
    from regulars.metrics import slice_values
    from regulars.store import segment_names

    tables = stored_tables(store, "purchases", "customers")
    return {"segment": sorted(segment_names(store)), **slice_values(tables["purchases"], tables["customers"])}


def _demand(store: Any) -> list[dict[str, Any]]:
    """Weekly forecasts of the units of the best sellers of the last 90 days: the first
    ``DEMAND_PRODUCTS`` of the top ten with weeks enough to test models on (a product new this
    season gets no chart it could not back)."""
    from regulars.app._forecast import forecast_of
    from regulars.metrics import top_products

    if not store.count("order_items"):
        return []
    tables = stored_tables(store, "purchases", "order_items")
    out = []
    for best in top_products(tables["purchases"], tables["order_items"], top=10):
        try:
            made = forecast_of(store, "demand", "week", DEMAND_WEEKS, product=str(best["product_id"]))
        except InsufficientDataError:
            continue
        if made["candidates"]:
            out.append(made)
        if len(out) == DEMAND_PRODUCTS:
            break
    return out


def _latest_messages(rows: list[dict[str, Any]], campaigns: int = 6) -> list[dict[str, Any]]:
    """Every playbook's messages, and the latest ``campaigns`` campaigns'."""
    return [r for r in rows if r["kind"] == "playbook"] + [r for r in rows if r["kind"] != "playbook"][:campaigns]


def _alert_tasks(workspace_path: str | Path, store: Any, new: list[dict[str, Any]], run_id: str, at: datetime
                 ) -> list[dict[str, Any]]:
    """For the new alerts a playbook's metric trigger matches (``{metric: tickets, direction:
    up}``), one task from it, and for each customer behind them what the playbook's ``affected``
    says (a pause of their marketing, a task such as a reply); keyed by the alerts so a run
    again queues nothing twice; waiting for approval when the playbook says ``review``."""
    from datetime import timedelta

    from regulars.app._plan import action_key
    from regulars.app._playbook_file import read_playbooks
    from regulars.metrics import KPIS, alert_words, folded

    if not new:
        return []
    _, _, _, found, _ = read_playbooks(workspace_path)
    rows = []
    for book in found.playbooks.values():
        o = book.trigger.options
        if not book.enabled or book.trigger.kind != "metric":
            continue
        matched = [a for a in new if a["measure"] == o["metric"] and o["direction"] in ("either", a["direction"])]
        if not matched:
            continue
        # one burst may raise several alerts (tickets, a theme, a channel): one notice, each writer once
        words = "; ".join(alert_words(a, KPIS[a["measure"]].title) for a in folded(matched))
        key = " ".join(str(part) for a in matched for part in ("alert", a["measure"], a.get("about"), a["since"])
                       if part)
        since = datetime.combine(min(a["since"] for a in matched), datetime.min.time())

        def row(step: int, customer_id: str | None, channel: str, action: Any, subject: str, body: str,
                about: str = "") -> dict[str, Any]:
            return {"action_id": action_key(book.name, f"{key} {about}".strip(), step, since),
                    "created_at": at, "planned_at": at, "run_id": run_id, "customer_id": customer_id,
                    "playbook": book.name, "step": step, "channel": channel, "template": action.template,
                    "subject": subject, "body": body, "url": None, "owner": action.owner,
                    "due_on": (at + timedelta(days=action.due_days or 0)).date(), "priority": action.priority,
                    "value": 0.0, "cost": action.cost, "why": words, "deliver_at": at,
                    "status": "needs approval" if book.review else "queued"}

        template = found.templates.get(book.action.template)
        rows.append(row(0, None, "task", book.action, words, template.body if template else words))
        if book.affected is not None:
            rows += _affected_rows(store, book, matched, found.templates, row)
    return rows


def _affected_rows(store: Any, book: Any, matched: list[dict[str, Any]], templates: dict[str, Any], row: Any
                   ) -> list[dict[str, Any]]:
    """For each customer behind the ``matched`` alerts (once, however many name them): a pause of
    the marketing waiting for them (step 1) and the playbook's task for them (step 2), its
    template filled in with their name, email and what they wrote."""
    import pandas as pd

    from regulars.metrics import text_filter
    from regulars.playbooks import render
    from regulars.store import alert_customers

    who = pd.concat([alert_customers(store, a["measure"], *text_filter(a.get("about") or "tickets"), a["since"],
                                     a["until"]) for a in matched], ignore_index=True)
    who = who.sort_values(["written_at", "customer_id"], kind="stable").drop_duplicates("customer_id", keep="last")
    rows, action = [], book.affected.action
    for c in who.to_dict("records"):
        c = {k: (None if v is None or v != v else v) for k, v in c.items()}
        person = c["name"] or c["customer_id"]
        wrote = f"wrote on {c['written_at']:%d %b %Y}: \"{' '.join(str(c['text']).split())[:200]}\""
        if book.affected.pause_marketing:
            words = f"Pause marketing to {person} while this is put right: they {wrote}"
            # planned when they wrote (the shop's time line), so the plan holds them as after a complaint
            rows.append({**row(1, c["customer_id"], "pause", book.action, words, words, c["customer_id"]),
                         "template": None, "planned_at": c["written_at"]})
        if action is not None:
            _, body = render(templates[action.template], {**c, "name": person})
            rows.append(row(2, c["customer_id"], "task", action, f"{person} {wrote}", body, c["customer_id"]))
    return rows


@dataclass(frozen=True)
class AlertsResult(Result):
    """Alerts (a daily measure beyond its expected range), latest first: each with its measure,
    first and last day, direction, the value seen on its most outlying day, the expected value
    and range, and the words an owner reads."""

    alerts: list[dict[str, Any]]


def alerts(workspace_path: str | Path, *, since: str | date | None = None) -> AlertsResult:
    """The alerts kept by the runs (those running on to ``since`` or later)."""
    from regulars.metrics import KPIS, alert_words, folded
    from regulars.store import stored_alerts

    with open_workspace(workspace_path).store(read_only=True) as store:
        found = folded(stored_alerts(store, parse_cutoff(since, "--since")))
        money = _symbol(store)
    return AlertsResult(alerts=[{**a, "words": alert_words(a, KPIS[a["measure"]].title,
                                                          money if a["measure"] == "revenue" else "")}
                                for a in found])


def _symbol(store: Any, figures: dict[str, Any] | None = None) -> str:
    """The main currency's symbol: as kept with the run's figures, else from the sales."""
    from regulars.metrics import main_currency

    kept = (figures or {}).get("kpis", {}).get("currency")
    currency = kept or main_currency(stored_tables(store, "purchases")["purchases"])
    return CURRENCY_SYMBOLS.get(currency or "", "")


@dataclass(frozen=True)
class TargetsResult(Result):
    """Each target (a KPI's value in the month holding ``by_date``) with its progress: the value
    in the latest complete month (``current``, ``met``), the value a straight line through the
    last six months reaches by then (``projected``) and whether that meets the target
    (``on_track``; None with fewer than three months)."""

    targets: list[dict[str, Any]]


def _progress(target: dict[str, Any], series: list[dict[str, Any]]) -> dict[str, Any]:
    """How a target stands against a measure's monthly values (the month under way left out)."""
    from regulars.metrics import KPIS

    name, goal = target["measure"], float(target["value"])
    done = [r for r in series if not r.get("through") and r.get(name) is not None]
    now = done[-1][name] if done else None
    last = done[-6:]
    projected = None
    if len(last) >= 3:
        import numpy as np

        x = np.arange(len(last), dtype=float)
        slope, level = np.polyfit(x, [float(r[name]) for r in last], 1)
        by, latest = target["by_date"], last[-1]["period"]
        ahead = max(0, (by.year - latest.year) * 12 + by.month - latest.month)  # months from the latest
        projected = round(float(level + slope * (len(last) - 1 + ahead)), 4)
    lower = name in LOWER_IS_BETTER
    on_track = None if projected is None else (projected <= goal if lower else projected >= goal)
    met = None if now is None else (now <= goal if lower else now >= goal)
    return {**target, "title": KPIS[name].title, "unit": KPIS[name].unit, "current": now,
            "current_period": done[-1]["label"] if done else None,
            "projected": projected, "on_track": on_track, "met": met, "lower_is_better": lower}


def targets(workspace_path: str | Path) -> TargetsResult:
    """Every target the owner set, with where its measure stands and whether it is on track."""
    from regulars.app._metrics import kpi_rows
    from regulars.store import targets_set

    with open_workspace(workspace_path).store(read_only=True) as store:
        found = targets_set(store)
        series = kpi_rows(store, "month")[1] if found else []
    return TargetsResult(targets=[_progress(t, series) for t in found])


def set_target(workspace_path: str | Path, measure: str, value: float | None, *, by: str | date | None = None,
               actor: str = "cli") -> TargetsResult:
    """Set (or, with ``value`` None, clear) the target for a KPI: its value in the month that
    holds ``by``; the targets as they then stand."""
    import math

    from regulars.metrics import KPIS
    from regulars.store import clear_target
    from regulars.store import set_target as keep

    if measure not in KPIS:
        raise NotFoundError(f"no measure {measure!r}; the measures are {', '.join(KPIS)}")
    with open_workspace(workspace_path).store() as store:
        if value is None:
            if not clear_target(store, measure, actor):
                raise NotFoundError(f"{measure} has no target to clear")
        else:
            when = parse_cutoff(by, "--by")
            if when is None:
                raise SettingsError("a target needs the date to reach it by (--by YYYY-MM-DD)")
            if not math.isfinite(value) or (KPIS[measure].unit == "share" and not 0 <= value <= 1):
                raise SettingsError(f"a target for {measure} must be a number"
                                    + (" from 0 to 1 (a share: 0.35 is 35%)" if KPIS[measure].unit == "share" else ""))
            keep(store, measure, float(value), when, "month", actor)
    return targets(workspace_path)


@dataclass(frozen=True)
class BusinessResult(Result):
    """What the Business page shows: the figures kept with the latest run (KPIs by month,
    cohorts, the funnel, forecasts), the latest alerts and the targets with their progress."""

    run_id: str | None
    figures: dict[str, Any] | None
    alerts: list[dict[str, Any]]
    targets: list[dict[str, Any]]
    #: Every KPI by name: its title, formula in words and unit.
    measures: dict[str, dict[str, str]]


def business(workspace_path: str | Path, *, alerts_shown: int = 10) -> BusinessResult:
    """The Business page's content, read (never worked out) so the page answers at once."""
    from regulars.metrics import KPIS, alert_words, folded
    from regulars.store import kept_business, latest_run, stored_alerts, targets_set

    with open_workspace(workspace_path).store(read_only=True) as store:
        try:
            run: dict[str, Any] | None = latest_run(store)
        except InsufficientDataError:
            run = None
        figures = kept_business(store, run["run_id"]) if run else None
        found = folded(stored_alerts(store))[:alerts_shown]
        money = _symbol(store, figures)
        aims = targets_set(store)
    series = (figures or {}).get("kpis", {}).get("series", [])
    for row in series:
        row["period"] = date.fromisoformat(row["period"]) if isinstance(row["period"], str) else row["period"]
    shown = [_progress(t, series) for t in aims]
    return BusinessResult(run_id=run["run_id"] if run else None, figures=figures,
                          alerts=[{**a, "words": alert_words(a, KPIS[a["measure"]].title,
                                                            money if a["measure"] == "revenue" else "")}
                                  for a in found], targets=shown,
                          measures={k.name: {"title": k.title, "formula": k.formula, "unit": k.unit}
                                    for k in KPIS.values()})
