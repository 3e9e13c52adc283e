"""A measure's daily series as a forecaster or a detector should read it: which days the shop
was shut (a weekday it never trades, a run of days with no sale where sales were all but
certain) rather than a day of no sales, and the weekly sums of the days. Pure functions over
(day, value) pairs, so the forecaster, the anomaly detector and their tests share them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

__all__ = ["CLOSED_WEEKDAY_SHARE", "DAILY_MEASURES", "ShopDays", "daily_measure", "product_units", "read_days",
           "top_products", "weekly"]

#: The shop's daily series a forecast or the alert watch reads, and what each counts.
DAILY_MEASURES = {
    "orders": "purchases (completed orders net of refunds, anonymous sales included) per day",
    "revenue": "revenue of those purchases per day, in the shop's main currency",
    "tickets": "support tickets opened per day",
    "web_visits": "visits (a visitor's web activity on one day, their devices counted as one person) per day",
    "new_customers": "customers whose first purchase ever was that day",
}

#: A weekday with no sale on this share of its dates or more is a day the shop does not trade.
CLOSED_WEEKDAY_SHARE = 0.9
#: A run of days with no sale is a closure when so few sales would come by chance at most this often.
CLOSURE_CHANCE = 0.001
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class ShopDays:
    """Every day from the first to the last with its value; ``closed_weekdays`` (0 = Monday) are
    left out of the series; ``closures`` are open weekdays the shop was shut (their value is
    filled from the same weekday around them and marked, never read as a day of no sales)."""

    days: list[date]
    values: list[float]
    filled: list[bool]
    closed_weekdays: tuple[int, ...]
    closures: list[date]

    @property
    def open_per_week(self) -> int:
        return 7 - len(self.closed_weekdays)

    def described(self) -> str:
        """What was read as shut, in words ('' when nothing)."""
        said = []
        if self.closed_weekdays:
            said.append("closed on " + " and ".join(WEEKDAYS[d] + "s" for d in self.closed_weekdays))
        if self.closures:
            said.append(f"{len(self.closures)} other day{'s' if len(self.closures) != 1 else ''} shut "
                        f"(from {self.closures[0]:%Y-%m-%d}) filled from the same weekday around them")
        return "; ".join(said)


def _closed_weekdays(counts: dict[date, float], rate: float) -> tuple[int, ...]:
    """Weekdays with no sale on nearly all of their dates, where an open day has so many sales
    that a day of none is no chance (a shop with few sales a day keeps its quiet days)."""
    if math.exp(-rate) > CLOSURE_CHANCE:
        return ()
    closed = []
    for weekday in range(7):
        seen = [n for d, n in counts.items() if d.weekday() == weekday]
        if len(seen) >= 4 and sum(1 for n in seen if n == 0) >= CLOSED_WEEKDAY_SHARE * len(seen):
            closed.append(weekday)
    return tuple(closed) if len(closed) < 7 else ()


def read_days(values: dict[date, float], counts: dict[date, float] | None = None,
              zeros_are_sales: bool = False) -> ShopDays:
    """The series from the first day with a value to the last. ``values`` holds the measure per
    day (days absent are 0); ``counts`` the number of sales per day that says whether the shop
    traded (the values themselves by default). With ``zeros_are_sales`` no day is read as shut."""
    counts = counts if counts is not None else values
    if not values:
        return ShopDays([], [], [], (), [])
    first, last = min(values), max(values)
    every = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    n = {d: float(counts.get(d, 0) or 0) for d in every}
    traded = [v for v in n.values() if v > 0]
    rate = sum(traded) / len(traded) if traded else 0.0
    closed = () if zeros_are_sales else _closed_weekdays(n, rate)
    days = [d for d in every if d.weekday() not in closed]
    shut: set[date] = set()
    if not zeros_are_sales and rate > 0:
        # a run of L open days with no sale, where the four weeks around it had `near` sales a day:
        # exp(-near * L) by chance (a local rate, so a shop's slow early months keep their quiet days)
        run: list[date] = []
        for i, d in enumerate([*days, None]):
            if d is not None and n[d] == 0:
                run.append(d)
                continue
            if run:
                start = i - len(run)
                around = [n[x] for x in days[max(0, start - 14):start] + days[i:i + 14]]
                near = sum(around) / len(around) if around else 0.0
                if math.exp(-near * len(run)) < CLOSURE_CHANCE:
                    shut.update(run)
            run = []
    raw = {d: float(values.get(d, 0) or 0) for d in days}
    filled = [d in shut for d in days]
    out = []
    for d in days:
        if d not in shut:
            out.append(raw[d])
            continue
        # the median of the same weekday in the four weeks either side that traded
        near = sorted(raw[d + timedelta(weeks=k)] for k in (-4, -3, -2, -1, 1, 2, 3, 4)
                      if d + timedelta(weeks=k) in raw and d + timedelta(weeks=k) not in shut)
        out.append(near[len(near) // 2] if near else 0.0)
    return ShopDays(days, out, filled, closed, sorted(shut))


def weekly(shop: ShopDays) -> tuple[list[date], list[float]]:
    """Sums per week (Monday to Sunday) of the weeks wholly inside the series; a partial first
    or last week is left out rather than read as a slow week."""
    sums: dict[date, float] = {}
    seen: dict[date, int] = {}
    for d, v in zip(shop.days, shop.values, strict=True):
        monday = d - timedelta(days=d.weekday())
        sums[monday] = sums.get(monday, 0.0) + v
        seen[monday] = seen.get(monday, 0) + 1
    full = [w for w in sorted(sums) if seen[w] == shop.open_per_week]
    return full, [sums[w] for w in full]


def daily_measure(measure: str, purchases: Any, tickets: Any, currency: str | None,
                  before: datetime | None = None, events: Any = None) -> tuple[dict[date, float], dict[date, float]]:
    """(value per day, sales per day that say whether the shop traded) of a ``DAILY_MEASURES``
    measure from the stored tables (Ibis), only what happened before ``before`` when given
    (``events``, with people's ids, for web visits)."""
    from regulars.metrics._query import rows
    from regulars.metrics._web import WEB_EVENTS

    if measure == "web_visits":
        web = events.filter(events.event_type.isin(WEB_EVENTS))
        web = web if before is None else web.filter(web.occurred_at < before)
        found = rows(web.group_by(day=web.occurred_at.date()).aggregate(n=web.customer_id.nunique()))
        counts = {r["day"]: float(r["n"]) for r in found}
        return counts, counts

    if measure == "tickets":
        t = tickets if before is None else tickets.filter(tickets.opened_at < before)
        found = rows(t.group_by(day=t.opened_at.date()).aggregate(n=t.count()))
        counts = {r["day"]: float(r["n"]) for r in found}
        return counts, counts
    sold = purchases if currency is None else purchases.filter(purchases.currency == currency)
    sold = sold if before is None else sold.filter(sold.ordered_at < before)
    found = rows(sold.group_by(day=sold.ordered_at.date()).aggregate(n=sold.count(), revenue=sold.amount.sum()))
    counts = {r["day"]: float(r["n"]) for r in found}
    if measure == "new_customers":  # the shop's sales say which days it traded
        known = sold.filter(sold.customer_id.notnull())
        firsts = known.group_by("customer_id").aggregate(day=known.ordered_at.min().date())
        return {r["day"]: float(r["n"]) for r in rows(firsts.group_by("day").aggregate(n=firsts.count()))}, counts
    return ({r["day"]: float(r["revenue"] or 0) for r in found} if measure == "revenue" else counts), counts


def product_units(purchases: Any, items: Any, product: str, before: datetime | None = None
                  ) -> tuple[dict[date, float], dict[date, float]]:
    """(units of ``product`` sold per day, the shop's sales per day) from the purchases' order
    lines, only before ``before`` when given: the shop's sales, not the product's, say which
    days it traded (a product not sold on a day the shop was open sold none), to the shop's last."""
    from regulars.metrics._query import rows

    sold = purchases if before is None else purchases.filter(purchases.ordered_at < before)
    counts = {r["day"]: float(r["n"]) for r in rows(sold.group_by(day=sold.ordered_at.date())
                                                     .aggregate(n=sold.count()))}
    lines = items.filter(items.product_id == product)
    lines = lines.join(sold.select("order_id", "ordered_at"), "order_id")
    found = rows(lines.group_by(day=lines.ordered_at.date()).aggregate(units=lines.quantity.fill_null(1).sum()))
    units = {r["day"]: float(r["units"] or 0) for r in found}
    if units and counts:  # the days since its last sale up to the shop's last are days it sold none
        units.setdefault(max(counts), 0.0)
    return units, counts


def top_products(purchases: Any, items: Any, days: int = 90, top: int = 3) -> list[dict[str, Any]]:
    """The ``top`` products by units sold in the last ``days`` of sales, with their units."""
    import ibis

    from regulars.metrics._query import rows

    last = purchases.ordered_at.max()
    recent = purchases.filter(purchases.ordered_at >= last - ibis.interval(days=days)).select("order_id")
    lines = items.filter(items.product_id.notnull()).semi_join(recent, "order_id")
    found = lines.group_by("product_id").aggregate(units=lines.quantity.fill_null(1).sum())
    return rows(found.order_by([ibis.desc("units"), "product_id"]).limit(top))
