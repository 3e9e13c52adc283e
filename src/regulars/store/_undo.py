"""Undoing a batch: every row it stored, its quarantine and its record go, in one transaction,
so a file loaded with the wrong mapping can be loaded again (``ingest --replace``), and a
batch that was all quarantine stops being reported."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from regulars.errors import NotFoundError, SettingsError
from regulars.schema import CONTRACTS
from regulars.store._identity import mark_first_seen, refresh_identities
from regulars.store._sales import refresh_purchases

if TYPE_CHECKING:
    from regulars.store._store import Store

__all__ = ["earlier_batches", "undo_batch"]

#: Tables whose rows name a customer: a customer record still named by one of them is kept.
_NAMING = ("orders", "events", "tickets", "feedback", "messages", "outbox")


def earlier_batches(store: Store, table: str, source_name: str) -> list[str]:
    """The stored batches that loaded a file of this name into this table, oldest first."""
    return [r[0] for r in store.con.execute(
        "SELECT batch_id FROM batches WHERE table_name = ? AND source_name = ? ORDER BY seq",
        [table, source_name]).fetchall()]


def undo_batch(store: Store, batch_id: str, actor: str) -> dict[str, Any]:
    """Remove what batch ``batch_id`` stored (the caller holds the transaction). A customer
    record the batch wrote that rows of other batches still name becomes a minimal record again;
    products its lines named that other lines still name stay. An upsert batch replaced stored
    rows, whose earlier versions would have to come back: it is refused."""
    con = store.con
    found = con.execute("SELECT table_name, source_name, coalesce(mode, 'insert'), coalesce(rows_updated, 0) "
                        "FROM batches WHERE batch_id = ?", [batch_id]).fetchone()
    if found is None:
        raise NotFoundError(f"no batch {batch_id!r}; `regulars status` lists the batches")
    table, source, mode, updated = found
    if mode == "upsert" or updated:
        raise SettingsError(f"batch {batch_id} ({source}) replaced stored rows (--mode upsert); it cannot be undone "
                            "as a whole. Load the corrected file with --mode upsert instead")
    removed: dict[str, int] = {}
    for name in ("order_items", "orders", "events", "tickets", "feedback", "messages"):
        removed[name] = con.execute(f"DELETE FROM {name} WHERE batch_id = ?", [batch_id]).fetchone()[0]
    keep = "" if table == "products" else \
        " AND product_id NOT IN (SELECT product_id FROM order_items WHERE product_id IS NOT NULL)"
    removed["products"] = con.execute(f"DELETE FROM products WHERE batch_id = ?{keep}", [batch_id]).fetchone()[0]
    named = " UNION ".join(f"SELECT customer_id FROM {t} WHERE customer_id IS NOT NULL" for t in _NAMING)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _still_named AS {named}")
    removed["customers"] = con.execute(
        "DELETE FROM customers WHERE batch_id = ? AND customer_id NOT IN (SELECT customer_id FROM _still_named)",
        [batch_id]).fetchone()[0]
    profile = [c.name for c in CONTRACTS["customers"].columns if c.name != "customer_id"]
    blank = ", ".join(f"{c} = NULL" for c in profile)
    removed["customer profiles"] = con.execute(  # named by other batches' rows: a minimal record again
        f"UPDATE customers SET {blank}, attributes = NULL, email_norm = NULL, phone_norm = NULL, is_stub = true, "
        "batch_id = NULL WHERE batch_id = ?", [batch_id]).fetchone()[0]
    con.execute("DROP TABLE _still_named")
    con.execute("DELETE FROM external_ids WHERE batch_id = ?", [batch_id])
    con.execute("DELETE FROM visitor_links WHERE batch_id = ?", [batch_id])
    removed["quarantined rows"] = con.execute("DELETE FROM quarantine WHERE batch_id = ?", [batch_id]).fetchone()[0]
    con.execute("INSERT INTO store_meta SELECT 'undone_batch_seq', CAST(seq AS VARCHAR) FROM batches WHERE batch_id = ?",
                [batch_id])
    con.execute("DELETE FROM batches WHERE batch_id = ?", [batch_id])
    con.execute("UPDATE customers SET first_seen_at = NULL")  # seen as the remaining rows say
    for name in CONTRACTS:
        mark_first_seen(con, name)
    refresh_identities(con, con.execute("SELECT coalesce(max(seq), 0) + 1 FROM batches").fetchone()[0])
    refresh_purchases(con)
    store.audit("undo batch", {"batch_id": batch_id, "table": table, "source": source, "removed": removed},
                actor=actor)
    return {"batch_id": batch_id, "table": table, "source_name": source,
            "removed": {k: int(v) for k, v in removed.items() if v}}
