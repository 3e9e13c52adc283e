"""Where rows came from: the latest batch of the same export (for drift reports), and the
platforms' own customer ids each source carried."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from regulars.store._store import Store

__all__ = ["previous_source_batch", "record_external_ids"]


def _stem(file_name: str) -> str:
    """A file's name without digits, separators and extension: what the files of one export share."""
    return re.sub(r"[\d_\-. ]+", " ", file_name.rsplit(".", 1)[0]).strip().lower()


def previous_source_batch(store: Store, table: str, mapping: str, source_name: str) -> dict[str, Any] | None:
    """The latest batch of the same export: the same table and mapping, from a file whose
    name is the same apart from digits and separators (``visits-2024-05.csv`` and
    ``visits-2024-06.csv``): its id, header and date orders."""
    stem = _stem(source_name)
    for batch_id, source, header, dates in store.con.execute(
            "SELECT batch_id, source_name, header, date_orders FROM batches WHERE table_name = ? AND mapping = ? "
            "AND header IS NOT NULL ORDER BY seq DESC", [table, mapping]).fetchall():
        if _stem(source) == stem:
            return {"batch_id": batch_id, "source_name": source, "header": json.loads(header),
                    "date_orders": json.loads(dates or "{}")}
    return None


def record_external_ids(store: Store, batch_id: str, table: str, column: str, source: str) -> int:
    """The platform's own customer ids a batch carried (in ``column``, kept in the rows'
    attributes, or in its order lines' for a file of order lines), per source beside the
    customer id the rows use: new pairs only. An id of 0 is a platform's "no account" (a
    WooCommerce guest), not an id. Customer records that share one are then one customer."""
    from regulars.store._identity import refresh_identities

    rows = f"SELECT customer_id, attributes FROM {table} WHERE batch_id = $2"
    if table == "orders":
        rows += (" UNION ALL SELECT o.customer_id, i.attributes FROM order_items i JOIN orders o USING (order_id) "
                 "WHERE i.batch_id = $2")
    added = store.con.execute(
        f"""INSERT INTO external_ids
            SELECT DISTINCT customer_id, $1, x, $2 FROM (SELECT customer_id, (attributes->>$3) AS x FROM ({rows})) t
            WHERE t.customer_id IS NOT NULL AND t.x NOT IN ('', '0') AND t.x <> t.customer_id
              AND NOT EXISTS (SELECT 1 FROM external_ids e WHERE e.customer_id = t.customer_id
                              AND e.source = $1 AND e.external_id = t.x)""",
        [source, batch_id, column]).fetchone()[0]
    if added:
        refresh_identities(store.con, store.con.execute("SELECT seq FROM batches WHERE batch_id = ?",
                                                        [batch_id]).fetchone()[0])
    return added
