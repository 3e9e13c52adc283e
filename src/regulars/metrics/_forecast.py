"""Forecasts of a shop's daily or weekly series with 80% and 95% intervals, from statsforecast.
Candidate models (AutoETS, AutoARIMA, AutoTheta, MSTL where a yearly cycle fits beside the
weekly one; Croston-type models for a series mostly of zeros) are compared with seasonal naive
by rolling-origin cross-validation, and the one with the lowest MASE answers; a series too short
to compare models repeats its last value and says so. The card keeps every candidate's MASE and
the empirical coverage of its intervals, so an owner can see what the forecast is worth."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

__all__ = ["Forecast", "holdout_check", "next_periods", "predict_series"]

LEVELS = (80, 95)
#: How many one-horizon windows the cross-validation compares models on.
WINDOWS = 4
#: A series with this share of zeros or more is intermittent (Croston-type models).
INTERMITTENT_SHARE = 0.3


@dataclass(frozen=True)
class Forecast:
    """A forecast and what it is worth: ``model`` answered, chosen over ``candidates`` (each with
    its cross-validated MASE and the share of actual values its 80% and 95% intervals held);
    ``baseline_mase`` is seasonal naive's; ``points`` the forecast per period with its intervals;
    ``notes`` say in words what was assumed (a fallback, closed days)."""

    grain: str
    season_length: int
    model: str
    baseline_mase: float | None
    candidates: list[dict[str, Any]]
    points: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)


def next_periods(last: date, grain: str, horizon: int, closed_weekdays: tuple[int, ...] = ()) -> list[date]:
    """The ``horizon`` periods after ``last``: open days, or the Mondays of the weeks to come."""
    out, d = [], last
    step = timedelta(days=7 if grain == "week" else 1)
    while len(out) < horizon:
        d += step
        if grain == "week" or d.weekday() not in closed_weekdays:
            out.append(d)
    return out


def _models(names: list[str], season: int, yearly: int, horizon: int) -> list[Any]:
    from statsforecast import models as m
    from statsforecast.utils import ConformalIntervals

    made = {
        "Seasonal naive": lambda: m.SeasonalNaive(season, alias="Seasonal naive"),
        "Naive": lambda: m.Naive(alias="Naive"),
        # additive errors only: on the log scale a multiplicative error is already additive, and
        # leaving those forms out of the search makes it three times as quick for the same fits
        "AutoETS": lambda: m.AutoETS(season_length=season, model="AZZ", alias="AutoETS"),
        # orders capped and the likelihood approximated in the search: the full search costs ten
        # times as much and rarely wins on a shop's daily series
        "AutoARIMA": lambda: m.AutoARIMA(season_length=season, max_p=2, max_q=2, max_P=1, max_Q=1,
                                         approximation=True, alias="AutoARIMA"),
        "AutoTheta": lambda: m.AutoTheta(season_length=season, alias="AutoTheta"),
        "MSTL": lambda: m.MSTL(season_length=[season, yearly], trend_forecaster=m.AutoETS(model="ZZN"),
                               alias="MSTL"),
        # no interval of their own: conformal ones from their errors in two past windows
        "Croston": lambda: m.CrostonOptimized(alias="Croston",
                                              prediction_intervals=ConformalIntervals(h=horizon, n_windows=2)),
        "ADIDA": lambda: m.ADIDA(alias="ADIDA", prediction_intervals=ConformalIntervals(h=horizon, n_windows=2)),
    }
    return [made[n]() for n in names]


def _frame(values: list[float]) -> Any:
    """The series as statsforecast reads it, on the log scale: sales grow and vary in proportion
    (a busy week swings more than a quiet one), so the intervals widen upwards, never below 0."""
    import numpy as np
    import pandas as pd

    return pd.DataFrame({"unique_id": "s", "ds": np.arange(len(values)),
                         "y": np.log1p(np.clip(np.asarray(values, float), 0, None))})


def _back(frame: Any) -> Any:
    """Forecasts and actual values back from the log scale."""
    import numpy as np

    cols = [c for c in frame.columns if c not in ("unique_id", "ds", "cutoff")]
    frame[cols] = np.expm1(frame[cols])
    return frame


def _cross_validated(names: list[str], season: int, yearly: int, values: list[float], horizon: int,
                     windows: int) -> Any:
    """Each model refit at each of the last ``windows`` origins, ``horizon`` periods apart."""
    from statsforecast import StatsForecast

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _back(StatsForecast(models=_models(names, season, yearly, horizon), freq=1, n_jobs=1).cross_validation(
            df=_frame(values), h=horizon, step_size=horizon, n_windows=windows, level=list(LEVELS)))


def _scale(values: list[float], season: int) -> float:
    """MASE's denominator: the mean error of seasonal naive within the series (1 if it never errs)."""
    diffs = [abs(a - b) for a, b in zip(values[season:], values, strict=False)]
    found = sum(diffs) / len(diffs) if diffs else 0.0
    return found if found > 0 else 1.0


def _scored(cv: Any, names: list[str], scale: float) -> list[dict[str, Any]]:
    out = []
    for name in names:
        err = (cv[name] - cv["y"]).abs().mean()
        held = {level: float(((cv["y"] >= cv[f"{name}-lo-{level}"]) & (cv["y"] <= cv[f"{name}-hi-{level}"])).mean())
                for level in LEVELS}
        out.append({"model": name, "mase": round(float(err / scale), 3),
                    "coverage_80": round(held[80], 3), "coverage_95": round(held[95], 3)})
    return out


