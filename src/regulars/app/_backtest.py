"""``backtest``: fit before a date, predict the following days, compare with what happened."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from regulars.app._choices import BACKTEST_MODELS, OUTCOME_TABLES
from regulars.app._common import check_search, parse_cutoff
from regulars.app._results import BacktestResult
from regulars.errors import InsufficientDataError, SettingsError
from regulars.store import open_workspace

__all__ = ["backtest"]


def _check_window(store: Any, model: str, cutoff: date, horizon_days: int) -> None:
    """Refuse a backtest whose outcome window runs past the data: it would count outcomes that
    simply have not been loaded yet as outcomes that did not happen."""
    last = store.last_day(OUTCOME_TABLES[model])
    if last is None:
        return  # the model itself says which data it lacks
    if cutoff + timedelta(days=horizon_days) > last + timedelta(days=1):
        latest = last + timedelta(days=1) - timedelta(days=horizon_days)
        raise InsufficientDataError(
            f"the {' and '.join(OUTCOME_TABLES[model])} data end on {last}, so a {horizon_days}-day backtest "
            f"from {cutoff} would run past it; the last cutoff it allows is {latest} (or choose a shorter --horizon)")


def backtest(workspace_path: str | Path, *, cutoff: str | date, horizon_days: int = 180, model: str = "clv",
             rolling: int = 1, search_seconds: float | None = None) -> BacktestResult:
    """Fit before ``cutoff``, predict ``horizon_days`` ahead, and compare with what happened.

    ``model`` is "clv" (BG/NBD + Gamma-Gamma) or a label: "churn", "purchase", "conversion",
    "support"; for a label, ``rolling`` > 1 repeats the test at earlier cutoffs, one horizon apart.
    """
    if horizon_days < 1:
        raise SettingsError(f"--horizon must be a positive number of days, got {horizon_days}")
    if model not in BACKTEST_MODELS:
        raise SettingsError(f"--model must be one of {', '.join(BACKTEST_MODELS)}; got {model!r}")
    if rolling < 1:
        raise SettingsError(f"--rolling must be at least 1, got {rolling}")
    check_search(search_seconds)
    when = parse_cutoff(cutoff)
    workspace = open_workspace(workspace_path)
    with workspace.store(read_only=True) as store:
        _check_window(store, model, when, horizon_days)
        if model == "clv":
            details = _clv(store, workspace.settings, when, horizon_days)
        else:
            details = _label(store, workspace.settings, model, when, horizon_days, rolling, search_seconds)
    return BacktestResult(model=model, cutoff=str(when), horizon_days=horizon_days, details=details)


def _clv(store: Any, settings: Any, when: date, horizon_days: int) -> dict[str, Any]:
    from regulars.models.clv import backtest as clv_backtest

    tables = store.feature_inputs()
    return clv_backtest(tables.get("orders", store.resolved("orders")), when, horizon_days,
                        min_repeaters=settings.clv.min_repeat_customers, shares=tables.get("refund_shares")).to_dict()


def _label(store: Any, settings: Any, model: str, when: date, horizon_days: int, rolling: int,
           search_seconds: float | None) -> dict[str, Any]:
    import numpy as np

    from regulars.features import FeatureFrames
    from regulars.models.engagement import EngagementScore
    from regulars.models.propensity import propensity_backtest

    tables = store.feature_inputs()
    frames = FeatureFrames(tables)  # rolling cutoffs one horizon apart share their feature sets
    results = []
    for k in range(rolling):
        try:
            one = propensity_backtest(tables, model, when - timedelta(days=k * horizon_days), horizon_days,
                                      engagement=EngagementScore(**asdict(settings.engagement)),
                                      search_seconds=search_seconds, frames=frames)
        except InsufficientDataError as exc:
            raise InsufficientDataError(f"cannot backtest {model}: {exc}") from None
        one.pop("model")
        results.append(one)
    result = results[0]
    if rolling > 1:
        result["rolling"] = [{"cutoff": r["cutoff"], "auc": r["metrics"]["model"]["auc"],
                              "rule_auc": r["metrics"].get("baseline_rule", {}).get("auc"),
                              "brier": r["metrics"]["model"]["brier"]} for r in results]
        result["rolling_mean_auc"] = float(np.mean([r["auc"] for r in result["rolling"]]))
    return result
