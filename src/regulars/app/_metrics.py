"""``metrics``: the shop's KPIs per period, each with its formula in words, as the CLI, the API
and the pages show them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from regulars.app._results import Result
from regulars.errors import InsufficientDataError, NotFoundError, SettingsError
from regulars.store import open_workspace, stored_tables

__all__ = ["CohortsResult", "FunnelResult", "MetricsResult", "cohorts", "funnel", "metrics"]


@dataclass(frozen=True)
class MetricsResult(Result):
    """The KPIs asked (their name, title, formula in words and unit) and their values per
    period, the last ``periods`` up to the latest sale; ``currency``: the one money is in (sales
    in others are left out, counted in ``other_currency_orders``)."""

    grain: str
    currency: str | None
    kpis: list[dict[str, Any]]
    series: list[dict[str, Any]]
    other_currency_orders: int
    #: The segment whose members' purchases, tickets and answers were counted (None: everyone's).
    segment: str | None = None
    #: The channel, acquisition source or country the figures were sliced by.
    only: dict[str, str] | None = None


def kpi_rows(store: Any, by: str, segment: str | None = None, only: dict[str, str] | None = None
             ) -> tuple[str | None, list[dict[str, Any]], int]:
    """(main currency, every KPI per ``by`` period, sales in other currencies) from a store;
    with ``segment``, of its members in the latest run only (anonymous sales left out); with
    ``only`` (``SLICES`` name -> value), of that channel, source or country."""
    from regulars.metrics import as_people, kpi_series, main_currency, of_kind, of_members
    from regulars.store import predicted_values

    tables = stored_tables(store, "purchases", "feedback", "tickets", "segment_members", "customers", "events",
                           "customer_map", "texts")
    sold = tables["purchases"]
    currency = main_currency(sold)
    said = {t: tables[t] if store.count(t) else None for t in ("feedback", "tickets")}
    said["events"] = as_people(tables["events"], tables["customer_map"]) if store.count("events") else None
    said["texts"] = tables["texts"] if said["feedback"] is not None or said["tickets"] is not None else None
    if segment is not None:
        run_id = _segment_run(store, segment)
        sold, said = of_members(tables["segment_members"], run_id, segment, sold, said)
    for name, wanted in (only or {}).items():
        sold, said = of_kind(name, wanted, sold, tables["customers"], said)
    series = kpi_series(sold, by, currency, **said, 
                        predicted_clv=None if segment or only else predicted_values(store) or None)
    others = 0 if currency is None else int(sold.count(where=sold.currency != currency).to_pyarrow().as_py())
    return currency, series, others


def _segment_run(store: Any, segment: str) -> str:
    """The latest run, when it has ``segment`` (else what to do, naming the segments there are)."""
    import difflib

    from regulars.store import latest_run, segment_names

    run_id = latest_run(store)["run_id"]
    known = segment_names(store)
    if segment not in known:
        close = difflib.get_close_matches(segment, sorted(known), n=1)
        raise NotFoundError(f"no segment {segment!r}" + (f"; did you mean {close[0]!r}?" if close else
                                                         "; `regulars segments DIR list` lists them"))
    return run_id


def metrics(workspace_path: str | Path, name: str | None = None, *, by: str = "month", periods: int = 12,
            segment: str | None = None, channel: str | None = None, source: str | None = None,
            country: str | None = None) -> MetricsResult:
    """Every KPI (or the one ``name``d) per ``by`` period: day, week, month or quarter; with
    ``segment``, of that segment's members (as of the latest run); with ``channel``, of the
    sales through it; with ``source`` or ``country``, of the customers from it."""
    import difflib

    from regulars.metrics import GRAINS, KPIS

    if by not in GRAINS:
        raise SettingsError(f"--by must be one of {', '.join(GRAINS)}; got {by!r}")
    if periods < 1:
        raise SettingsError(f"periods must be 1 or more; got {periods}")
    if name is not None and name not in KPIS:
        close = difflib.get_close_matches(name, list(KPIS), n=1)
        hint = f"; did you mean {close[0]}?" if close else f"; the measures are {', '.join(KPIS)}"
        raise NotFoundError(f"no measure {name!r}{hint}")
    only = {k: v for k, v in (("channel", channel), ("source", source), ("country", country)) if v}
    for key, value in (({"segment": segment} if segment else {}) | only).items():
        if any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in value):
            raise SettingsError(f"--{key} holds a control character; give the {key} as the shop writes it")
    with open_workspace(workspace_path).store(read_only=True) as store:
        currency, series, others = kpi_rows(store, by, segment, only)
    known = set(series[0]) if series else set(KPIS)
    # a survey measure nobody answered is left out, not shown as empty rows
    known -= {k for k in ("nps", "csat", "ces", "predicted_clv") if not any(row.get(k) is not None for row in series)}
    if name is not None and name not in known:
        needs = {"tickets": "tickets; none are loaded", "predicted_clv": "a run that scored lifetime value "
                 "(`regulars run DIR`); it is not sliced", "web_visits": "web events; none are loaded",
                 "conversion_rate": "web events; none are loaded",
                 "cart_abandonment_rate": "web events; none are loaded"}.get(name, "its survey answers; none are loaded")
        raise InsufficientDataError(f"{KPIS[name].title} needs {needs}")
    chosen = [KPIS[name]] if name else [k for k in KPIS.values() if k.name in known]
    keep = {"period", "label", "through"} | {k.name for k in chosen} | {f"{k.name}_of" for k in chosen}
    shown = [{k: v for k, v in row.items() if k in keep} for row in series[-periods:]]
    return MetricsResult(grain=by, currency=currency, kpis=[dict(k.__dict__) for k in chosen], series=shown,
                         other_currency_orders=others, segment=segment, only=only or None)


@dataclass(frozen=True)
class CohortsResult(Result):
    """Cohorts (by first-purchase period, or by acquisition source) with, per period since the
    first purchase, N-period retention (``retention``: bought in that period), unbounded
    retention (``retention_on_or_after``: in that period or later) and revenue per customer."""

    grain: str
    by_source: bool
    currency: str | None
    cohorts: list[dict[str, Any]]


def cohort_rows(store: Any, by: str, source: bool = False) -> tuple[str | None, list[dict[str, Any]]]:
    """(main currency, the cohorts by first-purchase ``by`` period or by acquisition source)."""
    from regulars.metrics import cohort_table, main_currency

    tables = stored_tables(store, "purchases", "customer_map", "customers")
    currency = main_currency(tables["purchases"])
    people = tables["customers"]
    return currency, cohort_table(tables["purchases"], tables["customer_map"], by, currency,
                                  people.select("customer_id", source=people.lead_source) if source else None)


def cohorts(workspace_path: str | Path, *, by: str = "month", source: bool = False, last: int = 12
            ) -> CohortsResult:
    """The last ``last`` cohorts by first-purchase ``by`` period (or every acquisition source)."""
    from regulars.metrics import GRAINS

    if by not in GRAINS:
        raise SettingsError(f"--by must be one of {', '.join(GRAINS)}; got {by!r}")
    with open_workspace(workspace_path).store(read_only=True) as store:
        currency, found = cohort_rows(store, by, source)
    return CohortsResult(grain=by, by_source=source, currency=currency,
                         cohorts=found if source else found[-last:])


@dataclass(frozen=True)
class FunnelResult(Result):
    """Customers whose first visit fell in [since, until), and how far each got within
    ``window_days`` of it: per stage, how many, the share of those who entered and of the stage
    before, how many dropped out, and the median hours from the stage before."""

    since: str
    until: str
    window_days: float
    strict: bool
    stages: list[dict[str, Any]]


def funnel(workspace_path: str | Path, *, days: int = 90, window: float = 14, strict: bool = False
           ) -> FunnelResult:
    """The funnel of the last ``days`` days up to the latest event or sale, with a conversion
    window of ``window`` days (the span starts that much earlier, so every visit has its window)."""
    if days < 1 or not 0 < window <= 365:
        raise SettingsError("--days must be 1 or more and --window between 0 and 365 days")
    with open_workspace(workspace_path).store(read_only=True) as store:
        found = funnel_rows(store, days, window, strict)
    if found is None:
        raise InsufficientDataError("a funnel needs web events (visits, product views, carts); none are loaded")
    return FunnelResult(**found)


def funnel_rows(store: Any, days: int = 90, window: float = 14, strict: bool = False) -> dict[str, Any] | None:
    """The funnel's span and stages from a store (None when no web event is loaded)."""
    from datetime import timedelta

    from regulars.metrics import funnel as worked_out

    last = store.last_day(("events", "orders"))
    if last is None or not store.count("events"):
        return None
    tables = stored_tables(store, "events", "purchases", "customer_map")
    until = datetime.combine(last, datetime.min.time()) + timedelta(days=1) - timedelta(days=window)
    since = until - timedelta(days=days)
    stages = worked_out(tables["events"], tables["purchases"], tables["customer_map"], since, until, window, strict)
    return {"since": f"{since:%Y-%m-%d}", "until": f"{until:%Y-%m-%d}", "window_days": window, "strict": strict,
            "stages": stages}
