"""Words a batch stored that regulars does not know: a platform's own status ("OpenPending") is
kept as a word, not quarantined, and the load says so and what such a row counts as."""

from __future__ import annotations

import duckdb

from regulars._sql import quote
from regulars.schema import CONTRACTS

__all__ = ["unknown_words"]

#: What a row with such a word counts as, per table.
_MEANING = {"orders": "such an order is not counted as a purchase",
            "tickets": "such a ticket counts as not yet solved",
            "ticket_changes": "service times read only status and priority changes and replies"}


def unknown_words(con: duckdb.DuckDBPyConnection, table: str, batch_id: str) -> list[str]:
    """Words of this batch's open choice columns (statuses) that regulars does not know:
    kept as they are, and said."""
    out = []
    for c in CONTRACTS[table].columns if table in CONTRACTS else ():
        if not c.open_choices:
            continue
        found = con.execute(
            f"SELECT {quote(c.name)}, count(*) FROM {table} WHERE batch_id = ? AND {quote(c.name)} NOT IN "
            f"({', '.join(repr(v) for v in c.choices)}) GROUP BY 1 ORDER BY 2 DESC, 1", [batch_id]).fetchall()
        if found:
            words = ", ".join(f"{w} ({n:,})" for w, n in found[:5]) + (" ..." if len(found) > 5 else "")
            meaning = _MEANING.get(table, "such a row is kept and not used")
            out.append(f"{c.name}: words regulars does not know, stored as they are: {words}; {meaning} "
                       f"(known: {', '.join(c.choices)})")
    return out
