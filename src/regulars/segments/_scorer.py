"""Segments as a scorer of the run: the built-in families, the user's rule segments and the pins,
stored per customer (``results``) with the membership lists and each segment's size."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from regulars.segments._assign import EXCLUSIVE, Segmentation, apply_pins, membership, pin_members
from regulars.segments.rules import Rule, RuleError, compile_rule

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from regulars.scores import RunContext, Scored

__all__ = ["SegmentScorer", "check_rule", "evaluate_rules", "field_kinds", "member_lists", "rule_fields"]

#: Scores of earlier scorers that rules may use, by scorer: measure -> field (as in the scores view).
SCORE_FIELDS = {
    "clv": {"p_alive": "p_alive", "clv": "clv", "expected_orders_90d": "expected_orders_90d",
            "expected_order_value": "expected_order_value"},
    "churn": {"probability": "churn_probability"},
    "conversion": {"probability": "conversion_probability"},
    "support": {"probability": "support_probability"},
    "purchase": {"probability": "purchase_probability"},
    "engagement": {"points": "engagement"},
}


def _score_fields(scored: dict[str, pd.DataFrame], seg: Segmentation) -> pd.DataFrame:
    """This run's scores and exclusive segment fields, named as the scores view names them."""
    out = pd.DataFrame(index=seg.frame.index)
    for scorer, names in SCORE_FIELDS.items():
        if scorer in scored:
            frame = scored[scorer].set_index("customer_id").reindex(out.index)
            for measure, name in names.items():
                if measure in frame:
                    out[name] = frame[measure].to_numpy()
    for column in EXCLUSIVE:
        if column in seg.frame:
            out[column] = seg.frame[column]
    return out


def rule_fields(features: pd.DataFrame, scores: pd.DataFrame, clv_months: int) -> pd.DataFrame:
    """One row per customer of ``features`` with every field a rule may name: behaviour and
    profile features, and ``scores`` (indexed by customer: predictions and exclusive segment
    fields, named as in the scores view)."""
    out = features.copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.CategoricalDtype):
            out[c] = out[c].astype(object).where(out[c].notna(), None)
    for c in scores.columns:
        out[c] = scores[c].reindex(out.index).to_numpy()
    if "clv" in out:
        out[f"clv_{clv_months}m"] = out["clv"]
    return out


def field_kinds(frame: pd.DataFrame) -> dict[str, str]:
    """number, text or boolean per column, for checking rules."""
    kinds = {}
    for c in frame.columns:
        dtype = frame[c].dtype
        kinds[c] = ("boolean" if pd.api.types.is_bool_dtype(dtype) else
                    "number" if pd.api.types.is_numeric_dtype(dtype) else "text")
    return kinds


def _in_segments(t: ir.Table, name: str) -> ir.BooleanValue:
    return t.segments.contains(name)


def check_rule(text: str, fields: dict[str, str], segment_names: list[str]) -> Rule:
    """The compiled rule, or a ``RuleError`` naming the line, column and the fields that exist."""
    return compile_rule(text, fields, _in_segments, segment_names)


def evaluate_rules(rules: dict[str, str], fields: pd.DataFrame, members: pd.DataFrame,
                   segment_names: list[str]) -> dict[str, np.ndarray]:
    """Each rule's members as a boolean mask over ``fields``' rows. ``members`` holds (row of
    ``fields``, segment) pairs for ``"X" in segments``. The rules run in DuckDB through Ibis,
    on just the columns they name. A rule that no longer fits (a field gone) selects nobody."""
    import ibis
    import pyarrow as pa

    kinds = field_kinds(fields)
    out = {}
    for name, text in rules.items():
        out[name] = np.zeros(len(fields), dtype=bool)
        try:
            rule = check_rule(text, kinds, segment_names)
        except RuleError:
            continue
        data = {"_row": pa.array(np.arange(len(fields)))}
        for c in sorted(rule.used):
            data[c] = pa.array(fields[c].to_numpy(), from_pandas=True)
        if rule.segments_used:
            data["segments"] = _lists(len(fields), members)
        table = ibis.memtable(pa.table(data))
        rows = table.filter(rule.expression(table)).select("_row").to_pyarrow()["_row"].to_numpy()
        out[name][rows] = True
    return out


def _sorted(pairs: pd.DataFrame) -> tuple[np.ndarray, Any]:
    """From (row, segment) pairs: the rows sorted, and the segment names in that order (each row's
    sorted) as Arrow strings, built from codes rather than by looking names up."""
    import pyarrow as pa

    names = list(pairs["segment"].cat.categories)
    # one sort of (row, code) packed into one integer: quicker than a lexsort of the two
    key = np.sort(pairs["row"].to_numpy().astype(np.int64) * max(len(names), 1)
                  + pairs["segment"].cat.codes.to_numpy())
    rows, codes = np.divmod(key, max(len(names), 1))
    return rows, pa.array(names, pa.string()).take(pa.array(codes))


