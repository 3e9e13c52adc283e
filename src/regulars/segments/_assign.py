"""Every segment of one run: the families computed from features and this run's scores, the
user's rule segments, and the pins a person set; as per-customer fields and a membership list."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from regulars.segments._groups import BEHAVIOUR_GROUPS, VALUE_TIERS, behaviour_groups, relative_tier, value_tiers
from regulars.segments._lifecycle import LIFECYCLE_STAGES, lifecycle_stages
from regulars.segments._rfm import RFM_SEGMENTS, rfm_segments

if TYPE_CHECKING:
    from regulars.config import SegmentSettings

__all__ = ["EXCLUSIVE", "SegmentFamily", "Segmentation", "apply_pins", "coded_pairs", "membership", "pin_members",
           "segment_name"]

#: Families whose members are in exactly one of their segments: field -> how a value is named.
EXCLUSIVE = {
    "rfm_segment": "{}",
    "lifecycle_stage": "lifecycle: {}",
    "behaviour_group": "behaviour: {}",
    "value_tier": "value: {}",
    "engagement_tier": "engagement: {}",
    "cluster": "cluster {}",
}


def segment_name(family_field: str, value: str) -> str:
    """The segment a value of an exclusive family's field names ("lifecycle: at risk")."""
    return EXCLUSIVE[family_field].format(value)


@dataclass
class SegmentFamily:
    """The segments of one family in a run: their names (all of them, empty ones too) and a
    description of each. An exclusive family has a ``field`` holding each member's value."""

    family: str
    names: list[str]
    descriptions: dict[str, str] = field(default_factory=dict)
    field: str | None = None

    def value(self, name: str) -> str:
        """The field's value that puts a customer in segment ``name``."""
        prefix, suffix = EXCLUSIVE[self.field].split("{}")
        return name[len(prefix):len(name) - len(suffix)]


