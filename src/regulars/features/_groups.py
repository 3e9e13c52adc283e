"""The group each customer belongs to by an attribute (gender, age band, country, region,
acquisition source, or any column of the shop's customer export), for checking that models
treat groups alike. The attribute need not be a model input, and the sensitive ones never are
(``SENSITIVE``)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from regulars.features._attributes import PLACEHOLDERS

__all__ = ["GROUP_ATTRIBUTES", "SENSITIVE", "customer_groups", "group_attribute"]

#: The attributes a fairness check knows by name, each with the columns (profile or the
#: export's own) it is read from, first found first.
GROUP_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "gender": ("gender", "sex"),
    "age band": ("birthday", "date_of_birth", "birth_date", "dob", "age"),
    "country": ("country",),
    "region": ("region", "state", "province", "county"),
    "acquisition source": ("lead_source", "acquisition_source", "source", "utm_source", "channel"),
}
#: Columns of an export that are never a model input: they describe who a person is, not what
#: they did, and a model that uses them would treat people differently for it.
SENSITIVE = frozenset({"gender", "sex", "birthday", "date_of_birth", "birth_date", "dob", "age", "ethnicity",
                       "race", "religion", "disability", "sexual_orientation", "marital_status", "nationality"})
AGE_BANDS = ((0, "under 25"), (25, "25-34"), (35, "35-44"), (45, "45-54"), (55, "55-64"), (65, "65+"))


def group_attribute(name: str) -> str:
    """The attribute ``name`` means (its own words, any case; "lead source" is acquisition source)."""
    key = " ".join(name.strip().lower().replace("_", " ").split())
    aliases = {"age": "age band", "lead source": "acquisition source", "source": "acquisition source",
               "sex": "gender"}
    return aliases.get(key, key)


def _age_bands(values: pd.Series, cutoff: date) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    born = pd.to_datetime(values.where(numbers.isna()), errors="coerce", format="mixed")
    years = numbers.where(numbers.notna() & (numbers < 130),
                          (pd.Timestamp(cutoff) - born).dt.days / 365.25)
    years = years.where((years >= 0) & (years < 120))
    edges = [low for low, _ in AGE_BANDS] + [200]
    return pd.Series(pd.cut(years, edges, right=False, labels=[b for _, b in AGE_BANDS]).astype("object"),
                     index=values.index)


def customer_groups(customers: pd.DataFrame, attribute: str, cutoff: date) -> pd.Series:
    """Each customer's group (indexed by ``customer_id``; missing when not known) from a frame of
    their profile: canonical columns and the ``attributes`` JSON of the export's own. A customer
    with several records takes the first value known. An attribute the shop does not hold gives
    an empty series."""
    attribute = group_attribute(attribute)
    columns = GROUP_ATTRIBUTES.get(attribute, (attribute.replace(" ", "_"), attribute))
    extra = pd.DataFrame.from_records(
        [json.loads(a) if isinstance(a, str) and a else {} for a in customers.get("attributes", [None] * len(customers))],
        index=customers.index)
    extra.columns = [str(c).strip().lower() for c in extra.columns]
    found: pd.Series | None = None
    for column in columns:
        for source in (customers, extra):
            if column in source.columns and source[column].notna().any():
                found = source[column]
                break
        if found is not None:
            break
    if found is None:
        return pd.Series(dtype=object)
    values: Any = found
    if attribute == "age band":
        values = _age_bands(found, cutoff)
    else:
        text = found.astype("string").str.strip()
        values = text.mask(text.str.lower().isin(PLACEHOLDERS)).str.title() if attribute == "gender" else \
            text.mask(text.str.lower().isin(PLACEHOLDERS))
    out = pd.Series(np.asarray(values, dtype=object), index=customers["customer_id"].to_numpy())
    out = out.where(pd.notna(out), None)
    return out.groupby(level=0, sort=True).first()