def _lists(n: int, pairs: pd.DataFrame) -> Any:
    """The segment names of rows 0..n-1 as an Arrow list column."""
    import pyarrow as pa

    rows, names = _sorted(pairs)
    return pa.ListArray.from_arrays(pa.array(np.searchsorted(rows, np.arange(n + 1)).astype(np.int32)), names)


def member_lists(pairs: pd.DataFrame, index: pd.Index) -> Any:
    """customer_id and the list of their segments, one Arrow row per customer of ``index`` with any."""
    import pyarrow as pa

    rows, names = _sorted(pairs)
    has = rows[np.r_[True, rows[1:] != rows[:-1]]] if len(rows) else rows
    offsets = np.r_[np.searchsorted(rows, has), len(rows)].astype(np.int32)
    return pa.table({"customer_id": pa.array(index.to_numpy()[has], pa.string()),
                     "segments": pa.ListArray.from_arrays(pa.array(offsets), names)})


def at_stake(chance: Any, value: Any) -> Any:
    """What a customer leaving would cost: their chance of leaving x their predicted value. The
    one definition, for arrays and for Ibis columns alike: "most valuable at risk" sorts by it."""
    return chance * value


def value_at_stake(scored: dict[str, pd.DataFrame], customers: pd.Series) -> np.ndarray:
    """``at_stake`` of each of ``customers`` from this run's churn and lifetime value (NaN where
    either is unknown)."""
    def column(scorer: str, name: str) -> np.ndarray:
        frame = scored.get(scorer)
        if frame is None or name not in frame:
            return np.full(len(customers), np.nan)
        return frame.set_index("customer_id")[name].reindex(customers).to_numpy(dtype=float)

    return at_stake(column("churn", "probability"), column("clv", "clv"))


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
        from regulars.segments._definitions import definitions
        from regulars.segments._interests import interests

        settings = ctx.settings.segments
        features = ctx.frames.at(ctx.cutoff)
        weekend = None
        if "timing" in ctx.scored and "weekend_share" in ctx.scored["timing"]:
            weekend = ctx.scored["timing"].set_index("customer_id")["weekend_share"]
        seg = Segmentation.compute(features, ctx.scored, interests(ctx.tables, ctx.cutoff, settings.interest_days,
                                                                   features.index), settings, weekend,
                                   ctx.previous_clusters)
        defined = definitions(settings, ctx.settings.engagement)  # every built-in segment says what it is
        for family in seg.families:
            family.descriptions.update({n: defined[n] for n in family.names
                                        if not family.descriptions.get(n) and n in defined})
        other_pins = apply_pins(seg, ctx.segment_pins)
        pairs = membership(seg.frame, {}, seg.interests)
        if ctx.segment_rules:
            fields = rule_fields(features, _score_fields(ctx.scored, seg), ctx.settings.clv.months)
            pairs = membership(seg.frame, evaluate_rules(ctx.segment_rules, fields, pairs, seg.names()), seg.interests)
        pairs = pin_members(pairs, other_pins, seg.frame.index)
        sizes = pairs["segment"].value_counts()
        catalogue = [(name, fam.family, int(sizes.get(name, 0)), fam.descriptions.get(name))
                     for fam in seg.families for name in fam.names]
        catalogue += [(name, "rule", int(sizes.get(name, 0)), text) for name, text in ctx.segment_rules.items()]
        run_segments = pa.Table.from_pandas(
            pd.DataFrame(catalogue, columns=["segment", "family", "size", "description"]).astype({"size": "int64"}),
            schema=pa.schema([("segment", pa.string()), ("family", pa.string()), ("size", pa.int64()),
                              ("description", pa.string())]), preserve_index=False)
        frame = seg.frame.drop(columns=["engagement_tier", "engagement_tier_relative"], errors="ignore")
        frame = frame.rename(columns={"lifecycle_reason": "reasons"}).rename_axis("customer_id").reset_index()
        frame["value_at_stake"] = value_at_stake(ctx.scored, frame["customer_id"])
        card: dict[str, Any] = {"notes": seg.notes, "families": {f.family: len(f.names) for f in seg.families},
                                "rules": dict(ctx.segment_rules), "pins": len(ctx.segment_pins),
                                "interest_days": settings.interest_days, "clusters": seg.clusters}
        tables = {"segment_members": member_lists(pairs, seg.frame.index), "run_segments": run_segments}
        return Scored(frame=frame, card=card, version=fingerprint(segments=str(settings)), tables=tables)
