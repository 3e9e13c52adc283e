"""The application layer: one function per use case, each returning a typed result record.

The CLI, the REST API and notebooks call only these. Every result has attributes for code and
``to_dict()`` for JSON (strict: no NaN). Heavy libraries load inside the use cases that need
them, and names load on first use, so importing this package (for the CLI's help) is quick.
"""

from __future__ import annotations

from regulars._lazy import lazy_names

__all__ = [
    "BACKTEST_MODELS",
    "BacktestResult",
    "CustomerResult",
    "CustomerSegmentsResult",
    "DefineSegmentResult",
    "DemoResult",
    "EngagementResult",
    "IngestResult",
    "InitResult",
    "PRESETS",
    "PinResult",
    "PlanResult",
    "PlaybooksResult",
    "PredictResult",
    "QuarantineResult",
    "RecommendResult",
    "Result",
    "RunResult",
    "SCORE_SORTS",
    "ScoresResult",
    "SegmentHistoryResult",
    "SegmentResult",
    "SegmentsResult",
    "StatusResult",
    "backtest",
    "customer",
    "define_segment",
    "demo",
    "drop_segment",
    "engagement",
    "ingest",
    "init",
    "pin",
    "plan_playbooks",
    "playbooks",
    "predict",
    "quarantine",
    "recommend",
    "run",
    "scores",
    "segment",
    "segment_customer",
    "segment_history_of",
    "segments",
    "status",
    "today",
]

_HOMES = {
    "_backtest": ("backtest",),
    "_choices": ("BACKTEST_MODELS", "PRESETS", "SCORE_SORTS"),
    "_customers": ("customer", "scores"),
    "_demo": ("demo",),
    "_engagement": ("engagement",),
    "_ingest": ("ingest",),
    "_init": ("init",),
    "_playbooks": ("plan_playbooks", "playbooks", "today"),
    "_predict": ("predict",),
    "_results": ("BacktestResult", "CustomerResult", "CustomerSegmentsResult", "DefineSegmentResult", "DemoResult",
                 "EngagementResult", "IngestResult", "InitResult", "PinResult", "PlanResult", "PlaybooksResult",
                 "PredictResult",
                 "QuarantineResult",
                 "RecommendResult", "Result", "RunResult", "ScoresResult", "SegmentHistoryResult", "SegmentResult", "SegmentsResult",
                 "StatusResult"),
    "_segments": ("define_segment", "drop_segment", "pin", "segment", "segment_customer", "segment_history_of",
                  "segments"),
    "_recommend": ("recommend",),
    "_run": ("run",),
    "_status": ("quarantine", "status"),
}

__getattr__, __dir__ = lazy_names("regulars.app", _HOMES)
