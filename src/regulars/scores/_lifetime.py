"""Lifetime value for every buyer as of a cutoff (BG/NBD + Gamma-Gamma), with a one-line reason
and a check of the same recipe on the last horizon before the cutoff."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from regulars.errors import InsufficientDataError
from regulars.scores._scorer import RunContext, Scored

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pandas as pd

    from regulars.config import ClvSettings

__all__ = ["LifetimeValueScorer", "score_lifetime_value"]

#: Days ahead of the expected-orders measure.
HORIZON_DAYS = 90


def _explain(scores: pd.DataFrame, currency: str, months: int) -> pd.Series:
    orders = scores["orders"].astype(int)
    since = scores["days_since_last_order"].round().astype(int)
    gap = (scores["recency_days"] / scores["orders"].clip(lower=2).sub(1)).round().astype(int)
    alive = (scores["p_alive"] * 100).round().astype(int).astype(str) + "%"
    value = scores["clv"].fillna(0).round().astype(int).map(lambda v: f"{currency}{v:,}")
    repeat = (orders.astype(str) + " orders, the last " + since.astype(str) + " days ago (usually every "
              + gap.astype(str) + " days): " + alive + " likely still a customer; worth about "
              + value + f" over the next {months} months")
    once = ("1 order so far, " + since.astype(str) + " days ago: too early to tell if they will return; "
            "expected " + scores["expected_orders_90d"].round(1).astype(str)
            + f" orders in the next {HORIZON_DAYS} days")
    return repeat.where(orders > 1, once)


def score_lifetime_value(orders: ir.Table, cutoff: date, settings: ClvSettings, *,
                         currency: str = "") -> tuple[pd.DataFrame, dict[str, Any]]:
    """Fit BG/NBD and Gamma-Gamma on orders before ``cutoff``; every buyer's measures and the
    fitted models' facts."""
    import numpy as np

    from regulars.features import TIME_UNITS, summary_frame
    from regulars.models.clv import BetaGeoFitter, GammaGammaFitter, predict_customers

    summary = summary_frame(orders, cutoff, "days")
    repeaters = int((summary["frequency"] > 0).sum())
    span = int(summary["T"].max()) if len(summary) else 0
    if repeaters < settings.min_repeat_customers or span < settings.min_history_days:
        raise InsufficientDataError(
            f"not enough history before {cutoff} for lifetime value: {repeaters} customers bought more "
            f"than once and the orders span {span} days; it needs at least {settings.min_repeat_customers} "
            f"repeat customers and {settings.min_history_days} days. Load more order history, or choose a "
            "later cutoff."
        )
    counts = BetaGeoFitter().fit(summary)
    spend = GammaGammaFitter().fit(summary)
    scores = predict_customers(counts, spend, summary, horizon_days=HORIZON_DAYS, months=settings.months,
                               monthly_discount=settings.monthly_discount, unit_days=TIME_UNITS["days"])
    scores = scores.rename(columns={"expected_orders": f"expected_orders_{HORIZON_DAYS}d"})
    scores["orders"] = summary["frequency"].to_numpy() + 1
    scores["recency_days"] = summary["recency"].to_numpy()
    scores["days_since_last_order"] = (summary["T"] - summary["recency"]).to_numpy()
    scores = scores.replace([np.inf, -np.inf], np.nan)
    scores["reasons"] = _explain(scores, currency, settings.months)
    facts = {
        "bgnbd": {**counts.to_dict(), "confidence_intervals": counts.confidence_intervals_},
        "gamma_gamma": {**spend.to_dict(), "frequency_value_correlation": spend.frequency_value_correlation_},
        "settings": {"horizon_days": HORIZON_DAYS, "months": settings.months,
                     "monthly_discount": settings.monthly_discount},
    }
    return scores, facts


def holdout_check(orders: ir.Table, cutoff: date, horizon_days: int = HORIZON_DAYS) -> dict[str, Any]:
    """How the same recipe did on the last ``horizon_days`` before ``cutoff`` (fitted before them).
    A fit with nothing to learn (every customer alike) says so instead of showing NaN."""
    import math

    from regulars.models.clv import backtest as clv_backtest

    try:
        result = clv_backtest(orders, cutoff - timedelta(days=horizon_days), horizon_days)
    except InsufficientDataError as exc:
        return {"skipped": f"no holdout check: {exc}"}
    metrics = result.metrics
    if not all(math.isfinite(metrics["bgnbd"][k]) for k in ("mae", "total_predicted")):
        return {"skipped": "no holdout check: the model found no variation between customers to learn from "
                           "(its predictions are undefined), so there is nothing to compare"}
    return {"cutoff": str(result.cutoff), "horizon_days": horizon_days, "metrics": metrics}


class LifetimeValueScorer:
    """Probability still a customer, expected orders, order value and lifetime value per buyer."""

    name = "clv"

    def skip_reason(self, ctx: RunContext) -> str | None:
        if "orders" not in ctx.tables:
            return "no orders are loaded; lifetime value needs order history"
        if len(ctx.currencies) > 1:
            return (f"orders are in {len(ctx.currencies)} currencies ({', '.join(ctx.currencies)}); lifetime value "
                    "adds amounts up, so it needs one currency (load each currency into its own workspace)")
        return None

    def score(self, ctx: RunContext) -> Scored:
        from regulars.scores._propensity import fingerprint

        orders = ctx.tables["orders"]
        frame, facts = score_lifetime_value(orders, ctx.cutoff, ctx.settings.clv, currency=ctx.currency)
        facts["evaluation"] = holdout_check(orders, ctx.cutoff)
        version = fingerprint(bgnbd=facts["bgnbd"]["params"], gg=facts["gamma_gamma"]["params"])
        return Scored(frame=frame, card=facts, version=version)
