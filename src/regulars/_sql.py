"""Small SQL helpers shared by every layer (no heavy imports)."""

from __future__ import annotations

__all__ = ["quote"]


def quote(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'
