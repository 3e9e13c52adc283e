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
    #: The product whose units are forecast (``demand``), and its name where the shop has one.
    product: str | None = None
    product_name: str | None = None


def forecast(workspace_path: str | Path, measure: str = "orders", *, by: str = "day", horizon: int = 14,
             cutoff: str | date | None = None, product: str | None = None) -> ForecastResult:
    """Forecast ``measure`` (orders, revenue, tickets, or ``demand``: the units of ``product``,
    the best seller of the last 90 days when none is named) ``horizon`` days or weeks ahead, as
    of ``cutoff`` (from the data before it) or after the latest data."""
    from regulars.metrics import DAILY_MEASURES

    if measure not in (*DAILY_MEASURES, "demand"):
        raise NotFoundError(f"no forecast of {measure!r}; the measures are {', '.join(DAILY_MEASURES)} and demand "
                            "(of a product, --product)")
    if product is not None and measure != "demand":
        raise SettingsError("--product goes with the demand forecast: `regulars forecast DIR demand --product ID`")
    if by not in HISTORY:
        raise SettingsError(f"--by must be day or week; got {by!r}")
    if not 1 <= horizon <= (90 if by == "day" else 26):
        raise SettingsError(f"--horizon must be 1 to {90 if by == 'day' else 26} {by}s; got {horizon}")
    cutoff = parse_cutoff(cutoff)
    with open_workspace(workspace_path).store(read_only=True) as store:
        if measure == "demand":
            product = _product(store, product)
        return ForecastResult(**forecast_of(store, measure, by, horizon, cutoff, product))


def _product(store: Any, product: str | None) -> str:
    """The product named (it must have been sold), else the best seller of the last 90 days."""
    from regulars.metrics import top_products

    if not store.count("order_items"):
        raise InsufficientDataError("a demand forecast needs order lines (order_items); none are loaded")
    tables = stored_tables(store, "purchases", "order_items")
    if product is None:
        best = top_products(tables["purchases"], tables["order_items"], top=1)
        if not best:
            raise InsufficientDataError("no product was sold in the last 90 days of sales")
        return str(best[0]["product_id"])
    items = tables["order_items"]
    if not items.filter(items.product_id == product).count().to_pyarrow().as_py():
        raise NotFoundError(f"no sale of a product {product!r} is recorded")
    return product


def forecast_of(store: Any, measure: str, by: str = "day", horizon: int = 14, cutoff: date | None = None,
                product: str | None = None) -> dict[str, Any]:
    """A forecast's fields (``ForecastResult``) from a store (``product``: of the demand)."""
    from regulars.metrics import (
        as_people,
        daily_measure,
        main_currency,
        predict_series,
        product_units,
        read_days,
        weekly,
    )
    from regulars.store import product_names

    before = datetime.combine(cutoff, datetime.min.time()) if cutoff else None
    tables = stored_tables(store, "purchases", "tickets", "order_items", "events", "customer_map")
    currency = main_currency(tables["purchases"]) if measure in ("orders", "revenue") else None
    events = as_people(tables["events"], tables["customer_map"])

    def daily(before: datetime | None) -> tuple[dict[date, float], dict[date, float]]:
        if measure == "demand":
            return product_units(tables["purchases"], tables["order_items"], str(product), before)
        return daily_measure(measure, tables["purchases"], tables["tickets"], currency, before, events)

    values, counts = daily(before)
    after = daily(None)[0] if cutoff else {}
    shop = read_days(values, counts)
    periods, series = (shop.days, shop.values) if by == "day" else weekly(shop)
    if len(series) < 2:
        what = {"tickets": "tickets", "web_visits": "web visits", "new_customers": "first purchases",
                "demand": f"sales of {product}"}.get(measure, "sales")
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
        points=made.points, history=history, notes=notes, product=product,
        product_name=product_names(store, [product]).get(product) if product else None)
