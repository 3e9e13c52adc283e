"""A preset whose column for a required field is not in the file (a Stripe export without
``id``): the field is taken from the suggestion for the file (names, then values; for an id,
the id-named column with the most distinct values), and the load says which column it used."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from regulars._sql import quote
from regulars.ingest._mapping import FieldSpec, Mapping
from regulars.ingest._suggest import suggest_mapping as suggest

__all__ = ["preset_fallback"]


#: Words in the names of columns likely to hold each id, to break ties between id columns.
_ID_WORDS = {"order_id": ("order", "payment", "charge", "transaction", "invoice", "intent", "receipt"),
             "ticket_id": ("ticket", "case", "request"), "message_id": ("message",)}


def preset_fallback(con: Any, columns: list[str], mapping: Mapping, said: list[str], sample_rows: int = 500
                    ) -> Mapping | None:
    """A preset whose columns for a required field are not in the file (a Stripe export without
    ``id``): the field from the suggestion for this file (names, then values), saying which
    column it used. None when the suggestion has no column for every missing field either."""
    if not mapping.name.startswith("preset ") or mapping.shape != "rows":
        return None
    present = {c.lower() for c in columns}
    missing = [t for t in mapping.required_targets()
               if not any(s.lower() in present for f in mapping.fields if f.target == t for s in (*f.sources,
                                                                                              *f.fallback))]
    if not missing:
        return None
    sample = con.execute(f"SELECT {', '.join(quote(c) for c in columns)} FROM _raw LIMIT {sample_rows}").fetch_df()
    rows = sample.astype(object).where(sample.notna(), None).to_dict("records")
    guesses = {g.target: g for g in suggest(mapping.table, columns, rows)}
    taken = {s.lower() for f in mapping.fields for s in f.sources if s.lower() in present}
    fields = list(mapping.fields)
    for target in missing:
        guess = guesses.get(target)
        source, how, transform = (guess.source, guess.how, guess.transform) if guess else (None, "", None)
        if target.endswith("_id"):  # an id: the id-named column with the most distinct values
            ids = [c for c in columns if re.search(r"(^|[^a-z])id$", c.lower()) and c.lower() not in taken]
            counts = {c: sample[c].dropna().astype(str).str.strip().replace("", None).dropna().nunique() for c in ids}
            words = _ID_WORDS.get(target, ())
            best = max(counts, key=lambda c: (counts[c], any(w in c.lower() for w in words)), default=None)
            if best is not None and counts[best] > (counts.get(source, 0) if source else 0):
                source, how, transform = best, "the id column with the most distinct values", None
        if source is None or source.lower() in taken:
            return None
        looked = ", ".join(repr(c) for f in mapping.fields if f.target == target for c in f.sources) or repr(target)
        fields = [f for f in fields if f.target != target] + [FieldSpec(target, sources=(source,),
                                                                        transform=transform)]
        said.append(f"{target}: the {mapping.name} column {looked} is not in the file; used {source!r} ({how})")
    return replace(mapping, fields=tuple(fields))
