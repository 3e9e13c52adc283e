"""Segments: who belongs together (RFM, lifecycle, behaviour, value and engagement tiers,
interests, clusters, the user's rule segments and pins), recorded every run."""

from regulars._lazy import lazy_names

__all__ = [
    "BEHAVIOUR_GROUPS",
    "Clusters",
    "EXCLUSIVE",
    "LIFECYCLE_STAGES",
    "RFM_SEGMENTS",
    "SegmentScorer",
    "Segmentation",
    "at_stake",
    "check_rule",
    "evaluate_rules",
    "field_kinds",
    "lifecycle_stages",
    "quintile_scores",
    "rfm_segments",
    "rule_fields",
    "why_member",
]

_HOMES = {
    "_groups": ("BEHAVIOUR_GROUPS",),
    "_clusters": ("Clusters",),
    "_lifecycle": ("LIFECYCLE_STAGES", "lifecycle_stages"),
    "_rfm": ("RFM_SEGMENTS", "quintile_scores", "rfm_segments"),
    "_scorer": ("SegmentScorer", "at_stake", "check_rule", "evaluate_rules", "field_kinds", "rule_fields"),
    "_assign": ("EXCLUSIVE", "Segmentation"),
    "_why": ("why_member",),
}

__getattr__, __dir__ = lazy_names(__name__, _HOMES)
