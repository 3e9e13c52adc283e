"""Customer attributes as model inputs: canonical profile columns plus the export's own
columns kept in ``attributes``, each with an inferred type.

Numbers stay numbers; blanks and placeholders such as ``Select`` become missing; other text
is categorical.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

__all__ = ["PLACEHOLDERS", "attribute_frame", "infer_types"]

PLACEHOLDERS = frozenset({"", "select", "na", "n/a", "null", "none", "nan", "-", "--", "unknown", "not provided"})
PROFILE = ("country", "region", "city", "lead_source", "industry", "company_size", "job_title",
           "consent_email", "consent_sms")


def infer_types(frame: pd.DataFrame, numeric_share: float = 0.95) -> pd.DataFrame:
    """Placeholders → missing; a column whose values are (almost) all numbers → float; else category."""
    out = {}
    for name in frame.columns:
        col = frame[name]
        if pd.api.types.is_bool_dtype(col) or pd.api.types.is_numeric_dtype(col):
            out[name] = col.astype(float)
            continue
        text = col.astype("string").str.strip()
        text = text.mask(text.str.lower().isin(PLACEHOLDERS))
        numbers = pd.to_numeric(text, errors="coerce")
        present = text.notna().sum()
        if present and numbers.notna().sum() >= numeric_share * present:
            out[name] = numbers.astype(float)
        else:
            out[name] = text.astype("category")
    return pd.DataFrame(out, index=frame.index)


def attribute_frame(customers: pd.DataFrame) -> pd.DataFrame:
    """One typed row per customer from ``customer_id``, profile columns and ``attributes`` JSON."""
    base = customers.set_index("customer_id")
    extra = pd.DataFrame.from_records(
        [json.loads(a) if isinstance(a, str) and a else {} for a in base.get("attributes", pd.Series(index=base.index))],
        index=base.index,
    )
    profile = base[[c for c in PROFILE if c in base.columns]]
    profile = profile.loc[:, profile.notna().any()]
    from regulars.features._groups import SENSITIVE  # who a person is is never a model input

    extra = extra.drop(columns=[c for c in extra.columns if c in profile.columns or str(c).strip().lower() in SENSITIVE])
    both = pd.concat([profile, extra], axis=1)
    typed = infer_types(both)
    return typed.loc[:, typed.notna().any()].replace([np.inf, -np.inf], np.nan)
