"""The latest run's rule fields: every customer's features and scores as of the run's cutoff and
the run's segment memberships, which rules, playbooks and templates are checked and evaluated
against."""

from __future__ import annotations

from typing import Any

from regulars.errors import InsufficientDataError
from regulars.store import run_features, run_scores, run_segments, segment_pairs, segment_run

__all__ = ["latest_fields"]


def fields_at(store: Any, run: dict[str, Any], months: int) -> tuple[Any, Any, list[str], dict[str, str]]:
    """The rule fields of every customer as of the run's cutoff, the run's membership pairs, and
    the names of its segments and the fields' kinds: what a rule is checked and previewed against.
    The features are those the run kept (worked out again for an older run)."""
    import pandas as pd

    from regulars.features import FeatureFrames
    from regulars.segments import field_kinds, rule_fields

    features = run_features(store, run["run_id"])
    if features is None:
        features = FeatureFrames(store.feature_inputs()).at(run["cutoff"])
    wide = run_scores(store, run["run_id"]).set_index("customer_id")
    fields = rule_fields(features, wide.drop(columns=[c for c in wide.columns if c.endswith(("reason", "reasons"))]
                                             + ["model_versions"], errors="ignore"), months)
    pairs = segment_pairs(store, run["run_id"])
    pairs = pd.DataFrame({"row": fields.index.get_indexer(pairs["customer_id"]),
                          "segment": pd.Categorical(pairs["segment"].astype(object))})
    pairs = pairs[pairs["row"] >= 0]
    names = [name for name, info in run_segments(store, run["run_id"]).items() if info["family"] != "rule"]
    return fields, pairs, names, field_kinds(fields)


def latest_fields(store: Any, workspace: Any, what: str) -> tuple[dict[str, Any], Any, Any, list[str], dict[str, str]]:
    """The latest run with segments and ``fields_at`` it, or an error saying a run must come
    first so that ``what`` can be checked."""
    try:
        latest = segment_run(store)
    except InsufficientDataError:
        from regulars.store import latest_run, run_cards

        try:
            skipped = run_cards(store, latest_run(store)["run_id"])["skipped"].get("segments")
        except InsufficientDataError:
            skipped = None
        if skipped:
            raise InsufficientDataError(f"{what} need segments, which this shop's runs skip: {skipped}") from None
        raise InsufficientDataError(f"run `regulars run` once first, so {what} can be checked against "
                                    "the fields and segments that exist") from None
    return (latest, *fields_at(store, latest, workspace.settings.clv.months))
