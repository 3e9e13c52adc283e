"""Deprecated: the application layer is ``regulars.app`` (one module per use case, typed results).

Kept for one release so existing notebooks keep importing; the functions are ``regulars.app``'s
and return its result records (attributes and ``to_dict()``), not the old plain dicts.
"""

from regulars.app import (
    backtest,
    customer,
    demo,
    engagement,
    ingest,
    init,
    predict,
    quarantine,
    run,
    scores,
    status,
)

__all__ = ["backtest", "customer", "demo", "engagement", "ingest", "init", "predict", "quarantine", "run", "scores",
           "status"]
