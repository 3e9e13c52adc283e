"""Checkout events that carry their order become orders: a web shop's analytics export names the
order and its total on ``checkout_completed`` (Shopify's web pixels, Segment's Order Completed),
often the only record of the sale a shop sends. The order is written with the event's batch (so
undoing the batch removes it too); an order id already stored is left as it is."""

from __future__ import annotations

import duckdb

__all__ = ["orders_from_checkouts"]

#: Attribute names (compared without case, spaces or punctuation) that hold the order's id and total.
ORDER_ID_KEYS = ("orderid", "ordernumber", "transactionid", "checkoutid", "order")
AMOUNT_KEYS = ("total", "totalprice", "ordertotal", "revenue", "value", "amount", "subtotal")
CURRENCY_KEYS = ("currency", "currencycode")


def _pick(keys: tuple[str, ...]) -> str:
    """SQL for the first attribute whose normalised name is one of ``keys``."""
    return " ".join(
        f"WHEN list_contains(k.names, '{key}') THEN json_extract_string(e.attributes, k.raw[list_position(k.names, "
        f"'{key}')])" for key in keys)


def orders_from_checkouts(con: duckdb.DuckDBPyConnection, batch_id: str) -> int:
    """Write the orders this batch's checkout events carry; returns how many were new."""
    found = con.execute("SELECT count(*) FROM events WHERE batch_id = ? AND event_type = 'checkout' "
                        "AND attributes IS NOT NULL", [batch_id]).fetchone()[0]
    if not found:
        return 0
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _checkout_orders AS
        WITH k AS (SELECT e.rowid AS r, json_keys(e.attributes) AS raw,
                          list_transform(json_keys(e.attributes),
                                         x -> regexp_replace(lower(x), '[^a-z0-9]', '', 'g')) AS names
                   FROM events e WHERE e.batch_id = $1 AND e.event_type = 'checkout' AND e.attributes IS NOT NULL)
        SELECT CASE {_pick(ORDER_ID_KEYS)} END AS order_id, e.customer_id, e.occurred_at AS ordered_at,
               TRY_CAST(regexp_replace(CASE {_pick(AMOUNT_KEYS)} END, '[^0-9.\\-]', '', 'g') AS DOUBLE) AS amount,
               upper(CASE {_pick(CURRENCY_KEYS)} END) AS currency
        FROM events e JOIN k ON k.r = e.rowid""", [batch_id])
    made = con.execute(
        "INSERT INTO orders (order_id, customer_id, ordered_at, amount, currency, status, channel, batch_id) "
        "SELECT order_id, any_value(customer_id), min(ordered_at), any_value(amount), any_value(currency), "
        "'completed', 'web', ? FROM _checkout_orders c WHERE order_id IS NOT NULL AND amount IS NOT NULL "
        "AND amount >= 0 AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.order_id = c.order_id) GROUP BY order_id",
        [batch_id]).fetchone()[0]
    con.execute("DROP TABLE _checkout_orders")
    return int(made)
