"""CSV exports that are safe to open in a spreadsheet."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from regulars._files import atomic_path

__all__ = ["safe_csv_text", "write_safe_csv"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _defuse(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with a quote (OWASP advice)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _defused(frame: pd.DataFrame) -> pd.DataFrame:
    text_cols = [c for c in frame.columns
                 if pd.api.types.is_string_dtype(frame[c]) or pd.api.types.is_object_dtype(frame[c])]
    safe = frame.copy()
    for col in text_cols:
        safe[col] = safe[col].map(_defuse)
    return safe


def write_safe_csv(frame: pd.DataFrame, path: str | Path) -> int:
    """Write ``frame`` as UTF-8 CSV with formula-like text defused; returns rows written."""
    safe = _defused(frame)
    with atomic_path(path) as partial:
        safe.to_csv(partial, index=False, encoding="utf-8")
    return len(safe)


def safe_csv_text(frame: pd.DataFrame) -> str:
    """``frame`` as CSV text with formula-like text defused (a download)."""
    return _defused(frame).to_csv(index=False)
