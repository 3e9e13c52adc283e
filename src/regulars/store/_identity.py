"""Identity in the store: minimal records for ids seen first in facts, when each customer was
first seen, phone numbers in E.164 form and the links between customer records
that share a normalised email or phone, or a platform's id from one source (the
``identity_links`` table behind ``customer_map``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import duckdb

from regulars._sql import quote
from regulars.schema import CONTRACTS

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["identify_visitors", "insert_stubs", "link_visitors", "mark_first_seen", "normalise_phones", "refresh_identities"]


def normalise_phones(con: duckdb.DuckDBPyConnection, settings: Any, batch_id: str) -> None:
    """Fill ``phone_norm`` for the customer records this batch wrote."""
    phones = [r[0] for r in con.execute(
        "SELECT DISTINCT phone FROM customers WHERE batch_id = ? AND phone IS NOT NULL", [batch_id]).fetchall()]
    if not phones:
        return
    import pandas as pd

    from regulars.ingest import normalise_phones as e164

    norm = e164(phones, settings.ingest.phone_region)
    con.register("_phones", pd.DataFrame({"phone": list(norm), "phone_norm": list(norm.values())}))
    con.execute("UPDATE customers SET phone_norm = p.phone_norm FROM _phones p "
                "WHERE customers.phone = p.phone AND customers.batch_id = ?", [batch_id])
    con.unregister("_phones")


def refresh_identities(con: duckdb.DuckDBPyConnection, seq: int) -> None:
    """Recompute links between customers sharing an email, a phone or a platform id (ids stay
    stable: the record loaded first names the group), then the visitors linked to a customer."""
    import pandas as pd

    from regulars.ingest import resolve_identities

    keyed = "c.email_norm IS NOT NULL OR c.phone_norm IS NOT NULL OR c.customer_id IN (SELECT customer_id FROM shared)"
    shared = """WITH shared AS (SELECT DISTINCT customer_id, source || ':' || external_id AS key FROM external_ids
                                WHERE (source, external_id) IN (SELECT source, external_id FROM external_ids
                                    GROUP BY ALL HAVING count(DISTINCT customer_id) > 1))"""
    links = pd.DataFrame({"customer_id": [], "resolved_id": [], "matched_on": []})
    if con.execute(f"{shared} SELECT count(*) FROM customers c WHERE {keyed}").fetchone()[0]:
        records = con.execute(
            f"""{shared} SELECT c.customer_id, coalesce(l.first_seq, b.seq, ?) AS rank, c.email_norm, c.phone_norm
               FROM customers c
               LEFT JOIN (SELECT customer_id, first_seq FROM identity_ranks) l USING (customer_id)
               LEFT JOIN batches b ON b.batch_id = c.batch_id
               WHERE {keyed}""", [seq]).fetch_df()
        platform_ids = con.execute(f"{shared} SELECT customer_id, key FROM shared").fetch_df()
        links = resolve_identities(records, platform_ids)
        links = links[links["customer_id"] != links["resolved_id"]]
        con.register("_records", records[["customer_id", "rank"]])
        con.execute("INSERT INTO identity_ranks SELECT customer_id, rank FROM _records r "
                    "WHERE NOT EXISTS (SELECT 1 FROM identity_ranks i WHERE i.customer_id = r.customer_id)")
        con.unregister("_records")
    links = _with_visitors(con, links.assign(linked_at=pd.NaT))
    con.execute("DELETE FROM identity_links")
    if len(links):
        con.register("_links", links)
        con.execute("INSERT INTO identity_links (customer_id, resolved_id, matched_on, linked_at) "
                    "SELECT customer_id, resolved_id, matched_on, linked_at FROM _links")
        con.unregister("_links")


def _with_visitors(con: duckdb.DuckDBPyConnection, links: pd.DataFrame) -> pd.DataFrame:
    """``links`` and each visitor id's record linked to the customer it first identified as
    (resolved as they are), from when it did: a browser's anonymous history is theirs from then on."""
    import pandas as pd

    visitors = con.execute(
        """SELECT visitor_id, arg_min(customer_id, linked_at) AS customer_id, min(linked_at) AS linked_at
           FROM visitor_links WHERE visitor_id IN (SELECT customer_id FROM customers) GROUP BY 1""").fetch_df()
    if visitors.empty:
        return links
    resolved = dict(zip(links["customer_id"], links["resolved_id"]))
    taken = set(links["customer_id"]) | set(links["resolved_id"])  # in a group already: an email said more
    visitors["resolved_id"] = [resolved.get(c, c) for c in visitors["customer_id"]]
    visitors = visitors[~visitors["visitor_id"].isin(taken) & (visitors["visitor_id"] != visitors["resolved_id"])]
    added = visitors[["visitor_id", "resolved_id", "linked_at"]].rename(columns={"visitor_id": "customer_id"})
    if added.empty:  # (pandas warns on joining an empty frame)
        return links
    return pd.concat([links, added.assign(matched_on="visitor")], ignore_index=True)


