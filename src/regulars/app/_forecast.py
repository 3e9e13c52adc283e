"""``forecast``: a shop measure's next days or weeks with 80% and 95% intervals, the model chosen
for it and what that model was worth on the shop's own past (``metrics._forecast``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from regulars.app._common import parse_cutoff
from regulars.app._results import Result
from regulars.errors import InsufficientDataError, NotFoundError, SettingsError
from regulars.store import open_workspace, stored_tables

__all__ = ["ForecastResult", "forecast"]

#: Past periods shown beside a forecast.
HISTORY = {"day": 42, "week": 26}


@dataclass(frozen=True)
class ForecastResult(Result):
    """The forecast of ``measure`` per ``grain`` from the data before ``cutoff`` (the day after
    the last data when none was given): ``points`` with their intervals (and what happened, when
    the cutoff lies in the past), ``history`` of the periods before, the ``model`` that answered
    and every candidate's cross-validated MASE and interval coverage; ``notes`` in words."""

    measure: str
    unit: str
    grain: str
    cutoff: str
    currency: str | None
    model: str
    season_length: int
    baseline_mase: float | None
    candidates: list[dict[str, Any]]
    points: list[dict[str, Any]]
    history: list[dict[str, Any]]
    notes: list[str]


def forecast(workspace_path: str | Path, measure: str = "orders", *, by: str = "day", horizon: int = 14,
             cutoff: str | date | None = None) -> ForecastResult:
    """Forecast ``measure`` (orders, revenue or tickets) ``horizon`` days or weeks ahead, as of
    ``cutoff`` (from the data before it) or after the latest data."""
    from regulars.metrics import DAILY_MEASURES

    if measure not in DAILY_MEASURES:
        raise NotFoundError(f"no forecast of {measure!r}; the measures are {', '.join(DAILY_MEASURES)}")
    if by not in HISTORY:
        raise SettingsError(f"--by must be day or week; got {by!r}")
    if not 1 <= horizon <= (90 if by == "day" else 26):
        raise SettingsError(f"--horizon must be 1 to {90 if by == 'day' else 26} {by}s; got {horizon}")
    cutoff = parse_cutoff(cutoff)
    with open_workspace(workspace_path).store(read_only=True) as store:
        return ForecastResult(**forecast_of(store, measure, by, horizon, cutoff))


def forecast_of(store: Any, measure: str, by: str = "day", horizon: int = 14, cutoff: date | None = None
                ) -> dict[str, Any]:
    """A forecast's fields (``ForecastResult``) from a store."""
    from regulars.metrics import daily_measure, main_currency, predict_series, read_days, weekly

    before = datetime.combine(cutoff, datetime.min.time()) if cutoff else None
    tables = stored_tables(store, "purchases", "tickets")
    currency = main_currency(tables["purchases"]) if measure != "tickets" else None
    values, counts = daily_measure(measure, tables["purchases"], tables["tickets"], currency, before)
    after = daily_measure(measure, tables["purchases"], tables["tickets"], currency)[0] if cutoff else {}
    shop = read_days(values, counts)
    periods, series = (shop.days, shop.values) if by == "day" else weekly(shop)
    if len(series) < 2:
        what = "tickets" if measure == "tickets" else "sales"
        raise InsufficientDataError(f"a forecast needs at least two {by}s of {what}"
                                    + (f" before {cutoff}" if cutoff else "") + f"; there are {len(series)}")
    made = predict_series(periods, series, by, horizon, shop.closed_weekdays)
    notes = [*made.notes, *([shop.described()] if shop.described() else [])]
    span = 7 if by == "week" else 1
    known_to = max(after, default=None)
    for point in made.points:  # what happened, when the forecast is of the past
        end = point["period"] + timedelta(days=span - 1)
        point["actual"] = (round(sum(after.get(point["period"] + timedelta(days=i), 0.0) for i in range(span)), 2)
                           if known_to and end <= known_to else None)
    history = [{"period": p, "value": round(v, 2), "filled": by == "day" and f}
               for p, v, f in zip(periods, series, shop.filled if by == "day" else [False] * len(series),
                                  strict=True)][-HISTORY[by]:]
    last = shop.days[-1] if shop.days else cutoff
    return dict(
        measure=measure, unit="money" if measure == "revenue" else "count", grain=by,
        cutoff=f"{cutoff or last + timedelta(days=1):%Y-%m-%d}", currency=currency, model=made.model,
        season_length=made.season_length, baseline_mase=made.baseline_mase, candidates=made.candidates,
        points=made.points, history=history, notes=notes)
