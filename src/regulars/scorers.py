"""The scorer registry: every scorer a run may hold, declared once, with what it measures.

A scorer is one module (a class with ``name``, ``skip_reason(ctx)`` and ``score(ctx)``: see
``regulars.scores.Scorer``) and one entry here: its name, where its class lives (imported only
when a run uses it), and its measures, each with the column it takes in the wide ``scores``
view, its type, unit, horizon and words for people. The settings check, the store's view and
per-customer reads, drift, the sorts the CLI, API and dashboard offer and the words they use
all derive from this registry.

    register(ScorerSpec("toy", "my_package.toy:ToyScorer", (Measure("toy_score", "toy", "DOUBLE"),)))
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from regulars.errors import SettingsError

__all__ = ["DEFAULT_ORDER", "Measure", "ScorerSpec", "column_words", "drift_columns", "make_scorer", "register",
           "registered", "probability_columns", "scorer_names", "sort_words", "sorts", "unregister", "wide_columns"]


@dataclass(frozen=True)
class Measure:
    """One figure a scorer stores per customer. ``name`` is the scorer's own (its frame's column;
    ``reasons`` for its reasons), ``column`` the wide view's; ``kind`` DOUBLE, BIGINT or VARCHAR;
    ``unit`` probability, currency, points, days, hour or "" (words and tiers); ``horizon`` the
    ``[run]`` setting naming its horizon in days, if any; ``sort``: offered as a sort (name,
    highest first?); ``drift``: its spread is compared between runs."""

    name: str
    column: str
    kind: str = "DOUBLE"
    unit: str = ""
    horizon: str | None = None
    words: str = ""
    sort: tuple[str, bool] | None = None
    drift: bool = False


@dataclass(frozen=True)
class ScorerSpec:
    """A scorer: its name in ``[run] scorers``, its class as ``module:Class`` (built with
    ``args``), its measures, the tables it needs and what it is, in words."""

    name: str
    implementation: str
    measures: tuple[Measure, ...]
    args: tuple[Any, ...] = ()
    needs: tuple[str, ...] = ()
    words: str = ""


def _propensity(label: str, words: str, needs: tuple[str, ...]) -> ScorerSpec:
    return ScorerSpec(label, "regulars.scores._propensity:PropensityScorer", (
        Measure("probability", f"{label}_probability", unit="probability", horizon=f"{label}_horizon_days",
                words=words, sort=(label, False), drift=True),
        Measure("reasons", f"{label}_reasons", "VARCHAR")), args=(label,), needs=needs, words=words)


_REGISTRY: dict[str, ScorerSpec] = {}


def register(spec: ScorerSpec) -> None:
    """Add (or replace) a scorer; it may then be named in ``[run] scorers``."""
    _REGISTRY[spec.name] = spec


def unregister(name: str) -> None:
    """Forget a scorer registered since (runs already stored keep its results)."""
    if name in DEFAULT_ORDER:
        raise SettingsError(f"{name!r} is a built-in scorer; leave it out of [run] scorers instead")
    _REGISTRY.pop(name, None)


for _spec in (
    ScorerSpec("clv", "regulars.scores._lifetime:LifetimeValueScorer", (
        Measure("p_alive", "p_alive", unit="probability", words="chance they are still a customer",
                sort=("p_alive", True), drift=True),
        Measure("expected_orders_90d", "expected_orders_90d", words="orders expected in 90 days"),
        Measure("expected_orders_12m", "expected_orders_12m", words="orders expected in 12 months"),
        Measure("median_days_to_next_order", "median_days_to_next_order", unit="days"),
        Measure("expected_order_value", "expected_order_value", unit="currency"),
        Measure("clv", "clv", unit="currency", words="predicted value", sort=("clv", False), drift=True),
        Measure("orders", "orders", "BIGINT", words="purchases"),
        Measure("recency_days", "recency_days", unit="days"),
        Measure("days_since_last_order", "days_since_last_order", unit="days"),
        Measure("reasons", "reason", "VARCHAR")), needs=("orders",), words="lifetime value"),
    _propensity("churn", "chance of leaving", ("orders",)),
    _propensity("conversion", "chance a lead buys", ("orders",)),
    _propensity("support", "chance of a support ticket", ("tickets",)),
    ScorerSpec("engagement", "regulars.scores._engagement:EngagementScorer", (
        Measure("points", "engagement", unit="points", words="engagement points", sort=("engagement", False),
                drift=True),
        Measure("tier", "engagement_tier", "VARCHAR", words="engagement tier"),
        Measure("reasons", "engagement_reason", "VARCHAR")), words="engagement"),
    ScorerSpec("segments", "regulars.segments._scorer:SegmentScorer", (
        Measure("rfm_segment", "rfm_segment", "VARCHAR"),
        Measure("lifecycle_stage", "lifecycle_stage", "VARCHAR"),
        Measure("behaviour_group", "behaviour_group", "VARCHAR"),
        Measure("value_tier", "value_tier", "VARCHAR"),
        Measure("cluster", "cluster", "VARCHAR"),
        Measure("r_score", "r_score", "BIGINT"),
        Measure("f_score", "f_score", "BIGINT"),
        Measure("m_score", "m_score", "BIGINT"),
        Measure("value_at_stake", "value_at_stake", unit="currency", words="most valuable at risk",
                sort=("at_stake", False)),
        Measure("reasons", "lifecycle_reason", "VARCHAR")), words="segments"),
    ScorerSpec("recommend", "regulars.scores._recommend:RecommendScorer", (
        Measure("next_product", "next_product", "VARCHAR"),
        Measure("cross_sell_product", "cross_sell_product", "VARCHAR"),
        Measure("cross_sell_in_days", "cross_sell_in_days", unit="days"),
        Measure("replenish_product", "replenish_product", "VARCHAR"),
        Measure("replenish_in_days", "replenish_in_days", unit="days"),
        Measure("reasons", "recommend_reason", "VARCHAR")), words="recommendations"),
    ScorerSpec("timing", "regulars.scores._timing:TimingScorer", (
        Measure("best_hour", "best_hour", unit="hour"),
        Measure("best_weekday", "best_weekday", "VARCHAR"),
        Measure("best_channel", "best_channel", "VARCHAR"),
        Measure("events_used", "events_used"),
        Measure("reasons", "timing_reason", "VARCHAR")), words="best time and channel"),
):
    register(_spec)

#: The scorers a run holds when the settings name none, in the order they run (segments build
#: on lifetime value and engagement).
DEFAULT_ORDER = ("clv", "churn", "conversion", "support", "engagement", "recommend", "timing", "segments")


def registered() -> dict[str, ScorerSpec]:
    """Every scorer known now, by name."""
    return dict(_REGISTRY)


def scorer_names() -> tuple[str, ...]:
    """The built-in scorers in their default order, then any registered since."""
    return DEFAULT_ORDER + tuple(n for n in _REGISTRY if n not in DEFAULT_ORDER)


def make_scorer(name: str) -> Any:
    """The scorer named ``name``, its class imported now; an unknown name is an error naming the
    known ones."""
    spec = _REGISTRY.get(name)
    if spec is None:
        raise SettingsError(f"no scorer {name!r}; the scorers are {', '.join(scorer_names())}")
    module, _, cls = spec.implementation.partition(":")
    return getattr(importlib.import_module(module), cls)(*spec.args)


def wide_columns() -> tuple[tuple[str, str, str, str], ...]:
    """The wide ``scores`` view's columns: (column, scorer, measure, type), scorer by scorer in
    the order they were registered."""
    return tuple((m.column, spec.name, m.name, m.kind) for spec in _REGISTRY.values() for m in spec.measures)


def probability_columns() -> frozenset[str]:
    """The wide columns that hold a chance (0 to 1), which people write as percentages."""
    return frozenset(m.column for spec in _REGISTRY.values() for m in spec.measures if m.unit == "probability")


def drift_columns() -> tuple[str, ...]:
    """The wide columns whose spread is compared between runs."""
    return tuple(m.column for spec in _REGISTRY.values() for m in spec.measures if m.drift)


def column_words() -> dict[str, str]:
    """Each wide column in words for people (its measure's words, else its name)."""
    return {m.column: m.words or m.name.replace("_", " ") for spec in _REGISTRY.values() for m in spec.measures}


#: The order sorts are offered in (the risks first); sorts registered later follow.
_SORT_ORDER = ("at_stake", "churn", "conversion", "support", "clv", "engagement", "p_alive")


def sort_words() -> dict[str, str]:
    """What each sort is, in words for people (its measure's words): name -> words."""
    found = {m.sort[0]: m.words or m.name for spec in _REGISTRY.values() for m in spec.measures if m.sort is not None}
    return {name: found[name] for name in sorts()}


def sorts() -> dict[str, tuple[str, bool]]:
    """What customers may be sorted by: name -> (wide column, ascending)."""
    found = {m.sort[0]: (m.column, m.sort[1]) for spec in _REGISTRY.values() for m in spec.measures
             if m.sort is not None}
    return {name: found[name] for name in sorted(found, key=lambda n: (_SORT_ORDER + (n,)).index(n))}
