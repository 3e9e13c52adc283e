"""Models: fitted on per-customer features, predicting per customer (sklearn-style)."""
