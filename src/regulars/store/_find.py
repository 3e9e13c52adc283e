"""Finding a customer the way an owner would: by any of their ids (a record's, a linked
platform's), their email in any case, their phone written any way, or part of their name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from regulars.store._store import Store

__all__ = ["customer_named", "customer_names", "find_customers", "product_names"]


def find_customers(store: Store, text: str, limit: int = 20) -> list[dict[str, Any]]:
    """The customers ``text`` names (resolved ids, each once, with a name and email where known):
    an exact id or linked platform id first, then an email (any case), a phone (as the shop's
    phones are normalised), then names containing it (two letters at least)."""
    from regulars.ingest import normalise_phones

    text = text.strip()
    if not text:
        return []
    phone = normalise_phones([text], store.settings.ingest.phone_region).get(text) if any(
        ch.isdigit() for ch in text) else None
    part = text.replace("%", "").replace("_", "")  # a name's part, taken literally
    return store.rows(
        """WITH hits AS (
               SELECT m.resolved_id, 0 AS how FROM customer_map m WHERE m.customer_id = $1
               UNION ALL SELECT m.resolved_id, 0 FROM external_ids e JOIN customer_map m USING (customer_id)
                         WHERE e.external_id = $1
               UNION ALL SELECT m.resolved_id, 1 FROM customers c JOIN customer_map m USING (customer_id)
                         WHERE c.email_norm = lower($1) OR lower(c.email) = lower($1)
               UNION ALL SELECT m.resolved_id, 1 FROM customers c JOIN customer_map m USING (customer_id)
                         WHERE $2 IS NOT NULL AND c.phone_norm = $2
               UNION ALL SELECT m.resolved_id, 2 FROM customers c JOIN customer_map m USING (customer_id)
                         WHERE length($4) >= 2 AND contains(lower(c.name), lower($4))),
             best AS (SELECT resolved_id, min(how) AS how FROM hits GROUP BY 1)
           SELECT b.resolved_id AS customer_id, any_value(c.name) AS name, any_value(c.email) AS email
           FROM best b JOIN customer_map m ON m.resolved_id = b.resolved_id JOIN customers c USING (customer_id)
           GROUP BY b.resolved_id, b.how ORDER BY b.how, any_value(c.name), b.resolved_id LIMIT $3""",
        [text, phone, int(limit), part])


def customer_named(store: Store, text: str) -> str:
    """The one customer ``text`` names (``find_customers``); NotFoundError when none or several
    do (several: the first few, by name and id, so the next try can be exact)."""
    from regulars.errors import NotFoundError

    found = find_customers(store, text, limit=6)
    exact = [f for f in found if f["customer_id"] == text.strip()]
    if len(found) == 1 or exact:
        return (exact or found)[0]["customer_id"]
    if not found:
        raise NotFoundError(f"no customer {text!r} by id, email, phone or name; `regulars status` shows what is loaded")
    named = ", ".join(f"{f['name'] or 'no name'} ({f['customer_id']})" for f in found[:5])
    raise NotFoundError(f"{len(found) if len(found) < 6 else 'more than 5'} customers match {text!r}: {named}; "
                        "give one of their ids")


def customer_names(store: Store, ids: list[str]) -> dict[str, str]:
    """The name of each of ``ids`` (resolved ids) that has one: the first named record of theirs."""
    if not ids:
        return {}
    return dict(store.con.execute(
        "SELECT m.resolved_id, min(c.name) FROM customer_map m JOIN customers c USING (customer_id) "
        "WHERE m.resolved_id IN (SELECT unnest(?::VARCHAR[])) AND c.name IS NOT NULL AND trim(c.name) <> '' "
        "GROUP BY 1", [list(dict.fromkeys(ids))]).fetchall())


def product_names(store: Store, ids: list[str]) -> dict[str, str]:
    """The name of each of ``ids`` (product ids) that has one."""
    if not ids:
        return {}
    return dict(store.con.execute("SELECT product_id, name FROM products WHERE name IS NOT NULL AND product_id IN "
                                  "(SELECT unnest(?::VARCHAR[]))", [list(dict.fromkeys(ids))]).fetchall())
