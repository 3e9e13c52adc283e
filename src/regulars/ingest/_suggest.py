"""Suggesting a mapping for a file: for each canonical column, the source column that seems to
hold it, why (the same name, a common name, or values that look right), sample values and the
share of them that read as the column's kind, so the user edits a file rather than writing one.
The suggestion is written in the mapping file format and loads as it is."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from regulars.schema import Column, contract_for

__all__ = ["Guess", "mapping_text", "suggest_mapping"]

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_ORDER_NUMBER = re.compile(r"#\d+")
#: An order file with a row per item: the item columns guessed, from the order_items and
#: products tables' names.
ITEM_TARGETS = (("item.product_id", "order_items", "product_id"), ("item.quantity", "order_items", "quantity"),
                ("item.unit_price", "order_items", "unit_price"), ("product.name", "products", "name"))
#: How many sample values are shown per column.
SHOWN = 3


@dataclass(frozen=True)
class Guess:
    """One canonical column: the ``source`` column suggested (None: not found), ``how`` it was
    found, ``samples`` of its values and the share of non-blank values that read as the
    column's kind (``parsed``)."""

    target: str
    required: bool
    source: str | None
    how: str
    samples: list[str]
    parsed: float | None
    transform: str | None = None
    fallback: list[str] | None = None
    format: str | None = None

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def _share(column: Column, values: list[str], formats: tuple[str, ...] = ()) -> float | None:
    """The share of ``values`` the loader itself reads as the column's kind (its own SQL, on a
    scratch DuckDB connection): the evidence shown is what loading will do. Dates count as read
    in either order of day and month; choices must be a known word."""
    import duckdb

    from regulars.ingest._convert import value_sql
    from regulars.ingest._mapping import FieldSpec

    if not values:
        return None
    spec = FieldSpec(column.name, formats=formats)
    reads = " OR ".join(f"{value_sql(column, spec, 'x', first, 'auto')} IS NOT NULL" for first in (False, True))
    con = duckdb.connect()
    try:
        got = con.execute(f"SELECT count(*) FILTER (WHERE {reads}) FROM (SELECT unnest(?::VARCHAR[]) AS x)",
                          [values]).fetchone()[0]
    finally:
        con.close()
    return got / len(values)


#: Customer ids that stand for "no account" (WooCommerce's and others' guest orders).
GUEST_IDS = {"0", "-1", "guest", "Guest"}


def _epoch(values: list[str]) -> str | None:
    """``epoch_s``, ``epoch_ms`` or ``epoch_us`` when every value is a count since 1970 of that unit."""
    digits = {len(v) for v in values}
    if values and all(v.isdigit() for v in values) and len(digits) == 1:
        return {10: "epoch_s", 13: "epoch_ms", 16: "epoch_us"}.get(digits.pop())
    return None


def suggest_mapping(table: str, columns: list[str], rows: Sequence[dict[str, str | None]]) -> list[Guess]:
    """A guess for every canonical column of ``table`` from a file's ``columns`` and a sample of
    its ``rows``: by name (exact, then common names), and for required columns still missing,
    by values (emails for the customer, dates for the time, amounts)."""
    from regulars.ingest._mapping import name_candidates

    contract = contract_for(table)
    values = {c: [str(r[c]).strip() for r in rows if r.get(c) not in (None, "") and str(r[c]).strip()]
              for c in columns}
    filled = {c: len(v) / len(rows) if rows else 1.0 for c, v in values.items()}
    taken: set[str] = set()
    guesses = []
    for column in contract.columns:
        found = name_candidates(table, column.name, columns)
        # by name, the first candidate that mostly has values (else the first)
        source, how, transform = next((f for f in found if filled[f[0]] >= 0.5), found[0] if found else
                                      (None, "not found", None))
        if source is None and (column.required or column.name == "customer_id"):
            source, how, transform = _by_values(column, columns, values, taken)
        elif column.name == "customer_id" and GUEST_IDS & set(values[source]):
            # a shop's user id is 0 on guest orders: all guests would be one customer
            email = _by_values(column, columns, values, taken | {source})
            if email[0]:
                source, how, transform = email[0], f"{email[1]} ({source!r} is 0 on guest orders)", email[2]
        if source:
            taken.add(source)
        shown = values.get(source, []) if source else []
        share = _share(column, shown) if source else None
        epoch = _epoch(shown) if column.kind == "timestamp" and not share else None
        if epoch:
            share, how = _share(column, shown, (epoch,)), f"{how}; values are {epoch.replace('_', ' ')} since 1970"
        fallback = None
        if column.name == "customer_id" and transform == "email":  # other email columns fill its blanks
            fallback = _email_columns([c for c in columns if c not in taken], values)[:2] or None
        guesses.append(Guess(column.name, column.required, source, how, shown[:SHOWN], share, transform,
                             fallback, epoch))
    if table == "orders":
        guesses += _item_guesses(guesses, columns, rows, values, filled)
    return guesses


