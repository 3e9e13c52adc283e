"""regulars: know which customers come back, which slip away, and what each one needs next.

For notebooks, the main names are here (they load on first use, so ``import regulars`` is quick)::

    import regulars
    regulars.init("shop"); regulars.ingest("shop", ["orders.csv"], table="orders")
    result = regulars.run("shop")                  # a RunResult: attributes, and to_dict() for JSON
    frame = regulars.scores("shop", sort="churn").frame

    from regulars import BetaGeoFitter, GammaGammaFitter, transaction_summary   # the models themselves
"""

from __future__ import annotations

from regulars._lazy import lazy_names
from regulars._version import __version__
from regulars.errors import (
    InsufficientDataError,
    ModelFileError,
    NotFittedError,
    RegularsError,
    SettingsError,
    SourceError,
    WorkspaceError,
)

__all__ = [
    "BetaGeoBetaBinomFitter",
    "BetaGeoFitter",
    "EngagementScore",
    "GammaGammaFitter",
    "InsufficientDataError",
    "ModelFileError",
    "ModifiedBetaGeoFitter",
    "NotFittedError",
    "ParetoNBDFitter",
    "PropensityModel",
    "RegularsError",
    "SettingsError",
    "SourceError",
    "WorkspaceError",
    "__version__",
    "backtest",
    "customer",
    "customer_features",
    "demo",
    "engagement",
    "ingest",
    "init",
    "predict",
    "predict_customers",
    "quarantine",
    "run",
    "scores",
    "status",
    "summary_from_transactions",
    "time_labels",
    "transaction_summary",
]

_HOMES = {
    "app": ("backtest", "customer", "demo", "engagement", "ingest", "init", "predict", "quarantine", "run", "scores",
            "status"),
    "features": ("customer_features", "summary_from_transactions", "time_labels", "transaction_summary"),
    "models.clv": ("BetaGeoBetaBinomFitter", "BetaGeoFitter", "GammaGammaFitter", "ModifiedBetaGeoFitter",
                   "ParetoNBDFitter", "predict_customers"),
    "models.engagement": ("EngagementScore",),
    "models.propensity": ("PropensityModel",),
}

__getattr__, _ = lazy_names("regulars", _HOMES)


def __dir__() -> list[str]:
    return sorted(__all__)
