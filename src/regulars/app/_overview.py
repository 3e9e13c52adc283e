"""``overview``: the shop at a glance, for the dashboard's home page and the report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from regulars.app._common import in_words
from regulars.app._results import Result
from regulars.errors import InsufficientDataError
from regulars.store import (
    customer_names,
    freshness,
    kept_figures,
    latest_run,
    open_workspace,
    previous_run,
    run_cards,
    stored_tables,
)

__all__ = ["ModelsResult", "OverviewResult", "models", "overview"]


@dataclass(frozen=True)
class OverviewResult(Result):
    """Monthly sales, activity with trends, the latest run's figures and lists (None before a
    first run), data freshness, and the horizon churn is measured over."""

    currency: str | None
    monthly: list[dict[str, Any]]
    activity: dict[str, Any]
    run: dict[str, Any] | None
    freshness: list[dict[str, Any]]
    run_id: str | None
    cutoff: str | None
    churn_horizon_days: int
    clv_months: int


def overview(workspace_path: str | Path, *, months: int = 12, top: int = 10) -> OverviewResult:
    """The figures the home page and the report show: the measures of the shop's sales, and the
    latest run's figures as kept with it (worked out again for longer lists than it keeps)."""
    from regulars import metrics

    workspace = open_workspace(workspace_path)
    with workspace.store(read_only=True) as store:
        try:
            run = latest_run(store)
        except InsufficientDataError:
            run = None
        sales = stored_tables(store, "purchases")["purchases"]
        currency = metrics.main_currency(sales)
        figures = None
        if run:
            figures = (metrics.first_of(kept_figures(store, run["run_id"]), top)
                       or metrics.run_figures(stored_tables(store, "scores")["scores"], run["run_id"], top))
            listed = figures["at_risk_valuable"] + figures["hot_leads"]
            names = customer_names(store, [r["customer_id"] for r in listed])
            for row in listed:
                row["name"] = names.get(row["customer_id"])
        found = {"currency": currency, "monthly": metrics.monthly(sales, currency, months),
                 "activity": metrics.activity(sales), "run": figures, "freshness": freshness(store)}
    return OverviewResult(**found, run_id=run["run_id"] if run else None,
                          cutoff=str(run["cutoff"]) if run else None,
                          churn_horizon_days=workspace.settings.run.horizon("churn"),
                          clv_months=workspace.settings.clv.months)


@dataclass(frozen=True)
class ModelsResult(Result):
    """The latest run's model cards per scorer (metrics, calibration, lift by tenth, features
    left out), and what it skipped and why."""

    run_id: str
    cutoff: str
    customers: int
    models: dict[str, Any]
    skipped: dict[str, Any]
    drift: list[dict[str, Any]]
    drift_since: str | None


def models(workspace_path: str | Path) -> ModelsResult:
    """The model cards of the latest run, and how its scores moved since the run before."""
    from regulars.metrics import score_drift
    from regulars.scorers import column_words, drift_columns

    workspace = open_workspace(workspace_path)
    with workspace.store(read_only=True) as store:
        run = latest_run(store)
        found = run_cards(store, run["run_id"])
        before = previous_run(store, run["run_id"])
        drift = (score_drift(stored_tables(store, "scores")["scores"], run["run_id"], before["run_id"],
                             tuple(drift_columns())) if before else [])
    found["models"] = {name: in_words(card) for name, card in found["models"].items()}
    words = column_words()
    drift = [{**d, "what": words.get(d["score"], d["score"])} for d in drift]
    return ModelsResult(run_id=run["run_id"], **found, drift=drift,
                        drift_since=str(before["cutoff"]) if before else None)
