"""The typed records the use cases return: attributes for code, ``to_dict()`` for JSON."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from regulars._json import jsonable

if TYPE_CHECKING:
    import pandas as pd

    from regulars.app._action_results import PlanResult, PlaybookResultsResult
    from regulars.store import BatchResult

__all__ = ["BacktestResult", "CustomerResult", "CustomerSegmentsResult", "DefineSegmentResult", "DemoResult",
           "EngagementResult", "EnrichResult", "IngestResult", "InitResult", "MappingResult", "PinResult",
           "PredictResult", "ProductPairsResult", "QuarantineResult", "RecommendResult", "Result", "RunResult",
           "ScoresResult", "SegmentHistoryResult", "SegmentResult", "SegmentsResult", "StatusResult", "UndoResult"]


@dataclass(frozen=True)
class Result:
    """Base of every use case's result; ``to_dict()`` is safe for strict JSON (no NaN)."""

    def to_dict(self) -> dict[str, Any]:
        return jsonable({f.name: getattr(self, f.name) for f in fields(self) if f.repr})


@dataclass(frozen=True)
class InitResult(Result):
    workspace: str
    database: str
    created: bool


@dataclass(frozen=True)
class IngestResult(Result):
    """One batch per file, in the order given (files loaded before are ``already_loaded``)."""

    loads: list[BatchResult]


@dataclass(frozen=True)
class UndoResult(Result):
    """A batch removed: what it had stored, by table (``removed``)."""

    batch_id: str
    table: str
    source_name: str
    removed: dict[str, int]


@dataclass(frozen=True)
class StatusResult(Result):
    workspace: str
    tables: dict[str, dict[str, Any]]
    customers: dict[str, int]
    merged_between: list[dict[str, Any]]
    batches: list[dict[str, Any]]
    currencies: dict[str, int]
    sales: list[dict[str, Any]]
    quarantine: dict[str, Any]
    warnings: list[str]


@dataclass(frozen=True)
class QuarantineResult(Result):
    rows: pd.DataFrame


@dataclass(frozen=True)
class RunResult(Result):
    """A stored run: what each scorer's model is (``models``), what was skipped and why, and
    short lists of the customers to look at first."""

    run_id: str
    cutoff: str
    customers: int
    models: dict[str, Any]
    skipped: dict[str, str]
    horizons: dict[str, int]
    clv_months: int
    #: Parts that failed with an internal error (name -> the error): the run kept the others.
    failed: dict[str, str] = field(default_factory=dict)
    most_valuable: list[dict[str, Any]] = field(default_factory=list)
    most_likely_lapsed: list[dict[str, Any]] = field(default_factory=list)
    churn_risk: list[dict[str, Any]] = field(default_factory=list)
    hottest_leads: list[dict[str, Any]] = field(default_factory=list)
    most_engaged: list[dict[str, Any]] = field(default_factory=list)
    #: Segment sizes with entered / left since ``segments_since`` (the run before with segments).
    segments: list[dict[str, Any]] = field(default_factory=list)
    segments_since: dict[str, Any] | None = None
    #: Alerts this run found that no run before it had (a daily measure beyond its expected range).
    new_alerts: list[dict[str, Any]] = field(default_factory=list)
    #: People who said no to profiling: neither scored nor planned.
    not_profiled: int = 0
    #: rows past the retention settings removed before this run, per kind (events, messages, quarantine)
    expired: dict[str, int] = field(default_factory=dict)
    #: the models' drift or realised accuracy that a person should know of, one sentence each
    model_alerts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BacktestResult(Result):
    """``model`` is "clv" (``details``: metrics of BG/NBD and baselines, weekly curve) or a label
    (``details``: the model card, customers trained and tested on, rolling cutoffs)."""

    model: str
    cutoff: str
    horizon_days: int
    details: dict[str, Any]


@dataclass(frozen=True)
class CustomerResult(Result):
    customer_id: str
    records: list[dict[str, Any]]
    orders: dict[str, Any]
    scores: dict[str, Any] | None
    horizons: dict[str, int]
    external_ids: list[dict[str, Any]] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    #: what they wrote (tickets, reviews, answers), newest first, with its sentiment and theme
    texts: list[dict[str, Any]] = field(default_factory=list)
    #: why two figures shown together differ, where they seem to contradict each other
    notes: list[str] = field(default_factory=list)
    #: scorers registered besides the built-in ones: scorer, words, measures (words, value, unit), reasons
    more_scores: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class ScoresResult(Result):
    """Every customer's latest scores, sorted; ``to_dict`` gives the first ``top`` rows."""

    sort: str
    run_id: str
    cutoff: str
    frame: pd.DataFrame = field(repr=False)
    top: int = 20
    #: how many customers the run scored (when ``frame`` holds only the first ``top``)
    customers: int | None = None
    #: the days each chance speaks of (churn, conversion, support), and the months value does
    horizons: dict[str, int] = field(default_factory=dict)
    clv_months: int = 12
    #: the rows start after this many (a page of a long list), of this segment's members (None: everyone)
    offset: int = 0
    segment: str | None = None
    #: the currency values are in (the one most sales are in; None when there are none)
    currency: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return jsonable({"sort": self.sort, "run_id": self.run_id, "cutoff": self.cutoff,
                         "customers": len(self.frame) if self.customers is None else self.customers,
                         "horizons": self.horizons, "clv_months": self.clv_months, "offset": self.offset,
                         "segment": self.segment, "currency": self.currency, "rows": self.frame.head(self.top)})


