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

__all__ = ["LifetimeValueScorer", "figures_disagree", "score_lifetime_value"]

#: Days ahead of the expected-orders measure.
HORIZON_DAYS = 90


def _explain(scores: pd.DataFrame, currency: str, months: int, model: str = "BG/NBD") -> pd.Series:
    orders = scores["orders"].astype(int)
    since = scores["days_since_last_order"].round().astype(int)
    gap = (scores["recency_days"] / scores["orders"].clip(lower=2).sub(1)).round().astype(int)
    known = scores["p_alive"].notna()
    alive = ((scores["p_alive"].fillna(0) * 100).round().astype(int).astype(str) + "% likely still a customer; ")
    alive = alive.where(known, "")
    value = scores["clv"].fillna(0).round().astype(int).map(lambda v: f"{currency}{v:,}")
    when = since.map(lambda d: "today" if d < 1 else "yesterday" if d == 1 else f"{d} days ago")
    every = gap.map(lambda d: "every day" if d <= 1 else f"every {d} days")
    repeat = (orders.astype(str) + " orders, the last one " + when + " (usually " + every + "): " + alive
              + "worth about "
              + value + f" over the next {months} months")
    expected = ("expected " + scores["expected_orders_90d"].round(1).astype(str)
                + f" orders in the next {HORIZON_DAYS} days")
    # BG/NBD cannot see a one-time buyer leave (they drop out only after a repeat purchase)
    once_alive = alive if model != "BG/NBD" else alive.str.slice(0, 0)
    once = ("1 order so far, " + when + ": " + once_alive
            + ("" if model != "BG/NBD" else "whether they will return cannot be told from one order yet; ")
            + expected)
    return repeat.where(orders > 1, once)


def score_lifetime_value(orders: ir.Table, cutoff: date, settings: ClvSettings, *, currency: str = "",
                         shares: ir.Table | None = None) -> tuple[pd.DataFrame, dict[str, Any]]:
    """BG/NBD, MBG/NBD and Pareto/NBD compete on the last horizon before ``cutoff``; the best fit
    that is not degenerate (refitted on everything before ``cutoff``) and Gamma-Gamma give every
    buyer's measures. When every fit is degenerate, the best one's expected orders and value are
    kept, P(alive) is not shown, and the card says why."""
    import numpy as np

    from regulars.features import TIME_UNITS, summary_frame
    from regulars.models.clv import (
        COUNT_MODELS,
        ConvergenceError,
        GammaGammaFitter,
        compete,
        degenerate,
        fit_sample,
        predict_customers,
    )

    summary = summary_frame(orders, cutoff, "days", shares)
    repeaters = int((summary["frequency"] > 0).sum())
    span = int(summary["T"].max()) if len(summary) else 0
    if repeaters < settings.min_repeat_customers or span < settings.min_history_days:
        raise InsufficientDataError(
            f"not enough history before {cutoff} for lifetime value: {repeaters} customers bought more "
            f"than once and the orders span {span} days; it needs at least {settings.min_repeat_customers} "
            f"repeat customers and {settings.min_history_days} days. Load more order history, or choose a "
            "later cutoff."
        )
    try:
        tried = compete(orders, cutoff - timedelta(days=HORIZON_DAYS), HORIZON_DAYS, shares)
    except InsufficientDataError:
        tried = []  # too little before the horizon to check: the peers' default answers, unchecked
    counts, problem = None, None
    for candidate in tried or [{"model": "BG/NBD", "degenerate": None}]:
        if candidate["degenerate"] is not None:
            continue
        try:
            fitted = COUNT_MODELS[candidate["model"]]().fit(fit_sample(summary))
        except ConvergenceError:  # fits on the shorter history, not on all of it: the next one
            continue
        problem = degenerate(fitted, summary)
        if problem is None:
            counts = fitted
            break
    if counts is None:  # every fit is degenerate: the best by the holdout, and P(alive) is not shown
        for candidate in tried or [{"model": "BG/NBD"}]:
            try:
                counts = COUNT_MODELS[candidate["model"]]().fit(fit_sample(summary))
                break
            except ConvergenceError:
                continue
        if counts is None:
            counts = COUNT_MODELS["BG/NBD"]().fit(fit_sample(summary))
        problem = degenerate(counts, summary) or (tried[0]["degenerate"] if tried else None)
    spend = GammaGammaFitter().fit(fit_sample(summary))
    scores = predict_customers(counts, spend, summary, horizon_days=HORIZON_DAYS, months=settings.months,
                               monthly_discount=settings.monthly_discount, unit_days=TIME_UNITS["days"])
    if problem is not None:
        scores["p_alive"] = np.nan
    scores = scores.rename(columns={"expected_orders": f"expected_orders_{HORIZON_DAYS}d"})
    scores["orders"] = summary["frequency"].to_numpy() + 1
    scores["recency_days"] = summary["recency"].to_numpy()
    scores["days_since_last_order"] = (summary["T"] - summary["recency"]).to_numpy()
    scores = scores.replace([np.inf, -np.inf], np.nan)
    scores["reasons"] = _explain(scores, currency, settings.months, counts._model_type)
    facts = {
        "count_model": counts._model_type,
        "count_model_fit": {**counts.to_dict(), "confidence_intervals": counts.confidence_intervals_},
        "gamma_gamma": {**spend.to_dict(), "frequency_value_correlation": spend.frequency_value_correlation_},
        "competition": [{k: v for k, v in t.items() if k != "check"} for t in tried],
        "degenerate": None if problem is None else (
            f"{problem}: it cannot tell who has left, so 'still a customer' is not shown; expected orders and "
            "value come from its purchase rates"),
        "settings": {"horizon_days": HORIZON_DAYS, "months": settings.months,
                     "monthly_discount": settings.monthly_discount},
    }
    chosen = next((t for t in tried if t["model"] == counts._model_type), None)
    if chosen is not None:
        facts["evaluation"] = {"cutoff": str(chosen["check"].cutoff), "horizon_days": HORIZON_DAYS,
                               "metrics": chosen["check"].metrics}
    return scores, facts


def figures_disagree(expected_orders: float | None, churn_probability: float | None, horizon_days: int) -> str | None:
    """Why a customer's expected orders and chance of no order differ, when they tell different
    stories (1.14 orders expected in 90 days beside an 88% chance of no order): None when they
    agree or one is missing. Expected orders imply a chance of no order of about e^-E."""
    import math

    if expected_orders is None or churn_probability is None or not (
            math.isfinite(expected_orders) and math.isfinite(churn_probability)):
        return None
    implied = math.exp(-max(expected_orders, 0.0))
    if abs(churn_probability - implied) < 0.4:
        return None
    return (f"These two figures differ: the expected orders carry this customer's own long-run rate forward "
            f"(about {implied:.0%} chance of no order in {horizon_days} days at that rate), while the chance of no "
            f"order ({churn_probability:.0%}) learns from what happened to customers like them lately.")


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

        frame, facts = score_lifetime_value(ctx.tables["orders"], ctx.cutoff, ctx.settings.clv, currency=ctx.currency,
                                            shares=ctx.tables.get("refund_shares"))
        facts.setdefault("evaluation", {"skipped": "no holdout check: too little history before the last "
                                                   f"{HORIZON_DAYS} days to fit on"})
        version = fingerprint(counts=[facts["count_model"], facts["count_model_fit"]["params"]],
                              gg=facts["gamma_gamma"]["params"])
        return Scored(frame=frame, card=facts, version=version)
