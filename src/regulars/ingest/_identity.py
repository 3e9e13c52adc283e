"""Identity resolution: records that share a normalised email or phone, or a platform's own
customer id from the same source (a Stripe customer, a marketplace's unique customer), are one
customer.

Pure functions: the store hands in every customer's keys and writes back the links table.
The canonical id of a group is its earliest-loaded customer id, so adding data never
renames an existing customer unless two groups merge (then the older id wins).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas, SciPy and the phone data load only when there is something to resolve
    import pandas as pd

__all__ = ["email_norm_sql", "normalise_phones", "resolve_identities"]

_EMAIL_SHAPE = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def email_norm_sql(expr: str, strip_plus: bool) -> str:
    """SQL normalising an email: trimmed, lower case, optionally without ``+tag``; else NULL."""
    e = f"lower(trim({expr}))"
    if strip_plus:
        e = f"regexp_replace({e}, '\\+[^@]*@', '@')"
    return f"(CASE WHEN regexp_matches({e}, '{_EMAIL_SHAPE}') THEN {e} END)"


def normalise_phones(values: list[str], region: str) -> dict[str, str | None]:
    """E.164 form of each distinct phone text (``None`` when it is not a possible number)."""
    import phonenumbers

    out: dict[str, str | None] = {}
    for text in values:
        try:
            number = phonenumbers.parse(text, region or None)
        except phonenumbers.NumberParseException:
            out[text] = None
            continue
        ok = phonenumbers.is_possible_number(number)
        out[text] = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if ok else None
    return out


def resolve_identities(records: pd.DataFrame, platform_ids: pd.DataFrame | None = None) -> pd.DataFrame:
    """Group customers linked by email, phone or platform id.

    ``records`` has customer_id, rank (lower = loaded earlier), email_norm, phone_norm;
    ``platform_ids`` customer_id and key (the source and its id: a customer may have several).
    Returns customer_id, resolved_id, matched_on ("self", "email", "phone", "email+phone",
    "platform id") for every customer.
    """
    import numpy as np
    import pandas as pd
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(records)
    if n == 0:
        return pd.DataFrame({"customer_id": [], "resolved_id": [], "matched_on": []})
    records = records.sort_values(["rank", "customer_id"], kind="stable").reset_index(drop=True)
    # (positions of records, the key each has): an email, a phone, a platform's id
    keys = {}
    for key in ("email_norm", "phone_norm"):
        present = records[key].notna()
        keys[key] = (np.flatnonzero(present.to_numpy()), records[key][present].to_numpy())
    ids = platform_ids if platform_ids is not None else pd.DataFrame({"customer_id": [], "key": []})
    where = pd.Index(records["customer_id"]).get_indexer(ids["customer_id"])
    keys["platform"] = (where[where >= 0], ids["key"].to_numpy()[where >= 0])
    rows, cols, kinds = [], [], {}
    for key, (idx, values) in keys.items():
        codes, _ = pd.factorize(values)
        # connect every member to the first member that has the same key
        rows.append(idx)
        cols.append(pd.Series(idx).groupby(codes).transform("min").to_numpy())
        shared = pd.Series(codes).map(pd.Series(codes).value_counts()).to_numpy() > 1
        kinds[key] = np.zeros(n, dtype=bool)
        kinds[key][idx[shared]] = True
    graph = coo_matrix(
        (np.ones(sum(len(r) for r in rows)), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n, n),
    )
    _, labels = connected_components(graph, directed=False)
    # records are sorted by rank, so the smallest position in a group is its earliest member
    leader = pd.Series(np.arange(n)).groupby(labels).transform("min").to_numpy()
    resolved = records["customer_id"].to_numpy()[leader]
    email, phone, platform = kinds["email_norm"], kinds["phone_norm"], kinds["platform"]
    matched = np.where(email & phone, "email+phone", np.where(email, "email", np.where(
        phone, "phone", np.where(platform, "platform id", "self"))))
    matched = np.where(leader == np.arange(n), np.where(email | phone | platform, matched, "self"), matched)
    return pd.DataFrame({
        "customer_id": records["customer_id"].to_numpy(),
        "resolved_id": resolved,
        "matched_on": matched,
    })
