"""Whether a playbook applies to this shop: a name regulars knows (a score, a segment, a
template field) that the shop's latest run does not have, because the part that makes it was
skipped for lack of data, makes the playbook not applicable rather than wrong."""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["absent_names"]

#: What each part of a run gives, in words for the reason.
_PART_WORDS = {"clv": "lifetime value", "churn": "the churn model", "conversion": "the conversion model",
               "support": "the support model", "engagement": "engagement", "segments": "segments",
               "recommend": "recommendations", "timing": "timing"}


def _part_of(name: str) -> str | None:
    """The part of a run that gives ``name`` (a score field or a segment), or None if regulars
    does not know the name (a typo, or the user's own)."""
    from regulars.scorers import wide_columns
    from regulars.segments import EXCLUSIVE, RFM_SEGMENTS

    parts = {column: scorer for column, scorer, _, _ in wide_columns()}
    if name in parts:
        return parts[name]
    if name == "interest" or name.startswith("interested in "):
        return "segments"
    for field, pattern in EXCLUSIVE.items():
        prefix, suffix = pattern.split("{}")
        if prefix and name.startswith(prefix) and name.endswith(suffix):
            return parts.get(field, "segments")
    return "segments" if name in RFM_SEGMENTS or re.fullmatch(r"cluster \d+", name) else None


def absent_names(skipped: dict[str, str], scored: set[str]) -> Callable[[str], str | None]:
    """A function from a name to why this shop's run does not give it (None: not a name regulars
    makes). ``skipped``: the run's skipped parts and why; ``scored``: the parts it has."""

    def absent(name: str) -> str | None:
        part = _part_of(name)
        if part is None:
            return None
        words = _PART_WORDS.get(part, part)
        if part in skipped:
            return f"{words} was skipped: {skipped[part]}"
        if part not in scored:
            return f"{words} is not part of this shop's runs ([run] scorers)"
        return "no customer has it in this shop's data yet"

    return absent