@dataclass(frozen=True)
class PredictResult(Result):
    run_id: str
    target: str
    positive: str
    rows_known: int
    rows_scored: int
    holdout: float
    card: dict[str, Any]
    top: list[dict[str, Any]]


@dataclass(frozen=True)
class EngagementResult(Result):
    cutoff: str
    customers: int
    points: dict[str, float]
    tiers: dict[str, int]
    hottest: list[dict[str, Any]]
    learned: dict[str, Any] | None = None


@dataclass(frozen=True)
class DemoResult(Result):
    workspace: str
    files_dir: str
    truth: str
    loads: list[BatchResult]
    status: StatusResult
    run: RunResult
    plan: PlanResult
    results: PlaybookResultsResult
    report: str = ""
    #: the privacy notice written from the shop (``disclosure``), to read and publish
    disclosure: str = ""


@dataclass(frozen=True)
class SegmentsResult(Result):
    """Every segment of a run with size, and entered / left / stayed since ``since_run``."""

    run_id: str
    cutoff: str
    since_run: str | None
    since_cutoff: str | None
    segments: list[dict[str, Any]]
    notes: list[str]


@dataclass(frozen=True)
class SegmentResult(Result):
    """One segment: what it is and its members (``to_dict`` gives the first ``top``)."""

    name: str
    run_id: str
    cutoff: str
    family: str
    size: int
    description: str | None
    members: pd.DataFrame = field(repr=False)
    top: int = field(default=20, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return jsonable({**super().to_dict(), "members": self.members.head(self.top).to_dict("records")})


@dataclass(frozen=True)
class SegmentHistoryResult(Result):
    name: str
    runs: list[dict[str, Any]]


@dataclass(frozen=True)
class DefineSegmentResult(Result):
    """A saved rule segment and how many customers it holds as of the latest run."""

    name: str
    rule: str
    replaced: bool
    size: int
    run_id: str
    cutoff: str


@dataclass(frozen=True)
class PinResult(Result):
    segment: str
    customer_id: str
    pinned_in: bool | None
    why: str


@dataclass(frozen=True)
class CustomerSegmentsResult(Result):
    """The segments a customer is in and why; joined and left since ``since_run``; pins."""

    customer_id: str
    run_id: str
    cutoff: str
    segments: list[dict[str, Any]]
    joined: list[str]
    left: list[str]
    since_run: str | None
    pins: list[dict[str, Any]]


@dataclass(frozen=True)
class ProductPairsResult(Result):
    """What sells with one product: ``together`` (bought in the same basket, by lift) and ``after``
    (bought within weeks after it), each with customers (or baskets), confidence and lift."""

    run_id: str
    cutoff: str
    product_id: str
    name: str | None
    together: list[dict[str, Any]]
    after: list[dict[str, Any]]


@dataclass(frozen=True)
class RecommendResult(Result):
    """Ranked products (with source and reason), the lagged cross-sell (days from the cutoff),
    the products due for replenishment, and the whole as one line."""

    customer_id: str
    run_id: str
    cutoff: str
    products: list[dict[str, Any]]
    cross_sell: dict[str, Any] | None
    replenishment: list[dict[str, Any]]
    reason: str | None


@dataclass(frozen=True)
class EnrichResult(Result):
    """Per enricher and table: how many rows it enriched now and how many it had before; the
    held-out check that chose the sentiment engine (which engine, each engine's figures)."""

    enrichers: list[dict[str, Any]]
    check: dict[str, Any] | None = None


@dataclass(frozen=True)
class MappingResult(Result):
    """A suggested mapping: a guess per canonical column (source, how it was found, samples,
    the share that read as the column's kind), the required columns not found, and the mapping
    file's text (``written``: where it was saved)."""

    file: str
    table: str
    guesses: list[dict[str, Any]]
    missing: list[str]
    mapping: str
    written: str | None
    columns: list[str] = field(default_factory=list)
