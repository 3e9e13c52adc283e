"""The web shop's visits per period: visits, visits that bought, and carts, with the carts
that no purchase followed (the KPIs' registry is in ``_kpis``). A visit is one visitor's web
activity on one day (exports rarely keep sessions; a visitor-day is what they all allow); a
visitor is a person, their records and devices linked by identity resolution."""

from __future__ import annotations

from datetime import date
from typing import Any

import ibis
import ibis.expr.types as ir

from regulars.metrics._query import rows

__all__ = ["WEB_EVENTS", "as_people", "web_by_period"]

#: Event types that are a visit to the shop's site (email, SMS and lead bookkeeping are not).
WEB_EVENTS = ("page_view", "pricing_view", "faq_view", "comparison_view", "category_view", "product_view", "search",
              "login", "cart_add", "cart_view", "cart_abandon", "checkout_start", "checkout", "download",
              "form_submit", "demo_request", "contact_form")
#: Event types that are a purchase on the site, besides a recorded order.
_BOUGHT = ("checkout",)


def as_people(events: ir.Table, links: ir.Table) -> ir.Table:
    """``events`` with each record's id replaced by its person's (``customer_map``), as
    ``purchases`` are kept: so a visitor's device and their account count as one."""
    people = links.select(record=links.customer_id, person=links.resolved_id)
    joined = events.left_join(people, events.customer_id == people.record)
    return joined.mutate(customer_id=joined.person.coalesce(joined.customer_id)).drop("record", "person")


def web_by_period(events: ir.Table, purchases: ir.Table, unit: str) -> dict[date, dict[str, Any]]:
    """Per period start (truncated by ``unit``): ``visits`` (visitor-days with a web event),
    ``bought`` (of those, the ones with a purchase that day: an order or a completed checkout),
    ``carts`` (visits with an item added to the cart) and ``abandoned`` (carts that no purchase
    by the visitor followed that day or the next). ``events`` have people's ids (``as_people``)."""
    web = events.filter(events.event_type.isin(WEB_EVENTS))
    web = web.select(who=web.customer_id, day=web.occurred_at.cast("date"),
                     kind=web.event_type)
    days = web.group_by("who", "day").aggregate(cart=(web.kind == "cart_add").any())
    # the days each person bought: an order, or a completed checkout the order export lacks
    sold = purchases.filter(purchases.customer_id.notnull())
    sold = sold.select(who=sold.customer_id, day=sold.ordered_at.cast("date"))
    paid = web.filter(web.kind.isin(_BOUGHT)).select("who", "day")
    bought = sold.union(paid).distinct().mutate(yes=ibis.literal(True))
    then = bought.select(who="who", day=(bought.day - ibis.interval(days=1)).cast("date"), later="yes")
    per = days.left_join(bought, ["who", "day"]).select(days, "yes")
    per = per.left_join(then, ["who", "day"]).select(per, "later")
    per = per.mutate(period=per.day.truncate(unit).cast("date"), bought=per.yes.fill_null(False),
                     later=per.later.fill_null(False))
    per = per.group_by("period").aggregate(
        visits=per.count(), bought=per.count(where=per.bought), carts=per.count(where=per.cart),
        abandoned=per.count(where=per.cart & ~per.bought & ~per.later))
    return {r["period"]: r for r in rows(per)}
