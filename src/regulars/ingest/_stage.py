"""Validate raw rows against a table contract and stage what the store should write.

Input: ``_raw`` (all text, with ``_row``) and ``_rejects`` from ``_read``. Output: one
temporary view per canonical table to insert (``_out_<table>``), and ``_quarantine`` with
the source row, the reasons in words, reason codes and the original values. Every source row
ends in exactly one place: accepted (new, or identical to what is stored), anonymous (an order
line or order without a customer: an anonymous sale, stored) or quarantined.

Cost matters here (a load should stay within a small multiple of a bare DuckDB load), so the
typed table is materialised once; duplicate and stored-key checks produce a small ``_flags``
table joined back only when it has rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import duckdb

from regulars.ingest._convert import (
    lit,
    number_sql,
    problem_sql,
    problems_sql,
    quote,
    text_sql,
    value_sql,
)
from regulars.ingest._keys import key_checks
from regulars.ingest._mapping import Mapping, ResolvedField
from regulars.ingest._picks import first_value, product_picks
from regulars.ingest._read import RawRead, collect_rejects, drop_temp, number_rows
from regulars.ingest._suppress import Suppression, suppress_rows
from regulars.schema import CONTRACTS, PURCHASE, TableContract

__all__ = ["QUARANTINE", "Staged", "stage"]

QUARANTINE = "_quarantine"
_TEMP = ("_typed", "_typed0", "_flags", "_orders", "_order_flags", "_lines_final", "_side", "_products", QUARANTINE)
_TEMP_VIEWS = ("_checked", "_order_checked", *(f"_out_{t}" for t in CONTRACTS), *(f"_upd_{t}" for t in CONTRACTS))


@dataclass
class Staged:
    """What one load will write. ``outputs`` maps canonical table → temp relation of new rows."""

    table: str
    rows_read: int
    rows_accepted: int
    rows_quarantined: int
    rows_unchanged: int
    outputs: dict[str, str] = field(default_factory=dict)
    rows_anonymous: int = 0
    rows_updated: int = 0
    #: rows naming an erased person: dropped (an order kept without them, counted as anonymous too)
    rows_suppressed: int = 0
    upsert: bool = False
    #: the file's header, and the order of day and month each date column's values showed
    header: list[str] = field(default_factory=list)
    date_orders: dict[str, str] = field(default_factory=dict)
    #: table -> (relation of new versions of stored rows, the columns the file gives), for upserts
    updates: dict[str, tuple[str, list[str]]] = field(default_factory=dict)


def _col(target: str) -> str:
    """Column name in staged tables: ``customer.email`` → ``customer__email``."""
    return target.replace(".", "__")


# -- order rules, shared by row-shaped and line-shaped order files ---------------------------


def order_status(status: str | None) -> str:
    """Orders without a status are completed orders."""
    return f"coalesce({status}, '{PURCHASE}')" if status else f"'{PURCHASE}'"


def order_amount(amount: str, status: str) -> str:
    """A refund is stored with a negative amount, whatever sign the export used."""
    return f"(CASE WHEN {status} = 'refunded' THEN -abs({amount}) ELSE {amount} END)"


def order_problems(amount: str, status: str) -> list[tuple[str, str, str]]:
    return [(
        f"{amount} < 0 AND {status} = '{PURCHASE}'",
        f"'amount: ' || {amount} || ' is negative on a completed order (mark refunds with status refunded)'",
        "negative_amount:amount",
    )]


# -- typing ------------------------------------------------------------------------------------


def _detect_dayfirst(con: duckdb.DuckDBPyConnection, fields: list[ResolvedField], default: bool,
                     sample: str, evidence: dict[str, str] | None = None) -> dict[str, bool]:
    """Per date column: day-first when some first parts exceed 12 and no second parts do.
    Where the values decide it, ``evidence`` gets the source column's order (day-first or
    month-first), so a later file of the same export that switched can be reported.

    A lazily read CSV is judged on its first 200,000 rows.
    """
    out = {}
    for f in fields:
        if f.column.kind != "timestamp" or f.spec.formats or f.source is None:
            continue
        col = quote(f.source)
        pattern = r"'^\s*(\d{1,2})[/-](\d{1,2})[/-]\d{2,4}'"
        first_big, second_big = con.execute(
            f"""SELECT count(*) FILTER (WHERE TRY_CAST(regexp_extract({col}, {pattern}, 1) AS INT) > 12),
                       count(*) FILTER (WHERE TRY_CAST(regexp_extract({col}, {pattern}, 2) AS INT) > 12)
                FROM {sample} WHERE substr({col}, 2, 1) IN ('/', '-') OR substr({col}, 3, 1) IN ('/', '-')"""
        ).fetchone()
        out[f.spec.target] = True if first_big and not second_big else (
            False if second_big and not first_big else default
        )
        if evidence is not None and bool(first_big) != bool(second_big):
            evidence[f.source] = "day-first" if first_big else "month-first"
    return out


def _typed_sql(
    fields: list[ResolvedField], unused: list[str], required: set[str], row_prefix: str,
    dayfirst: dict[str, bool], default_dayfirst: bool, decimal: str, order_rows: bool,
    raw_columns: list[str], numbered: bool, orders: bool = False,
) -> str:
    """One pass over ``_raw``: text → typed values, every row-level problem in words, and the
    original values of rows with problems (``_original``)."""
    texts, values, problems = [], [], []
    final = {
        _col(f.spec.target): (f"CASE WHEN isfinite({quote('v:' + _col(f.spec.target))}) "
                              f"THEN {quote('v:' + _col(f.spec.target))} END")
        if f.column.kind in ("number", "integer") else quote("v:" + _col(f.spec.target))
        for f in fields
    }
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
        if f.spec.minus and f.column.kind == "number":  # net of another column (the refunded part)
            less = number_sql(f"NULLIF(trim(CAST({quote('r:' + f.spec.minus)} AS VARCHAR)), '')", decimal)
            value = f"({value} - coalesce({less}, 0))"
        values.append(f"{value} AS {v}")
        problems += problem_sql(f.spec.target, f.column, s, v, f.spec.target in required)
    if orders:  # a file without a customer column is all anonymous sales
        final.setdefault("customer_id", "CAST(NULL AS VARCHAR)")
    if order_rows:
        st = order_status(final.get("status"))
        final["status"] = st
        if "amount" in final:
            problems += order_problems(final["amount"], st)
            final["amount"] = order_amount(final["amount"], st)
    attrs = ("json_object(" + ", ".join(f"{lit(c)}, {quote(c)}" for c in unused) + ")") if unused else "CAST(NULL AS JSON)"
    reason, code = problems_sql(problems)
    carried = "".join(f", {quote(c)} AS {quote('r:' + c)}" for c in raw_columns)
    original = "json_object(" + ", ".join(f"{lit(c)}, {quote('r:' + c)}" for c in raw_columns) + ")"
    row = "_row, " if numbered else ""
    columns = "".join(f"{expr} AS {quote(name)}, " for name, expr in final.items())
    return f"""
        WITH t AS (SELECT {row}{attrs} AS attributes {carried} {''.join(', ' + x for x in texts)} FROM _raw),
             v AS (SELECT * {''.join(', ' + x for x in values)} FROM t),
             f AS (SELECT {row}attributes, {columns} {reason} AS _reason, {code} AS _codes {''.join(', ' + quote('r:' + c) for c in raw_columns)} FROM v)
        SELECT {row}attributes, {''.join(quote(n) + ', ' for n in final)} _reason, _codes,
               CASE WHEN _reason <> '' THEN CAST({original} AS VARCHAR) END AS _original
        FROM f"""


def _build_typed(con: duckdb.DuckDBPyConnection, sql: str, raw: RawRead) -> None:
    """Materialise the typed rows as ``_typed`` (numbered from file order for a lazy CSV)."""
    if raw.numbered:
        con.execute(f"CREATE TEMP TABLE _typed AS {sql}")
        return
    con.execute(f"CREATE TEMP TABLE _typed0 AS {sql}")
    collect_rejects(con)
    number_rows(con, "_typed", "_typed0")


# -- outputs -----------------------------------------------------------------------------------


def _columns_of(table: TableContract, fields: list[ResolvedField], prefix: str = "") -> list[str]:
    names = {_col(f.spec.target) for f in fields}
    return [c.name for c in table.columns if _col(prefix + c.name) in names]


def _out_view(con: duckdb.DuckDBPyConnection, name: str, contract: TableContract, exprs: dict[str, str],
              source: str, where: str, attributes: str = "attributes") -> None:
    """A view shaped exactly like the canonical table: ``exprs`` maps column → SQL over ``source``."""
    cols = [f"{exprs[c.name]} AS {quote(c.name)}" if c.name in exprs
            else f"CAST(NULL AS {c.sql_type}) AS {quote(c.name)}" for c in contract.columns]
    con.execute(f"CREATE TEMP VIEW {name} AS SELECT {', '.join(cols)}, {attributes} AS attributes "
                f"FROM {source} WHERE {where}")


def _side_customers(con: duckdb.DuckDBPyConnection, fields: list[ResolvedField], source: str) -> bool:
    """Profile fields (``customer.*``) found in a facts file, one row per customer."""
    side = _columns_of(CONTRACTS["customers"], fields, "customer.")
    if not side:
        return False
    picks = ", ".join(first_value(_col("customer." + c), c) for c in side)
    con.execute(f"CREATE TEMP TABLE _side AS SELECT customer_id, {picks} FROM {source} "
                f"WHERE _reason = '' AND customer_id IS NOT NULL GROUP BY customer_id")
    exprs = {c: quote(c) for c in ["customer_id", *side]}
    _out_view(con, "_out_customers", CONTRACTS["customers"], exprs, "_side", "true", "CAST(NULL AS JSON)")
    return True


def _drop(con: duckdb.DuckDBPyConnection) -> None:
    drop_temp(con, _TEMP + _TEMP_VIEWS)


def _finish(con: duckdb.DuckDBPyConnection, raw: RawRead, table: str, checked: str,
            outputs: dict[str, str], updates: dict[str, tuple[str, list[str]]], upsert: bool) -> Staged:
    anonymous = "customer_id IS NULL" if table == "orders" else "false"
    bad, parsed, unchanged, flagged, nobody, updated = con.execute(
        f"SELECT count(*) FILTER (WHERE _reason <> ''), count(*), "
        f"count(*) FILTER (WHERE _unchanged AND _reason = ''), "
        f"count(*) FILTER (WHERE _reason <> '' AND _original IS NULL), "
        f"count(*) FILTER (WHERE _reason = '' AND {anonymous}), "
        f"count(*) FILTER (WHERE _reason = '' AND _update) FROM {checked}"
    ).fetchone()
    con.execute(f"CREATE TEMP TABLE {QUARANTINE} (_row BIGINT, reason VARCHAR, codes VARCHAR, original VARCHAR)")
    con.execute(f"INSERT INTO {QUARANTINE} SELECT _row, _reason, _codes, _original FROM {checked} "
                "WHERE _reason <> '' AND _original IS NOT NULL")
    if flagged:  # rows valid on their own but clashing on their key: fetch their original values
        source = "_raw"
        if not raw.numbered:
            with raw.reading():
                con.execute(f"CREATE TEMP TABLE _reread0 AS SELECT * FROM {raw.scan}")
            number_rows(con, "_reread", "_reread0")
            source = "_reread"
        original = "json_object(" + ", ".join(f"{lit(c)}, r.{quote(c)}" for c in raw.columns) + ")"
        con.execute(
            f"""INSERT INTO {QUARANTINE}
                SELECT c._row, c._reason, c._codes, CAST({original} AS VARCHAR)
                FROM (SELECT _row, _reason, _codes FROM {checked} WHERE _reason <> '' AND _original IS NULL) c
                JOIN {source} r ON r._row = c._row"""
        )
    rejected = con.execute(
        f"INSERT INTO {QUARANTINE} SELECT _row, reason, 'malformed_row', "
        "CAST(json_object('line', original) AS VARCHAR) FROM _rejects"
    ).fetchone()[0]
    return Staged(
        table=table, rows_read=parsed + rejected, rows_accepted=parsed - bad - nobody,
        rows_quarantined=bad + rejected, rows_unchanged=unchanged, outputs=outputs, rows_anonymous=nobody,
        rows_updated=updated, updates=updates if updated else {}, upsert=upsert,
    )


# -- the two shapes ------------------------------------------------------------------------------


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
    raw: RawRead,
    upsert: bool = False,
    suppression: Suppression | None = None,
) -> Staged:
    """Validate ``_raw`` and stage outputs; ``existing`` maps table → relation of stored rows.
    With ``upsert``, a row whose key is stored with other values is a new version of it. Rows
    naming a person ``suppression`` holds (an erased one) are dropped first."""
    _drop(con)
    first = mapping.dayfirst if mapping.dayfirst is not None else dayfirst
    sample = "_raw" if raw.numbered else f"(SELECT * FROM {raw.scan} LIMIT 200000)"
    evidence: dict[str, str] = {}
    with raw.reading():
        per_column = {} if mapping.dayfirst is not None else _detect_dayfirst(con, fields, dayfirst, sample,
                                                                              evidence)
    decimal = mapping.decimal or decimal

    def typed(required: set[str], order_rows: bool) -> int:
        sql = _typed_sql(fields, unused, required, content_hash[:12], per_column, first,
                         decimal, order_rows, raw.columns, raw.numbered, orders=mapping.table == "orders")
        with raw.reading():
            _build_typed(con, sql, raw)
        return suppress_rows(con, "_typed", mapping.table, suppression)

    if mapping.shape == "order_lines":
        dropped = typed({"order_id", "item.product_id"}, order_rows=False)
        staged = _stage_order_lines(con, raw, fields, existing, upsert)
        return replace(staged, header=list(raw.columns), date_orders=evidence, rows_suppressed=dropped)

    table = mapping.table
    contract = CONTRACTS[table]
    dropped = typed(set(contract.required), order_rows=table == "orders")
    mapped = _columns_of(contract, fields) + (["status"] if table == "orders" else [])
    mapped = list(dict.fromkeys(mapped))
    if contract.key:
        key_checks(con, "_typed", "_flags", "_checked", contract, mapped, existing.get(table), upsert)
    else:
        con.execute("CREATE TEMP VIEW _checked AS SELECT *, false AS _unchanged, false AS _update FROM _typed")
    outputs = {table: f"_out_{table}"}
    exprs = {c: quote(c) for c in mapped}
    _out_view(con, f"_out_{table}", contract, exprs, "_checked", "_reason = '' AND NOT _unchanged AND NOT _update")
    _out_view(con, f"_upd_{table}", contract, exprs, "_checked", "_reason = '' AND _update")
    if table != "customers" and _side_customers(con, fields, "_checked"):
        outputs["customers"] = "_out_customers"
    staged = _finish(con, raw, table, "_checked", outputs, {table: (f"_upd_{table}", mapped)}, upsert)
    if table != "orders":  # dropped rows were read too; orders kept without the person are anonymous sales
        staged = replace(staged, rows_read=staged.rows_read + dropped)
    return replace(staged, header=list(raw.columns), date_orders=evidence, rows_suppressed=dropped)


def _stage_order_lines(
    con: duckdb.DuckDBPyConnection, raw: RawRead, fields: list[ResolvedField],
    existing: dict[str, str | None], upsert: bool = False,
) -> Staged:
    """Order lines: validate each line, build orders from them, and reject whole orders.

    An order is stored only if all its lines are valid, so no order has a wrong total.
    """
    orders = CONTRACTS["orders"]
    names = {_col(f.spec.target) for f in fields}
    mapped = _columns_of(orders, fields)
    line_total = ("sum(item__quantity * item__unit_price)"
                  if {"item__quantity", "item__unit_price"} <= names else "NULL")
    amount = (f"coalesce(arg_min(amount, _row) FILTER (WHERE amount IS NOT NULL), {line_total})"
              if "amount" in names else line_total)
    firsts = [first_value(c, c) for c in mapped if c not in ("order_id", "ordered_at", "amount", "customer_id")]
    customer = "arg_min(customer_id, _row) FILTER (WHERE customer_id IS NOT NULL)"
    own = [
        ("count(DISTINCT customer_id) > 1",
         "'order has lines for ' || count(DISTINCT customer_id) || ' different customers'",
         "conflicting_customer:customer_id"),
        ("min(ordered_at) IS NULL", "'ordered_at: missing'", "missing:ordered_at"),
        (f"{amount} IS NULL", "'amount: missing (no order total and no line prices)'", "missing:amount"),
    ]
    bad_lines = "count(*) FILTER (WHERE _reason <> '')"
    every = own + [(f"{bad_lines} > 0", f"'order has ' || {bad_lines} || ' invalid lines'", "invalid_lines")]

    def joined(items: list[tuple[str, str, str]], reason: bool) -> str:
        parts = [f"CASE WHEN {w} THEN {t if reason else lit(c)} END" for w, t, c in items]
        return f"concat_ws('; ', {', '.join(parts)})"

    con.execute(
        f"""CREATE TEMP TABLE _orders AS
            SELECT order_id, min(_row) AS _row, {customer} AS customer_id,
                   min(ordered_at) AS ordered_at, round(CAST({amount} AS DOUBLE), 4) AS amount
                   {''.join(', ' + f for f in firsts)},
                   {joined(every, True)} AS _reason, {joined(every, False)} AS _codes,
                   {joined(own, True)} AS _own_reason, {joined(own, False)} AS _own_codes
            FROM _typed WHERE order_id IS NOT NULL GROUP BY order_id"""
    )
    has_status = "status" in mapped
    status = order_status("status" if has_status else None)
    reason, code = problems_sql(order_problems("amount", status))
    replaced = [
        f"{order_amount('amount', status)} AS amount",
        *(f"concat_ws('; ', NULLIF({c}, ''), NULLIF({r}, '')) AS {c}" for c, r in
          (("_reason", reason), ("_codes", code), ("_own_reason", reason), ("_own_codes", code))),
    ] + ([f"{status} AS status"] if has_status else [])
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _orders AS SELECT * REPLACE ({', '.join(replaced)})"
        f"{'' if has_status else f', {status} AS status'} FROM _orders"
    )
    mapped = list(dict.fromkeys(["order_id", "customer_id", "ordered_at", "amount", *mapped, "status"]))
    key_checks(con, "_orders", "_order_flags", "_order_checked", orders, mapped, existing.get("orders"), upsert)
    # A line is quarantined for its own problems and its order's (a bad line spoils its order).
    con.execute(
        """CREATE TEMP TABLE _lines_final AS
           SELECT l.* EXCLUDE (_reason, _codes, customer_id), o.customer_id,
                  CASE WHEN l._reason = '' THEN coalesce(o._reason, '')
                       ELSE concat_ws('; ', l._reason, NULLIF(o._own_reason, '')) END AS _reason,
                  CASE WHEN l._reason = '' THEN coalesce(o._codes, '')
                       ELSE concat_ws('; ', l._codes, NULLIF(o._own_codes, '')) END AS _codes,
                  coalesce(o._unchanged, false) AS _unchanged, coalesce(o._update, false) AS _update
           FROM _typed l LEFT JOIN _order_checked o USING (order_id)"""
    )
    ok = "_reason = '' AND NOT _unchanged"  # an updated order's lines replace its stored lines
    order_exprs = {c: quote(c) for c in mapped}
    _out_view(con, "_out_orders", orders, order_exprs, "_order_checked", ok + " AND NOT _update", "CAST(NULL AS JSON)")
    _out_view(con, "_upd_orders", orders, order_exprs, "_order_checked", "_reason = '' AND _update",
              "CAST(NULL AS JSON)")
    item_exprs = {c: quote(_col("item." + c)) for c in _columns_of(CONTRACTS["order_items"], fields, "item.")}
    item_exprs["order_id"] = "order_id"
    _out_view(con, "_out_order_items", CONTRACTS["order_items"], item_exprs, "_lines_final", ok)
    product_cols = [c for c in _columns_of(CONTRACTS["products"], fields, "product.") if c != "product_id"]
    # a product's words are its most frequent ones (a one-off line's "mailout" does not name it)
    picks, counts = product_picks(product_cols, _col)
    con.execute(f"CREATE TEMP TABLE _products AS SELECT item__product_id AS product_id {picks} "
                f"FROM (SELECT * {counts} FROM _lines_final WHERE _reason = '') GROUP BY item__product_id")
    _out_view(con, "_out_products", CONTRACTS["products"],
              {c: quote(c) for c in ["product_id", *product_cols]}, "_products", "true", "CAST(NULL AS JSON)")
    outputs = {"orders": "_out_orders", "order_items": "_out_order_items", "products": "_out_products"}
    if _side_customers(con, fields, "_lines_final"):
        outputs["customers"] = "_out_customers"
    return _finish(con, raw, "orders", "_lines_final", outputs, {"orders": ("_upd_orders", mapped)}, upsert)
