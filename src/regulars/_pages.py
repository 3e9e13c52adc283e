"""Address patterns of page rules (``[events.pages]``) and page triggers: ``*`` is anything,
``{category}`` one part of the address (its category)."""

from __future__ import annotations

import re

__all__ = ["page_pattern"]

#: What ``{category}`` stands for in a pattern: one part of the address.
_PART = "([^/?#]+)"


def page_pattern(pattern: str) -> str:
    """An address pattern (``*`` is anything, ``{category}`` one part of the address) as an
    anchored, case-blind regular expression; a pattern ending in ``{category}`` also matches
    the address followed by a query or a further part."""
    pieces = [".*".join(re.escape(p) for p in piece.split("*")) for piece in pattern.split("{category}")]
    body = _PART.join(pieces) + ("(?:[/?#].*)?" if pattern.endswith("{category}") else "")
    return f"(?i)^{body}$"
