"""Validate raw rows against a table contract and stage what the store should write.

Input: ``_raw`` (all text, with ``_row``) and ``_rejects`` from ``_read``. Output: one
temporary table per canonical table to insert (``_out_<table>``), and ``_quarantine`` with
the source row, the reasons in words, reason codes and the original values. Every source row
ends in exactly one place: accepted (new, or identical to what is stored) or quarantined.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from regulars.ingest._convert import lit, problem_sql, quote, text_sql, value_sql
from regulars.ingest._mapping import Mapping, ResolvedField
from regulars.schema import CONTRACTS, TableContract

__all__ = ["Staged", "stage"]

QUARANTINE = "_quarantine"
_SIDE_TABLES = {"customer": "customers", "item": "order_items", "product": "products"}


@dataclass
class Staged:
    """What one load will write. ``outputs`` maps canonical table → temp table of new rows."""

    table: str
    rows_read: int
    rows_accepted: int
    rows_quarantined: int
    rows_unchanged: int
    outputs: dict[str, str] = field(default_factory=dict)


def _col(target: str) -> str:
    """Column name in staged tables: ``customer.email`` → ``customer__email``."""
    return target.replace(".", "__")


def _detect_dayfirst(con: duckdb.DuckDBPyConnection, fields: list[ResolvedField], default: bool) -> dict[str, bool]:
    """Per date column: day-first when some first parts exceed 12 and no second parts do."""
    out = {}
    for f in fields:
        if f.column.kind != "timestamp" or f.spec.formats or f.source is None:
            continue
        col = quote(f.source)
        pattern = r"'^\s*(\d{1,2})[/-](\d{1,2})[/-]\d{2,4}'"
        first_big, second_big = con.execute(
            f"""SELECT count(*) FILTER (WHERE CAST(regexp_extract({col}, {pattern}, 1) AS INT) > 12),
                       count(*) FILTER (WHERE CAST(regexp_extract({col}, {pattern}, 2) AS INT) > 12)
                FROM _raw WHERE regexp_matches({col}, {pattern})"""
        ).fetchone()
        out[f.spec.target] = True if first_big and not second_big else (
            False if second_big and not first_big else default
        )
    return out


def _typed_sql(
    fields: list[ResolvedField], unused: list[str], required: set[str], row_prefix: str,
    dayfirst: dict[str, bool], default_dayfirst: bool, decimal: str,
) -> str:
    texts, values, reasons, codes = [], [], [], []
    status = next((f for f in fields if f.spec.target == "status"), None)
    for f in fields:
        name = _col(f.spec.target)
        s, v = quote("s:" + name), quote("v:" + name)
        texts.append(f"{text_sql(f.spec, f.source, row_prefix)} AS {s}")
        first = dayfirst.get(f.spec.target, default_dayfirst)
        value = value_sql(f.column, f.spec, s, first, decimal)
        if f.spec.target == "item.quantity" and status is not None:
            # A refund line lists what came back; its quantity is stored as a positive count.
            refunded = value_sql(status.column, status.spec, quote("s:status"), first, decimal)
            value = f"CASE WHEN {refunded} = 'refunded' THEN abs({value}) ELSE {value} END"
        values.append(f"{value} AS {v}")
        for reason, code in problem_sql(f.spec.target, f.column, s, v, f.spec.target in required):
            reasons.append(reason)
            codes.append(code)
    if unused:
        attrs = "json_object(" + ", ".join(f"{lit(c)}, {quote(c)}" for c in unused) + ")"
    else:
        attrs = "CAST(NULL AS JSON)"
    final = ", ".join(f"{quote('v:' + _col(f.spec.target))} AS {quote(_col(f.spec.target))}" for f in fields)
    reason = f"concat_ws('; ', {', '.join(reasons)})" if reasons else "''"
    code = f"concat_ws('; ', {', '.join(codes)})" if codes else "''"
    texts_sql = ", ".join(texts) if texts else "NULL AS _none"
    values_sql = ", ".join(values) if values else "NULL AS _nonev"
    return f"""
        WITH t AS (SELECT _row, {attrs} AS attributes, {texts_sql} FROM _raw),
             v AS (SELECT *, {values_sql} FROM t)
        SELECT _row, attributes, {final + ',' if final else ''}
               {reason} AS _reason, {code} AS _codes
        FROM v"""


def _append(reason: str, code: str, when: str, text: str, code_text: str) -> str:
    """SQL setting _reason/_codes with one more problem when ``when`` holds."""
    return (
        f"CASE WHEN {when} THEN concat_ws('; ', NULLIF({reason}, ''), {text}) ELSE {reason} END AS _reason, "
        f"CASE WHEN {when} THEN concat_ws('; ', NULLIF({code}, ''), {lit(code_text)}) ELSE {code} END AS _codes"
    )


def _columns_of(table: TableContract, fields: list[ResolvedField], prefix: str = "") -> list[str]:
    names = {_col(f.spec.target) for f in fields}
    return [c.name for c in table.columns if _col(prefix + c.name) in names]


def _key_checks(
    con: duckdb.DuckDBPyConnection, source: str, target: str, contract: TableContract,
    mapped: list[str], existing: str | None,
) -> None:
    """``target`` = ``source`` plus duplicate-in-file and conflict-with-store reasons and ``_unchanged``."""
    key = contract.key[0]
    k = quote(key)
    first_valid = f"min(CASE WHEN _reason = '' THEN _row END) OVER (PARTITION BY {k})"
    con.execute(
        f"""CREATE TEMP TABLE _dups AS SELECT * EXCLUDE (_reason, _codes), _first, {_append(
            '_reason', '_codes', "_reason = '' AND _row > _first",
            f"{lit(key + ' ')} || '''' || {k} || ''' appears earlier in this file (row ' || _first || ')'",
            'duplicate_key:' + key)}
            FROM (SELECT *, {first_valid} AS _first FROM {source})"""
    )
    if existing is None:
        con.execute(f"CREATE TEMP TABLE {target} AS SELECT * EXCLUDE (_first), false AS _unchanged FROM _dups")
        return
    compared = [c for c in mapped if c != key]
    same = " AND ".join(f"d.{quote(c)} IS NOT DISTINCT FROM e.{quote(c)}" for c in compared) or "true"
    stored = f"e.{k} IS NOT NULL AND NOT e._replaceable AND d._reason = ''"
    conflict = f"{stored} AND NOT ({same})"
    con.execute(
        f"""CREATE TEMP TABLE {target} AS
            SELECT d.* EXCLUDE (_reason, _codes, _first),
                   {_append('d._reason', 'd._codes', conflict,
                            f"{lit(key + ' ')} || '''' || d.{k} || ''' is already stored with different values (batch ' || e.batch_id || ')'",
                            'conflicts_with_store:' + key)},
                   coalesce({stored} AND ({same}), false) AS _unchanged
            FROM _dups d LEFT JOIN {existing} e ON d.{k} = e.{k}"""
    )


def _out(con: duckdb.DuckDBPyConnection, name: str, contract: TableContract, mapped: list[str],
         source: str, where: str, prefix: str = "", attributes: bool = True) -> None:
    cols = []
    for c in contract.columns:
        if c.name in mapped:
            cols.append(f"{quote(_col(prefix + c.name))} AS {quote(c.name)}")
        else:
            cols.append(f"CAST(NULL AS {c.sql_type}) AS {quote(c.name)}")
    attrs = "attributes" if attributes else "CAST(NULL AS JSON)"
    con.execute(f"CREATE TEMP TABLE {name} AS SELECT {', '.join(cols)}, {attrs} AS attributes FROM {source} WHERE {where}")


def _orders_rules(table: str) -> list[tuple[str, str, str]]:
    """Row rules beyond single columns, as (condition, reason SQL, code)."""
    if table != "orders":
        return []
    return [(
        "amount < 0 AND status = 'completed'",
        "'amount: ' || amount || ' is negative on a completed order (mark refunds with status refunded)'",
        "negative_amount:amount",
    )]


def _apply_rules(con: duckdb.DuckDBPyConnection, source: str, target: str, table: str) -> None:
    sql = f"SELECT * FROM {source}"
    for when, text, code in _orders_rules(table):
        sql = f"SELECT * EXCLUDE (_reason, _codes), {_append('_reason', '_codes', f'({when})', text, code)} FROM ({sql})"
    con.execute(f"CREATE TEMP TABLE {target} AS {sql}")


def _normalise_orders(con: duckdb.DuckDBPyConnection, source: str, mapped: list[str]) -> str:
    """Orders: status defaults to completed; refunds carry a negative amount."""
    if "status" in _columns(con, source):
        sql = f"SELECT * REPLACE (coalesce(status, 'completed') AS status) FROM {source}"
    else:
        sql = f"SELECT *, 'completed' AS status FROM {source}"
        mapped.append("status")
    if "amount" in mapped:
        sql = (f"SELECT * REPLACE (CASE WHEN status = 'refunded' THEN -abs(amount) ELSE amount END "
               f"AS amount) FROM ({sql})")
    con.execute(f"CREATE TEMP TABLE _norm AS {sql}")
    return "_norm"


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]


def _side_customers(con: duckdb.DuckDBPyConnection, fields: list[ResolvedField], source: str, where: str) -> bool:
    side = [c.name for c in CONTRACTS["customers"].columns
            if _col("customer." + c.name) in {_col(f.spec.target) for f in fields}]
    if not side:
        return False
    picks = ", ".join(
        f"arg_min({quote(_col('customer.' + c))}, _row) FILTER (WHERE {quote(_col('customer.' + c))} IS NOT NULL) AS {quote(c)}"
        for c in side
    )
    con.execute(
        f"CREATE TEMP TABLE _side AS SELECT customer_id, {picks} FROM {source} "
        f"WHERE {where} AND customer_id IS NOT NULL GROUP BY customer_id"
    )
    _out(con, "_out_customers", CONTRACTS["customers"], ["customer_id", *side], "_side", "true",
         attributes=False)
    return True


def _drop(con: duckdb.DuckDBPyConnection) -> None:
    names = [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary AND "
        "(table_name LIKE '\\_out\\_%' ESCAPE '\\' OR table_name IN "
        "('_typed','_dups','_checked','_norm','_ruled','_side','_lines','_orders','_order_checked',"
        "'_lines_final','_quarantine'))"
    ).fetchall()]
    for name in names:
        con.execute(f"DROP TABLE IF EXISTS {quote(name)}")


def stage(
    con: duckdb.DuckDBPyConnection,
    mapping: Mapping,
    fields: list[ResolvedField],
    unused: list[str],
    *,
    content_hash: str,
    dayfirst: bool,
    decimal: str,
    existing: dict[str, str | None],
) -> Staged:
    """Validate ``_raw`` and stage outputs; ``existing`` maps table → relation of stored rows."""
    _drop(con)
    first = mapping.dayfirst if mapping.dayfirst is not None else dayfirst
    per_column = {} if mapping.dayfirst is not None else _detect_dayfirst(con, fields, dayfirst)
    decimal = mapping.decimal or decimal
    row_prefix = content_hash[:12]
    if mapping.shape == "order_lines":
        return _stage_order_lines(con, mapping, fields, unused, row_prefix, per_column, first, decimal, existing)

    contract = CONTRACTS[mapping.table]
    required = set(contract.required)
    con.execute(
        "CREATE TEMP TABLE _typed AS "
        + _typed_sql(fields, unused, required, row_prefix, per_column, first, decimal)
    )
    mapped = _columns_of(contract, fields)
    source = "_typed"
    if mapping.table == "orders":
        source = _normalise_orders(con, source, mapped)
    _apply_rules(con, source, "_ruled", mapping.table)
    if contract.key:
        _key_checks(con, "_ruled", "_checked", contract, mapped, existing.get(mapping.table))
    else:
        con.execute("CREATE TEMP TABLE _checked AS SELECT *, false AS _unchanged FROM _ruled")
    ok = "_reason = '' AND NOT _unchanged"
    outputs = {}
    _out(con, f"_out_{mapping.table}", contract, mapped, "_checked", ok)
    outputs[mapping.table] = f"_out_{mapping.table}"
    if mapping.table != "customers" and _side_customers(con, fields, "_checked", "_reason = ''"):
        outputs["customers"] = "_out_customers"
    return _finish(con, mapping.table, "_checked", outputs)


def _finish(con: duckdb.DuckDBPyConnection, table: str, checked: str, outputs: dict[str, str]) -> Staged:
    raw_cols = [c for c in _columns(con, "_raw") if c != "_row"]
    bad = con.execute(f"SELECT count(*) FROM {checked} WHERE _reason <> ''").fetchone()[0]
    original = "json_object(" + ", ".join(f"{lit(c)}, r.{quote(c)}" for c in raw_cols) + ")" if raw_cols else "'{}'"
    con.execute(
        f"CREATE TEMP TABLE {QUARANTINE} (_row BIGINT, reason VARCHAR, codes VARCHAR, original VARCHAR)"
    )
    if bad:
        con.execute(
            f"""INSERT INTO {QUARANTINE}
                SELECT c._row, c._reason, c._codes, CAST({original} AS VARCHAR)
                FROM (SELECT _row, _reason, _codes FROM {checked} WHERE _reason <> '') c
                JOIN _raw r ON r._row = c._row"""
        )
    con.execute(
        f"INSERT INTO {QUARANTINE} SELECT _row, reason, 'malformed_row', "
        "CAST(json_object('line', original) AS VARCHAR) FROM _rejects"
    )
    parsed, unchanged = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE _unchanged AND _reason = '') FROM {checked}"
    ).fetchone()
    rejected = con.execute("SELECT count(*) FROM _rejects").fetchone()[0]
    return Staged(
        table=table, rows_read=parsed + rejected, rows_accepted=parsed - bad,
        rows_quarantined=bad + rejected, rows_unchanged=unchanged, outputs=outputs,
    )


def _stage_order_lines(
    con: duckdb.DuckDBPyConnection, mapping: Mapping, fields: list[ResolvedField], unused: list[str],
    row_prefix: str, per_column: dict[str, bool], first: bool, decimal: str,
    existing: dict[str, str | None],
) -> Staged:
    """Order lines: validate each line, build orders from them, and reject whole orders."""
    orders = CONTRACTS["orders"]
    con.execute(
        "CREATE TEMP TABLE _lines AS "
        + _typed_sql(fields, unused, {"order_id", "item.product_id"}, row_prefix, per_column, first, decimal)
    )
    mapped = _columns_of(orders, fields)
    names = {_col(f.spec.target) for f in fields}
    has = lambda c: c in names  # noqa: E731
    firsts = [
        f"arg_min({quote(c)}, _row) FILTER (WHERE {quote(c)} IS NOT NULL) AS {quote(c)}"
        for c in mapped if c not in ("order_id", "ordered_at", "amount", "customer_id")
    ]
    line_total = (
        "sum(item__quantity * item__unit_price)" if has("item__quantity") and has("item__unit_price")
        else "NULL"
    )
    amount = (
        f"coalesce(arg_min(amount, _row) FILTER (WHERE amount IS NOT NULL), {line_total})"
        if has("amount") else line_total
    )
    customer = "arg_min(customer_id, _row) FILTER (WHERE customer_id IS NOT NULL)"
    own = [
        ("count(DISTINCT customer_id) > 1",
         "'order has lines for ' || count(DISTINCT customer_id) || ' different customers'",
         "conflicting_customer:customer_id"),
        (f"{customer} IS NULL", "'customer_id: missing'", "missing:customer_id"),
        ("min(ordered_at) IS NULL", "'ordered_at: missing'", "missing:ordered_at"),
        (f"{amount} IS NULL", "'amount: missing (no order total and no line prices)'", "missing:amount"),
    ]
    bad_lines = "count(*) FILTER (WHERE _reason <> '')"
    every = own + [(f"{bad_lines} > 0", f"'order has ' || {bad_lines} || ' invalid lines'", "invalid_lines")]

    def joined(items: list[tuple[str, str, str]], pick: int) -> str:
        parts = [f"CASE WHEN {w} THEN {t if pick == 1 else lit(c)} END" for w, t, c in items]
        return f"concat_ws('; ', {', '.join(parts)})"

    con.execute(
        f"""CREATE TEMP TABLE _orders AS
            SELECT order_id, min(_row) AS _row, {customer} AS customer_id,
                   min(ordered_at) AS ordered_at, round(CAST({amount} AS DOUBLE), 4) AS amount
                   {''.join(', ' + f for f in firsts)},
                   CAST(NULL AS JSON) AS attributes,
                   {joined(every, 1)} AS _reason, {joined(every, 2)} AS _codes,
                   {joined(own, 1)} AS _own_reason, {joined(own, 2)} AS _own_codes
            FROM _lines WHERE order_id IS NOT NULL GROUP BY order_id"""
    )
    for c in ("customer_id", "ordered_at", "amount"):
        if c not in mapped:
            mapped.append(c)
    source = _normalise_orders(con, "_orders", mapped)
    _apply_rules(con, source, "_ruled", "orders")
    _key_checks(con, "_ruled", "_order_checked", orders, mapped, existing.get("orders"))
    # A line is quarantined for its own problems and its order's (a bad line spoils its order).
    con.execute(
        """CREATE TEMP TABLE _lines_final AS
           SELECT l.* EXCLUDE (_reason, _codes),
                  CASE WHEN l._reason = '' THEN coalesce(o._reason, '')
                       ELSE concat_ws('; ', l._reason, NULLIF(o._own_reason, '')) END AS _reason,
                  CASE WHEN l._reason = '' THEN coalesce(o._codes, '')
                       ELSE concat_ws('; ', l._codes, NULLIF(o._own_codes, '')) END AS _codes,
                  coalesce(o._unchanged, false) AS _unchanged, o.status AS _order_status
           FROM _lines l LEFT JOIN _order_checked o USING (order_id)"""
    )
    outputs = {}
    ok_orders = "_reason = '' AND NOT _unchanged"
    _out(con, "_out_orders", orders, mapped, "_order_checked", ok_orders)
    outputs["orders"] = "_out_orders"
    items = CONTRACTS["order_items"]
    item_cols = _columns_of(items, fields, "item.")
    quantity = (
        "CASE WHEN _order_status = 'refunded' THEN abs(item__quantity) ELSE item__quantity END"
        if "quantity" in item_cols else None
    )
    cols = [
        (quantity if c.name == "quantity" and quantity else
         ("order_id" if c.name == "order_id" else quote(_col("item." + c.name)))
         if c.name in item_cols or c.name == "order_id" else f"CAST(NULL AS {c.sql_type})")
        + f" AS {quote(c.name)}"
        for c in items.columns
    ]
    con.execute(
        f"CREATE TEMP TABLE _out_order_items AS SELECT {', '.join(cols)}, attributes "
        f"FROM _lines_final WHERE {ok_orders} ORDER BY _row"
    )
    outputs["order_items"] = "_out_order_items"
    product_cols = _columns_of(CONTRACTS["products"], fields, "product.")
    product_picks = ", ".join(
        f"arg_min({quote(_col('product.' + c))}, _row) FILTER (WHERE {quote(_col('product.' + c))} IS NOT NULL) AS {quote(c)}"
        for c in product_cols if c != "product_id"
    )
    cols = ["item__product_id AS product_id"] + ([product_picks] if product_picks else [])
    con.execute(
        f"CREATE TEMP TABLE _products AS SELECT {', '.join(cols)} FROM _lines_final "
        f"WHERE _reason = '' GROUP BY item__product_id"
    )
    _out(con, "_out_products", CONTRACTS["products"], ["product_id", *product_cols], "_products",
         "true", attributes=False)
    outputs["products"] = "_out_products"
    if _side_customers(con, fields, "_lines_final", "_reason = ''"):
        outputs["customers"] = "_out_customers"
    return _finish(con, "orders", "_lines_final", outputs)