@dataclass
class Segmentation:
    """The per-customer fields (``frame``, indexed by customer id: one column per exclusive
    family), the interests (row of ``frame``, category pairs) and what each family holds."""

    frame: pd.DataFrame
    families: list[SegmentFamily]
    notes: list[str] = field(default_factory=list)
    interests: pd.DataFrame | None = None
    #: where the clusters' centres are, for the next run to start from (``Clusters.state``)
    clusters: dict[str, Any] | None = None

    @classmethod
    def compute(cls, features: pd.DataFrame, scored: dict[str, pd.DataFrame], interests: pd.DataFrame,
                settings: SegmentSettings, weekend_share: pd.Series | None = None,
                previous_clusters: dict[str, Any] | None = None) -> Segmentation:
        """The built-in families for the customers of ``features`` (as of the run's cutoff);
        ``interests`` holds (row of ``features``, category) pairs; ``previous_clusters`` the last
        run's clusters, which this run's stay close to."""
        idx = features.index
        out = pd.DataFrame(index=idx)
        families: list[SegmentFamily] = []
        notes: list[str] = []
        clv = _by_customer(scored.get("clv"), idx)
        orders = features["orders_total"].fillna(0).to_numpy(dtype=float) if "orders_total" in features \
            else np.zeros(len(idx))
        buyers = orders > 0
        stages = lifecycle_stages(features, clv.get("p_alive"), settings)
        out["lifecycle_stage"] = stages["lifecycle_stage"]
        out["lifecycle_reason"] = stages["lifecycle_reason"]
        out["overdue"] = stages["overdue"]
        families.append(SegmentFamily("lifecycle", [segment_name("lifecycle_stage", s) for s in LIFECYCLE_STAGES],
                                      {segment_name("lifecycle_stage", "at risk"):
                                       f"past {settings.at_risk_gaps:g}x their usual gap between orders, or below "
                                       f"{settings.at_risk_alive:.0%} chance of still being a customer"},
                                      field="lifecycle_stage"))
        out["rfm_segment"] = None
        out["behaviour_group"] = None
        for c in ("r_score", "f_score", "m_score"):
            out[c] = np.nan
        if buyers.any():
            b = features[buyers]
            rfm = rfm_segments(b["days_since_last_order"].to_numpy(), b["orders_total"].to_numpy(),
                               b["spend_total"].fillna(0).to_numpy())
            for c in ("r_score", "f_score", "m_score", "rfm_segment"):
                out.loc[buyers, c] = rfm[c].to_numpy()
            out.loc[buyers, "behaviour_group"] = behaviour_groups(
                b["orders_total"].to_numpy(), b["spend_total"].fillna(0).to_numpy(),
                b["days_since_last_order"].to_numpy(), settings.inactive_days)
            if buyers.sum() < 100:
                notes.append(f"RFM and behaviour rest on {int(buyers.sum())} buyers: quintiles of so few move a lot")
        else:
            notes.append("no orders before the cutoff: no RFM segments or behaviour groups")
        families.append(SegmentFamily("rfm", list(RFM_SEGMENTS), field="rfm_segment"))
        families.append(SegmentFamily("behaviour", [segment_name("behaviour_group", g) for g in BEHAVIOUR_GROUPS],
                                      {segment_name("behaviour_group", "inactive"):
                                       f"no order for {settings.inactive_days} days"}, field="behaviour_group"))
        out["value_tier"] = None
        if "clv" in clv and clv["clv"].notna().any():
            has = clv["clv"].notna().to_numpy()
            out.loc[has, "value_tier"] = value_tiers(clv["clv"].to_numpy()[has])
            families.append(SegmentFamily("value", [segment_name("value_tier", t) for t in VALUE_TIERS],
                                          field="value_tier"))
        else:
            notes.append("no lifetime value this run: no value tiers")
        engagement = _by_customer(scored.get("engagement"), idx)
        out["engagement_tier"] = None
        if "tier" in engagement:
            out["engagement_tier"] = engagement["tier"].where(engagement["tier"].notna(), None)
            relative = relative_tier(engagement["points"].fillna(0).to_numpy(), settings.relative_top_share)
            top = f"top {settings.relative_top_share * 100:g}%"
            out.loc[relative != "", "engagement_tier_relative"] = top
            families.append(SegmentFamily("engagement", [segment_name("engagement_tier", t)
                                                         for t in ("hot", "warm", "cold")], field="engagement_tier"))
            families.append(SegmentFamily("engagement relative", [f"engagement: {top}"],
                                          {f"engagement: {top}": "the highest-scoring share of customers by "
                                                                 "engagement points, whatever the points"}))
        categories = sorted(interests["category"].unique()) if len(interests) else []
        families.append(SegmentFamily("interest", [f"interested in {c}" for c in categories],
                                      {f"interested in {c}": f"bought or viewed {c} in the last "
                                                             f"{settings.interest_days} days" for c in categories}))
        out["cluster"] = None
        clusters = _clusters(features[buyers], weekend_share, settings.max_clusters, notes, previous_clusters)
        state = None
        if clusters is not None:
            labels, profiles, scores, state = clusters
            out.loc[buyers, "cluster"] = labels.astype(str)
            families.append(SegmentFamily("cluster", [f"cluster {k}" for k in sorted(profiles)],
                                          {f"cluster {k}": p for k, p in profiles.items()}, field="cluster"))
            notes.append(f"clusters: k = {len(profiles)} "
                         + ("kept from the last run unless another is clearly better" if previous_clusters
                            else "chosen") + " by silhouette ("
                         + ", ".join(f"k={k}: {v:.2f}" for k, v in sorted(scores.items())) + ")")
        return cls(out, families, notes, interests[["row", "category"]], state)

    def names(self) -> list[str]:
        return [n for family in self.families for n in family.names]


def _by_customer(frame: pd.DataFrame | None, index: pd.Index) -> pd.DataFrame:
    if frame is None:
        return pd.DataFrame(index=index)
    return frame.set_index("customer_id").reindex(index)


def _clusters(buyers: pd.DataFrame, weekend_share: pd.Series | None, max_k: int, notes: list[str],
              previous: dict[str, Any] | None = None
              ) -> tuple[np.ndarray, dict[int, str], dict[int, float], dict[str, Any]] | None:
    from regulars.segments._clusters import Clusters

    if len(buyers) < 30:
        notes.append(f"clusters need at least 30 buyers; there are {len(buyers)}")
        return None
    frame = buyers.copy()
    if weekend_share is not None:
        frame["weekend_share"] = weekend_share.reindex(frame.index)
    try:
        model = Clusters(max_k=max_k).fit(frame, previous)
    except ValueError as exc:
        notes.append(f"no clusters: {exc}")
        return None
    labels = model.predict(frame)
    return labels, model.profiles(frame, labels), model.scores_, model.state()


