"""``metrics``: the shop's KPIs per period, each with its formula in words, as the CLI, the API
and the pages show them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from regulars.app._results import Result
from regulars.errors import InsufficientDataError, NotFoundError, SettingsError
from regulars.store import open_workspace, stored_tables

__all__ = ["CohortsResult", "MetricsResult", "cohorts", "metrics"]


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


def metrics(workspace_path: str | Path, name: str | None = None, *, by: str = "month", periods: int = 12
            ) -> MetricsResult:
    """Every KPI (or the one ``name``d) per ``by`` period: day, week, month or quarter."""
    import difflib

    from regulars.metrics import GRAINS, KPIS, kpi_series, main_currency

    if by not in GRAINS:
        raise SettingsError(f"--by must be one of {', '.join(GRAINS)}; got {by!r}")
    if periods < 1:
        raise SettingsError(f"periods must be 1 or more; got {periods}")
    if name is not None and name not in KPIS:
        close = difflib.get_close_matches(name, list(KPIS), n=1)
        hint = f"; did you mean {close[0]}?" if close else f"; the measures are {', '.join(KPIS)}"
        raise NotFoundError(f"no measure {name!r}{hint}")
    with open_workspace(workspace_path).store(read_only=True) as store:
        tables = stored_tables(store, "purchases", "customer_map", "feedback", "tickets")
        sold = tables["purchases"]
        currency = main_currency(sold)
        said = {t: tables[t] if store.count(t) else None for t in ("feedback", "tickets")}
        series = kpi_series(sold, tables["customer_map"], by, currency, **said)
        others = 0 if currency is None else int(sold.count(where=sold.currency != currency).to_pyarrow().as_py())
    known = set(series[0]) if series else set(KPIS)
    # a survey measure nobody answered is left out, not shown as empty rows
    known -= {k for k in ("nps", "csat", "ces") if not any(row.get(k) is not None for row in series)}
    if name is not None and name not in known:
        needs = "tickets" if name == "tickets" else "its survey answers"
        raise InsufficientDataError(f"{KPIS[name].title} needs {needs}; none are loaded")
    chosen = [KPIS[name]] if name else [k for k in KPIS.values() if k.name in known]
    keep = {"period", "label", "through"} | {k.name for k in chosen} | {f"{k.name}_of" for k in chosen}
    shown = [{k: v for k, v in row.items() if k in keep} for row in series[-periods:]]
    return MetricsResult(grain=by, currency=currency, kpis=[dict(k.__dict__) for k in chosen], series=shown,
                         other_currency_orders=others)


@dataclass(frozen=True)
class CohortsResult(Result):
    """Cohorts (by first-purchase period, or by acquisition source) with, per period since the
    first purchase, N-period retention (``retention``: bought in that period), unbounded
    retention (``retention_on_or_after``: in that period or later) and revenue per customer."""

    grain: str
    by_source: bool
    currency: str | None
    cohorts: list[dict[str, Any]]


def cohorts(workspace_path: str | Path, *, by: str = "month", source: bool = False, last: int = 12
            ) -> CohortsResult:
    """The last ``last`` cohorts by first-purchase ``by`` period (or every acquisition source)."""
    from regulars.metrics import GRAINS, cohort_table, main_currency

    if by not in GRAINS:
        raise SettingsError(f"--by must be one of {', '.join(GRAINS)}; got {by!r}")
    with open_workspace(workspace_path).store(read_only=True) as store:
        tables = stored_tables(store, "purchases", "customer_map", "customers")
        currency = main_currency(tables["purchases"])
        people = tables["customers"]
        found = cohort_table(tables["purchases"], tables["customer_map"], by, currency,
                             people.select("customer_id", source=people.lead_source) if source else None)
    return CohortsResult(grain=by, by_source=source, currency=currency,
                         cohorts=found if source else found[-last:])
