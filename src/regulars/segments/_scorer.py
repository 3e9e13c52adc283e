"""Segments as a scorer of the run: the built-in families, the user's rule segments and the pins,
stored per customer (``results``) with the membership lists and each segment's size."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from regulars.segments._assign import EXCLUSIVE, Segmentation, apply_pins, membership
from regulars.segments.rules import RuleError, compile_rule

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from regulars.scores import RunContext, Scored

__all__ = ["SegmentScorer", "rule_fields", "segment_test"]

#: Scores of earlier scorers that rules may use, by scorer: measure -> field name.
SCORE_FIELDS = {
    "clv": {"p_alive": "p_alive", "clv": "clv", "expected_orders_90d": "expected_orders_90d",
            "expected_order_value": "expected_order_value"},
    "churn": {"probability": "churn_probability"},
    "conversion": {"probability": "conversion_probability"},
    "support": {"probability": "support_probability"},
    "purchase": {"probability": "purchase_probability"},
    "engagement": {"points": "engagement"},
}


def rule_fields(features: pd.DataFrame, scored: dict[str, pd.DataFrame], seg: Segmentation,
                clv_months: int) -> pd.DataFrame:
    """One row per customer with every field a rule may name: behaviour and profile features,
    this run's scores, and the exclusive segment fields."""
    out = features.copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.CategoricalDtype):
            out[c] = out[c].astype(object).where(out[c].notna(), None)
    for scorer, names in SCORE_FIELDS.items():
        if scorer in scored:
            frame = scored[scorer].set_index("customer_id").reindex(out.index)
            for measure, name in names.items():
                if measure in frame:
                    out[name] = frame[measure].to_numpy()
    if "clv" in out:
        out[f"clv_{clv_months}m"] = out["clv"]
    for column in list(EXCLUSIVE) + ["engagement_tier_relative", "interests"]:
        if column in seg.frame:
            out[column] = seg.frame[column]
    return out


def field_kinds(frame: pd.DataFrame) -> dict[str, str]:
    kinds = {}
    for c in frame.columns:
        dtype = frame[c].dtype
        if c == "interests":
            continue
        if pd.api.types.is_bool_dtype(dtype):
            kinds[c] = "boolean"
        elif pd.api.types.is_numeric_dtype(dtype):
            kinds[c] = "number"
        else:
            kinds[c] = "text"
    return kinds


def segment_test(seg: Segmentation):
    """How `"NAME" in segments` reads on the rule table: the exclusive field's value, an interest,
    or the relative engagement tier."""
    owner = {name: fam for fam in seg.families for name in fam.names}

    def test(t: ir.Table, name: str) -> ir.BooleanValue:
        fam = owner[name]
        if fam.field:
            return t[fam.field] == fam.value(name)
        if name.startswith("interested in "):
            return t.interests.contains(name[len("interested in "):])
        return t.engagement_tier_relative == name[len("engagement: "):]

    return test


def evaluate_rules(rules: dict[str, str], fields: pd.DataFrame, seg: Segmentation) -> dict[str, np.ndarray]:
    """Each rule segment's members as a boolean mask over ``fields``' rows (the rules run in
    DuckDB through Ibis on just the columns they name)."""
    import ibis
    import pyarrow as pa

    kinds = field_kinds(fields)
    test = segment_test(seg)
    out = {}
    for name, text in rules.items():
        try:
            rule = compile_rule(text, kinds, test, seg.names())
        except RuleError:
            continue  # checked when defined; a field that has gone this run selects nobody
        segment_columns = [*EXCLUSIVE, "engagement_tier_relative", "interests"] if rule.segments_used else []
        columns = sorted(rule.used | set(segment_columns))
        columns = [c for c in columns if c in fields]
        data = {"_row": pa.array(np.arange(len(fields)))}
        for c in columns:
            values = fields[c]
            if c == "interests":
                data[c] = pa.array([list(v) for v in values], pa.list_(pa.string()))
            else:
                data[c] = pa.array(values.to_numpy(), from_pandas=True)
        table = ibis.memtable(pa.table(data))
        rows = table.filter(rule.expression(table)).select("_row").to_pyarrow()["_row"].to_numpy()
        mask = np.zeros(len(fields), dtype=bool)
        mask[rows] = True
        out[name] = mask
    return out


class SegmentScorer:
    """RFM, lifecycle, behaviour, value and engagement tiers, interests, clusters and rules."""

    name = "segments"

    def skip_reason(self, ctx: RunContext) -> str | None:
        if not any(t in ctx.tables for t in ("orders", "events", "tickets", "feedback")):
            return "no orders or activity are loaded"
        return None

    def score(self, ctx: RunContext) -> Scored:
        import pyarrow as pa

        from regulars.scores import Scored, fingerprint
        from regulars.segments._interests import interests

        settings = ctx.settings.segments
        features = ctx.frames.at(ctx.cutoff)
        weekend = None
        if "timing" in ctx.scored and "weekend_share" in ctx.scored["timing"]:
            weekend = ctx.scored["timing"].set_index("customer_id")["weekend_share"]
        seg = Segmentation.compute(features, ctx.scored, interests(ctx.tables, ctx.cutoff, settings.interest_days),
                                   settings, weekend)
        other_pins = apply_pins(seg, ctx.segment_pins)
        masks = {}
        if ctx.segment_rules:
            masks = evaluate_rules(ctx.segment_rules, rule_fields(features, ctx.scored, seg, ctx.settings.clv.months),
                                   seg)
        pairs = membership(seg.frame, masks, other_pins)
        sizes = pairs["segment"].value_counts()
        catalogue = [(name, fam.family, int(sizes.get(name, 0)), fam.descriptions.get(name))
                     for fam in seg.families for name in fam.names]
        catalogue += [(name, "rule", int(sizes.get(name, 0)), text) for name, text in ctx.segment_rules.items()]
        run_segments = pa.Table.from_pandas(pd.DataFrame(catalogue, columns=["segment", "family", "size", "description"])
                                            .astype({"segment": str, "family": str, "size": "int64"}),
                                            preserve_index=False)
        frame = seg.frame.drop(columns=["interests", "engagement_tier", "engagement_tier_relative"], errors="ignore")
        frame = frame.rename(columns={"lifecycle_reason": "reasons"}).rename_axis("customer_id").reset_index()
        card: dict[str, Any] = {"notes": seg.notes, "families": {f.family: len(f.names) for f in seg.families},
                                "rules": dict(ctx.segment_rules), "pins": len(ctx.segment_pins),
                                "interest_days": settings.interest_days}
        tables = {"segment_members": _member_lists(pairs), "run_segments": run_segments}
        return Scored(frame=frame, card=card, version=fingerprint(segments=str(settings)), tables=tables)


def _member_lists(pairs: pd.DataFrame):
    """customer_id and the list of their segments, one Arrow row per customer, built without
    a Python loop: rows sorted by customer, cut at each customer's first row."""
    import pyarrow as pa

    pairs = pairs.sort_values(["customer_id", "segment"], kind="stable")
    ids = pairs["customer_id"].to_numpy()
    if len(ids) == 0:
        return pa.table({"customer_id": pa.array([], pa.string()),
                         "segments": pa.array([], pa.list_(pa.string()))})
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    offsets = pa.array(np.r_[starts, len(ids)].astype(np.int32))
    lists = pa.ListArray.from_arrays(offsets, pa.array(pairs["segment"].to_numpy(), pa.string()))
    return pa.table({"customer_id": pa.array(ids[starts], pa.string()), "segments": lists})
