"""A run's headline figures: average churn risk and lifetime value, the valuable customers
slipping away (by value at stake) and the hot leads who have not bought yet (at 50% or more by
the conversion model, or hot by their engagement points)."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from regulars.metrics._query import rows
from regulars.segments import at_stake

__all__ = ["KEPT_TOP", "first_of", "run_figures"]

#: How many customers of each list a run keeps with its figures (a page asking for more works them out).
KEPT_TOP = 50


def run_figures(scores: ir.Table, run_id: str, top: int = KEPT_TOP) -> dict[str, Any]:
    """The figures of run ``run_id`` from the wide ``scores`` table, with its first ``top`` of each list."""
    s = scores.filter(scores.run_id == run_id)
    figures = s.aggregate(churn_risk=s.churn_probability.mean(), at_risk=s.count(where=s.churn_probability >= 0.5),
                          clv_total=s.clv.sum(), clv_average=s.clv.mean(), customers=s.count())
    figures = rows(figures)[0]
    risky = s.filter((s.churn_probability >= 0.5) & (s.clv > 0))
    risky = risky.select("customer_id", "churn_probability", "clv", "churn_reasons",
                         at_stake=at_stake(risky.churn_probability, risky.clv))
    figures["at_risk_valuable"] = rows(risky.order_by([ibis.desc("at_stake"), "customer_id"]).limit(top))
    # leads who have not bought: likely to by the conversion model, or hot by their points
    leads = s.filter(((s.conversion_probability >= 0.5) | (s.engagement_tier == "hot")) & (s.orders.fill_null(0) == 0))
    likely = ibis.desc(leads.conversion_probability.fill_null(0))
    leads = leads.order_by([likely, ibis.desc("engagement"), "customer_id"])
    leads = leads.select("customer_id", "engagement", "conversion_probability",
                         reasons=ibis.coalesce(leads.conversion_reasons, leads.engagement_reason))
    figures["hot_leads"] = rows(leads.limit(top))
    return figures


def first_of(kept: dict[str, Any] | None, top: int) -> dict[str, Any] | None:
    """Figures kept with a run, their lists cut to ``top``; None when nothing was kept or the
    lists kept are shorter than asked for (the caller works them out with ``run_figures``)."""
    if kept is None or top > KEPT_TOP:
        return None
    return kept | {name: kept[name][:top] for name in ("at_risk_valuable", "hot_leads")}