def _plan(values: list[float], grain: str, open_per_week: int, horizon: int) -> tuple[int, int, list[str], str]:
    """(season, yearly season, candidate models, note) for a series of this length and shape."""
    season = open_per_week if grain == "day" else 1
    yearly = open_per_week * 52 if grain == "day" else 52
    if grain == "week" and len(values) >= 2 * yearly + horizon:
        season = yearly
    enough = max(3 * season, 14) + WINDOWS * horizon
    if len(values) < enough:
        unit = "days" if grain == "day" else "weeks"
        return season, yearly, ["Naive"], (f"only {len(values)} {unit} of history, too few to compare models "
                                           f"(needs {enough}): the forecast repeats the last value")
    zeros = sum(1 for v in values if v == 0) / len(values)
    if zeros >= INTERMITTENT_SHARE and len(values) - WINDOWS * horizon < 2 * horizon + 1:
        return season, yearly, ["Seasonal naive"], (  # Croston's and ADIDA's conformal intervals need more
            f"{zeros:.0%} of {'days' if grain == 'day' else 'weeks'} have none, and too few of them to test "
            "models for intermittent demand: the forecast repeats the last season")
    if zeros >= INTERMITTENT_SHARE:
        return season, yearly, ["Seasonal naive", "Croston", "ADIDA"], (
            f"{zeros:.0%} of {'days' if grain == 'day' else 'weeks'} have none: models for intermittent demand")
    names = ["Seasonal naive", "AutoETS", "AutoARIMA", "AutoTheta"]
    if grain == "day" and len(values) >= 2 * yearly + WINDOWS * horizon:
        names.append("MSTL")
    return season, yearly, names, ""


def predict_series(periods: list[date], values: list[float], grain: str, horizon: int,
                   closed_weekdays: tuple[int, ...] = ()) -> Forecast:
    """Choose a model for ``values`` (one per period in ``periods``, a day or a week) by
    rolling-origin cross-validation and forecast ``horizon`` periods after the last."""
    from statsforecast import StatsForecast

    open_per_week = 7 - len(closed_weekdays)
    season, yearly, names, note = _plan(values, grain, open_per_week, horizon)
    notes = [note] if note else []
    scale = _scale(values, season)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        candidates: list[dict[str, Any]] = []
        chosen = names[0]
        if len(names) > 1:
            cv = _cross_validated(names, season, yearly, values, horizon, WINDOWS)
            candidates = _scored(cv, names, scale)
            chosen = min(candidates, key=lambda c: c["mase"])["model"]
        ahead = _back(StatsForecast(models=_models([chosen], season, yearly, horizon), freq=1, n_jobs=1).forecast(
            df=_frame(values), h=horizon, level=list(LEVELS)))
    when = next_periods(periods[-1], grain, horizon, closed_weekdays)
    points = [{"period": d, **{k: max(0.0, round(float(ahead[c].iloc[i]), 2)) for k, c in (
        ("value", chosen), ("low_80", f"{chosen}-lo-80"), ("high_80", f"{chosen}-hi-80"),
        ("low_95", f"{chosen}-lo-95"), ("high_95", f"{chosen}-hi-95"))}} for i, d in enumerate(when)]
    if not candidates:  # no model could be tested: the band is what the periods so far have been
        points = [{**p, **_range_so_far(values, p["value"])} for p in points]
        notes.append("its intervals are the range of the values so far")
    base = next((c["mase"] for c in candidates if c["model"] == "Seasonal naive"), None)
    return Forecast(grain=grain, season_length=season, model=chosen, baseline_mase=base, candidates=candidates,
                    points=points, notes=notes)


def _range_so_far(values: list[float], value: float) -> dict[str, float]:
    """80% and 95% bands from the series' own quantiles (widened to hold ``value``): a random
    walk's intervals grow without bound on a short series that jumped from nothing."""
    import numpy as np

    q = np.quantile(np.asarray(values, float), [0.025, 0.1, 0.9, 0.975])
    return {"low_95": round(float(min(q[0], value)), 2), "low_80": round(float(min(q[1], value)), 2),
            "high_80": round(float(max(q[2], value)), 2), "high_95": round(float(max(q[3], value)), 2)}


def holdout_check(periods: list[date], values: list[float], grain: str, holdout: int, step: int,
                  closed_weekdays: tuple[int, ...] = ()) -> dict[str, Any]:
    """How the model chosen on the data before the last ``holdout`` periods does on them, by a
    rolling origin (refit every ``step`` periods, forecast the next ``step``), beside seasonal
    naive on the same windows: each one's MASE (scaled by seasonal naive's error before the
    holdout) and the share of actual values the chosen model's 80% and 95% intervals held."""
    before = values[:-holdout]
    made = predict_series(periods[:-holdout], before, grain, step, closed_weekdays)
    _, yearly, _, _ = _plan(before, grain, 7 - len(closed_weekdays), step)
    names = list(dict.fromkeys([made.model, "Seasonal naive"]))
    cv = _cross_validated(names, made.season_length, yearly, values, step, holdout // step)
    scored = {c["model"]: c for c in _scored(cv, names, _scale(before, made.season_length))}
    return {"model": made.model, "mase": scored[made.model]["mase"],
            "baseline_mase": scored["Seasonal naive"]["mase"], "coverage_80": scored[made.model]["coverage_80"],
            "coverage_95": scored[made.model]["coverage_95"], "points": len(cv), "notes": made.notes}
