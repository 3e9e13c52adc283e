"""CSV exports that are safe to open in a spreadsheet, and, for analysts, without the people in
them: names, emails and phones replaced by stable keyed pseudonyms."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from regulars._files import atomic_path

__all__ = ["PERSONAL_COLUMNS", "pseudonymised", "safe_csv_text", "write_safe_csv"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Columns that name a person, as exports call them.
PERSONAL_COLUMNS = frozenset({"name", "email", "phone", "first_name", "last_name", "full_name", "email_address",
                              "phone_number", "customer_name", "to", "address"})


def _pseudonym(key: str, value: object, kind: str) -> object:
    """The same value always gives the same pseudonym with the same key; without the key it
    cannot be turned back or matched against a list of emails."""
    if value is None or (isinstance(value, float) and value != value) or str(value).strip() == "":
        return value
    import hashlib
    import hmac

    text = str(value).strip().lower()
    return f"{kind}-" + hmac.new(key.encode(), f"{kind}:{text}".encode(), hashlib.sha256).hexdigest()[:12]


def pseudonymised(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """``frame`` with each column naming a person (``PERSONAL_COLUMNS``) replaced by keyed
    pseudonyms, and ids that are emails too; the rest, and who is who across exports, kept."""
    out = frame.copy()
    for column in out.columns:
        lowered = str(column).lower()
        if lowered in PERSONAL_COLUMNS:
            kind = "email" if "email" in lowered else "phone" if "phone" in lowered else "person"
            out[column] = out[column].map(lambda v, k=kind: _pseudonym(key, v, k))
        elif lowered.endswith("customer_id"):
            out[column] = out[column].map(lambda v: _pseudonym(key, v, "id") if isinstance(v, str) and "@" in v else v)
    return out


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
