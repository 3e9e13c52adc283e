"""Models: fitted on per-customer features, predicting per customer (sklearn-style).

Each family is its own package: ``models.clv``, ``models.propensity``, ``models.engagement``."""

__all__: list[str] = []