def _item_guesses(guesses: list[Guess], columns: list[str], rows: Sequence[dict[str, str | None]],
                  values: dict[str, list[str]], filled: dict[str, float]) -> list[Guess]:
    """For an order file with a row per item (order ids repeat, and item columns are there):
    the item columns, so the suggestion says shape = "order_lines". A product id that is often
    blank falls back to the item's name."""
    from regulars.ingest._mapping import name_candidates

    order = next(g for g in guesses if g.target == "order_id")
    ids = [str(r[order.source]) for r in rows if order.source and r.get(order.source)]
    if not ids or len(set(ids)) == len(ids):
        return []
    out = []
    taken = {g.source for g in guesses if g.source}
    for target, table, name in ITEM_TARGETS:
        found = [f for f in name_candidates(table, name, columns) if f[0] not in taken]
        if not found:
            if target == "item.product_id":
                return []  # repeated ids but no item columns: not an order-lines file
            continue
        source, how, _ = found[0]
        fallback = None
        if target == "item.product_id" and filled[source] < 1.0:
            fallback = [f for f, _, _ in found[1:] if filled[f] > filled[source]][:1] or None
        column = contract_for(table).column(name)
        shown = values.get(source, [])
        out.append(Guess(target, target == "item.product_id", source, how, shown[:SHOWN], _share(column, shown),
                         None, fallback))
    return out


def _by_values(column: Column, columns: list[str], values: dict[str, list[str]], taken: set[str]
               ) -> tuple[str | None, str, str | None]:
    """A required column found by what its values look like, among columns not used yet."""
    free = [c for c in columns if c not in taken and values.get(c)]
    if column.name == "customer_id" and (emails := _email_columns(free, values)):
        return emails[0], "values look like email addresses", "email"
    if column.name == "order_id":
        for c in free:
            if all(_ORDER_NUMBER.fullmatch(v) for v in values[c]):
                return c, "values look like order numbers (#1001)", None
    if column.kind in ("timestamp", "number"):
        best = max(free, key=lambda c: (_share(column, values[c]) or 0, c), default=None)
        if best is not None and (_share(column, values[best]) or 0) >= 0.8:
            return best, f"values read as {'dates' if column.kind == 'timestamp' else 'numbers'}", None
    return None, "not found", None


def _email_columns(columns: list[str], values: dict[str, list[str]]) -> list[str]:
    """The columns whose values are mostly email addresses, the most filled first."""
    found = [c for c in columns if values.get(c)
             and sum(bool(_EMAIL.fullmatch(v)) for v in values[c]) / len(values[c]) >= 0.8]
    return sorted(found, key=lambda c: -len(values[c]))


def mapping_text(table: str, guesses: list[Guess], file_name: str, settings: dict[str, str] | None = None) -> str:
    """The suggestion as a mapping file (TOML), with the evidence as comments; required
    columns not found, and optional ones whose values mostly do not read (words where numbers
    belong, say), are left as comments to fill in."""
    import json

    lines = [f"# Suggested by `regulars map` for {file_name}: check each guess, then load with",
             f"#   regulars ingest DIR {file_name} --mapping THIS_FILE",
             f'table = "{table}"']
    lines += [f"{key} = {json.dumps(value)}    # unpacked before the columns below" for key, value in
              (settings or {}).items()]
    if any(g.target.startswith("item.") for g in guesses):
        lines.append('shape = "order_lines"    # order ids repeat: a row per item')
    lines += ["", "[columns]"]
    for g in guesses:
        if g.source is None:
            if g.required:
                key = json.dumps(g.target) if "." in g.target else g.target
                lines.append(f'# {key} = "?"    # REQUIRED: name the column that holds it')
            continue
        doubtful = not g.required and g.parsed is not None and g.parsed < 0.5
        options = [f"transform = {json.dumps(g.transform)}"] if g.transform else []
        options += [f"format = {json.dumps(g.format)}"] if g.format else []
        options += [f"fallback = {json.dumps(g.fallback)}"] if g.fallback else []
        value = ("{ from = " + json.dumps(g.source) + ", " + ", ".join(options) + " }") if options else json.dumps(
            g.source)
        parsed = f"; {g.parsed:.0%} read as {g.target}" if g.parsed is not None else ""
        sample = ", ".join(g.samples).replace("\n", " ")
        key = json.dumps(g.target) if "." in g.target else g.target
        entry = f"{key} = {value}    # {g.how}{parsed}; e.g. {sample}"
        if g.required and g.parsed == 0:  # every row would be quarantined: say so where it is edited
            entry = (f"{key} = {value}    # FIX: no value in column {g.source!r} reads as {g.target} (e.g. {sample}); "
                     "give its format (format = \"%d %b %Y\"), or name another column")
        elif doubtful:  # left out, so it is not mapped by its name either; the user maps its values first
            entry = (f"{key} = {{ ignore = true }}    # {g.source!r}: {g.how}{parsed}; e.g. {sample}: to load it, "
                     f"map its values (values = {{ ... }} or format = ...)")
        lines.append(entry[:300])
    return "\n".join(lines) + "\n"
