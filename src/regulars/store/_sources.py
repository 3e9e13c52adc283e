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
    attributes), per source beside the customer id the rows use: new pairs only."""
    return store.con.execute(
        f"""INSERT INTO external_ids
            SELECT DISTINCT customer_id, ?, x, ? FROM (SELECT customer_id, (attributes->>?) AS x FROM {table}
                                                    WHERE batch_id = ?) t
            WHERE t.customer_id IS NOT NULL AND t.x IS NOT NULL AND t.x <> '' AND t.x <> t.customer_id
              AND NOT EXISTS (SELECT 1 FROM external_ids e WHERE e.customer_id = t.customer_id
                              AND e.source = ? AND e.external_id = t.x)""",
        [source, batch_id, column, batch_id, source]).fetchone()[0]
