"""Order exports with one row per order and the items packed into numbered cells, as the
WebToffee WooCommerce export writes them (``line_item_1``, ``line_item_2``, ... each holding
``name:Sourdough loaf|product_id:42|sku:SD-1|quantity:2|total:18.00|...``): unpacked into one
row per item, so the usual order-lines staging reads them. The item's cells become columns
``Item Name``, ``Item Product ID``, ``Item SKU``, ``Item Quantity``, ``Item Total`` and
``Item Price`` (total over quantity); the order's own columns repeat on each item, and each
item keeps its order's source line."""

from __future__ import annotations

import re

import duckdb

from regulars.ingest._read import RAW, RawRead, drop_temp

__all__ = ["ITEM_COLUMNS", "unpack_groups", "unpack_items"]

#: Column made for each item -> the key it has inside the packed cell.
ITEM_COLUMNS = {"Item Name": "name", "Item Product ID": "product_id", "Item SKU": "sku",
                "Item Quantity": "quantity", "Item Total": "total"}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def unpack_items(con: duckdb.DuckDBPyConnection, raw: RawRead, prefix: str) -> RawRead:
    """Replace ``_raw`` (read eagerly: numbered) by one row per non-blank packed item in the
    columns named ``prefix`` + a number; an order without items keeps one row with no item."""
    packed = sorted((c for c in raw.columns if re.fullmatch(re.escape(prefix) + r"\d+", c)),
                    key=lambda c: int(c[len(prefix):]))
    if not packed:
        return raw
    kept = [c for c in raw.columns if c not in packed]
    pick = {name: f"NULLIF(trim(regexp_extract(item, '(?:^|\\|){key}:([^|]*)', 1)), '')"
            for name, key in ITEM_COLUMNS.items()}
    price = (f"CAST(round(TRY_CAST({pick['Item Total']} AS DOUBLE) / "
             f"NULLIF(TRY_CAST({pick['Item Quantity']} AS DOUBLE), 0), 4) AS VARCHAR)")
    items = ", ".join(_q(c) for c in packed)
    columns = ", ".join(_q(c) for c in kept)
    con.execute(
        f"""CREATE TEMP TABLE _packed AS
            WITH items AS (SELECT * FROM (SELECT _row, {columns}, unnest([{items}]) AS item FROM {RAW})
                           WHERE NULLIF(trim(item), '') IS NOT NULL),
                 bare AS (SELECT _row, {columns}, CAST(NULL AS VARCHAR) AS item FROM {RAW}
                          WHERE _row NOT IN (SELECT _row FROM items))
            SELECT _row, {columns}, {', '.join(f'{expr} AS {_q(name)}' for name, expr in pick.items())},
                   {price} AS "Item Price"
            FROM (SELECT * FROM items UNION ALL SELECT * FROM bare) ORDER BY _row"""
    )
    drop_temp(con, (RAW,))
    con.execute(f"CREATE TEMP VIEW {RAW} AS SELECT * FROM _packed")
    return RawRead([*kept, *ITEM_COLUMNS, "Item Price"], numbered=True, path=raw.path)


def unpack_groups(con: duckdb.DuckDBPyConnection, raw: RawRead, group: str) -> RawRead:
    """Replace ``_raw`` (numbered) by one row per numbered column group, as Matomo's visit log
    flattens each visit's actions: ``url (actionDetails 0)``, ``timestamp (actionDetails 0)``,
    ``url (actionDetails 1)``, ... become rows with columns ``Action url``, ``Action timestamp``,
    ... (a group with every cell blank is no row); the row's other columns repeat on each."""
    pattern = re.compile(r"(.+) \(" + re.escape(group) + r" (\d+)\)")
    grouped: dict[int, dict[str, str]] = {}
    for column in raw.columns:
        found = pattern.fullmatch(column)
        if found:
            grouped.setdefault(int(found.group(2)), {})[found.group(1)] = column
    if not grouped:
        return raw
    fields = sorted({f for cells in grouped.values() for f in cells})
    kept = [c for c in raw.columns if not pattern.fullmatch(c)]
    columns = ", ".join(_q(c) for c in kept)
    parts = []
    for n, cells in sorted(grouped.items()):
        picks = ", ".join(f"{_q(cells[f]) if f in cells else 'CAST(NULL AS VARCHAR)'} AS {_q('Action ' + f)}"
                          for f in fields)
        filled = " OR ".join(f"NULLIF(trim({_q(c)}), '') IS NOT NULL" for c in cells.values())
        parts.append(f"SELECT _row, {n} AS _n, {columns}, {picks} FROM {RAW} WHERE {filled}")
    con.execute(f"CREATE TEMP TABLE _packed AS SELECT * EXCLUDE (_n) FROM ({' UNION ALL '.join(parts)}) "
                f"ORDER BY _row, _n")
    drop_temp(con, (RAW,))
    con.execute(f"CREATE TEMP VIEW {RAW} AS SELECT * FROM _packed")
    return RawRead([*kept, *(f"Action {f}" for f in fields)], numbered=True, path=raw.path)