def apply_pins(seg: Segmentation, pins: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Put pinned customers of exclusive families where a person said (in: that segment instead of
    the computed one; out: none of the family). Returns the pins of other segments (interests,
    rules), which apply to the membership list."""
    owner = {name: fam for fam in seg.families if fam.field for name in fam.names}
    rest = []
    for pin in pins:
        fam = owner.get(pin["segment"])
        where = seg.frame.index.get_indexer([pin["customer_id"]])[0]
        if fam is None or where < 0:
            rest.append(pin)
            continue
        column = seg.frame.columns.get_loc(fam.field)
        value = fam.value(pin["segment"])
        if pin["pinned_in"]:
            seg.frame.iat[where, column] = value
        elif seg.frame.iat[where, column] == value:
            seg.frame.iat[where, column] = None
    return rest


def membership(frame: pd.DataFrame, extra: dict[str, np.ndarray], interests: pd.DataFrame | None = None
               ) -> pd.DataFrame:
    """row (of ``frame``) and segment (categorical, categories sorted): one row per customer and
    segment they are in, from the exclusive fields, the relative engagement tier, ``interests``
    (row, category pairs) and ``extra`` (segment name -> boolean mask over ``frame``'s rows, for
    rule segments). Rows and codes, not names: a million customers are in ten million pairs."""
    parts: list[tuple[np.ndarray, list[str], np.ndarray]] = []  # rows, local names, codes into them

    def add(rows: np.ndarray, values: Any, pattern: str) -> None:
        codes, uniques = pd.factorize(np.asarray(values, dtype=object))
        parts.append((rows, [pattern.format(u) for u in uniques], codes))

    for column, pattern in EXCLUSIVE.items():
        if column in frame:
            has = frame[column].notna().to_numpy()
            add(np.flatnonzero(has), frame[column].to_numpy()[has].astype(str), pattern)
    if "engagement_tier_relative" in frame:
        has = frame["engagement_tier_relative"].notna().to_numpy()
        add(np.flatnonzero(has), frame["engagement_tier_relative"].to_numpy()[has], "engagement: {}")
    if interests is not None and len(interests):
        add(interests["row"].to_numpy(), interests["category"].astype(str).to_numpy(), "interested in {}")
    for name, mask in extra.items():
        parts.append((np.flatnonzero(mask), [name], np.zeros(int(mask.sum()), dtype=np.int64)))
    return coded_pairs(parts)


def coded_pairs(parts: list[tuple[np.ndarray, list[str], np.ndarray]]) -> pd.DataFrame:
    """One (row, segment) frame from parts of (rows, names, codes into names), with one sorted
    list of segment names as the categories."""
    names = sorted({n for _, local, _ in parts for n in local})
    rows, codes = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for part_rows, local, part_codes in parts:
        rows.append(np.asarray(part_rows, dtype=np.int64))
        codes.append(np.searchsorted(names, np.array(local, dtype=object))[part_codes] if len(local) else part_codes)
    return pd.DataFrame({"row": np.concatenate(rows),
                         "segment": pd.Categorical.from_codes(np.concatenate(codes), categories=names)})


def pin_members(pairs: pd.DataFrame, pins: list[dict[str, Any]], index: pd.Index) -> pd.DataFrame:
    """Pins of segments outside the exclusive families (interests, rules) on (row of ``index``,
    segment) pairs: in adds the pair, out removes it; a pin of a customer unknown at this cutoff
    waits for a later run."""
    for pin in pins:
        row = index.get_indexer([pin["customer_id"]])[0]
        same = (pairs["row"].to_numpy() == row) & (pairs["segment"] == pin["segment"]).to_numpy()
        if pin["pinned_in"] and not same.any() and row >= 0:
            pairs = coded_pairs([(pairs["row"].to_numpy(), list(pairs["segment"].cat.categories),
                                  pairs["segment"].cat.codes.to_numpy()), (np.array([row]), [pin["segment"]],
                                                                           np.zeros(1, dtype=np.int64))])
        elif not pin["pinned_in"]:
            pairs = pairs[~same].reset_index(drop=True)
    return pairs