def link_visitors(con: duckdb.DuckDBPyConnection, batch_id: str | None,
                  identified: list[tuple[str, str, str | None]] = (), staged: str | None = None) -> int:
    """Visitor ids a batch's events (``staged``: their staged table) name beside another
    customer id (a page view sent with both a user id and GA4's pseudonymous id), from the first
    such event; or ``identified`` (visitor, customer, when: an identify that names both); new
    pairs only. The caller resolves identities again when any were added."""
    parts = [f"SELECT visitor_id, customer_id, occurred_at AS linked_at FROM {staged}"] if staged else []
    if identified:
        import pandas as pd

        given = pd.DataFrame(list(identified), columns=["visitor_id", "customer_id", "linked_at"])
        given["linked_at"] = pd.to_datetime(given["linked_at"], utc=True, errors="coerce", format="ISO8601").fillna(
            pd.Timestamp.now(tz="UTC")).dt.tz_localize(None)
        con.register("_identified", given)
        parts.append("SELECT visitor_id, customer_id, linked_at FROM _identified")
    if not parts:
        return 0
    try:
        added = con.execute(
            f"""INSERT INTO visitor_links
               SELECT visitor_id, customer_id, min(linked_at), ? FROM ({' UNION ALL '.join(parts)}) n
               WHERE visitor_id IS NOT NULL AND customer_id IS NOT NULL AND visitor_id <> customer_id
                 AND NOT EXISTS (SELECT 1 FROM visitor_links v WHERE v.visitor_id = n.visitor_id
                                 AND v.customer_id = n.customer_id)
               GROUP BY visitor_id, customer_id""", [batch_id]).fetchone()[0]
    finally:
        if identified:
            con.unregister("_identified")
    return added


def identify_visitors(store: Any, identified: list[tuple[str, str, str | None]], batch_id: str | None) -> int:
    """Link each (visitor id, customer id, when) an identify named, in one transaction, and
    resolve identities again; how many links were new."""
    with store.transaction() as con:
        added = link_visitors(con, batch_id, identified)
        if added:
            refresh_identities(con, con.execute("SELECT coalesce(max(seq), 0) + 1 FROM batches").fetchone()[0])
    return added


def mark_first_seen(con: duckdb.DuckDBPyConnection, table: str, batch_id: str | None = None) -> None:
    """Move each customer's ``first_seen_at`` back to the earliest time ``table`` (this batch's
    rows, or all of them) saw it: a profile's ``created_at``, a fact's own time."""
    contract = CONTRACTS[table]
    when = "created_at" if table == "customers" else contract.time_column
    if when is None or "customer_id" not in contract.names:
        return
    rows = "WHERE batch_id = ?" if batch_id else ""
    con.execute(
        f"""UPDATE customers SET first_seen_at = least(customers.first_seen_at, s.seen)
            FROM (SELECT customer_id, min({quote(when)}) AS seen FROM {table} {rows} GROUP BY 1) s
            WHERE customers.customer_id = s.customer_id AND s.seen IS NOT NULL""",
        [batch_id] if batch_id else [],
    )


def insert_stubs(con: duckdb.DuckDBPyConnection, table: str, tmp: str, batch_id: str) -> int:
    """Rows naming a customer id the store does not know create a minimal customer record."""
    if "customer_id" not in CONTRACTS[table].names:
        return 0
    return con.execute(
        f"""INSERT INTO customers (customer_id, is_stub, batch_id)
            SELECT DISTINCT t.customer_id, true, ? FROM {tmp} t
            WHERE t.customer_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = t.customer_id)""",
        [batch_id],
    ).fetchone()[0]
