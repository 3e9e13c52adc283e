"""Columns looked up in the other files of a multi-file export, before a file is loaded.

A marketplace's export spreads one order over several files: Olist's orders file has neither
the order's total (the payments file has it, one row per payment) nor the person (the
customers file maps each order's customer record to a unique customer). A file's section in
the set's mapping may join others by a shared column::

    [files."olist_orders_dataset.csv"]
    table = "orders"
    join = [{ file = "olist_order_payments_dataset.csv", on = "order_id", sum = "payment_value" }]

``take`` copies columns (the first matching row's), ``sum`` adds up a number column over the
matching rows. The joined file keeps the base file's rows in their order, one row each, so
row numbers, counts and quarantine reasons still refer to the file the user has.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from regulars.errors import SettingsError, SourceError

__all__ = ["Join", "join_files", "parse_joins"]


@dataclass(frozen=True)
class Join:
    """Columns from ``file``'s rows whose ``on`` column equals this file's."""

    file: str
    on: str
    take: tuple[str, ...] = ()
    sum: tuple[str, ...] = ()


def _names(value: Any, where: str, key: str) -> tuple[str, ...]:
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
        raise SettingsError(f"{where}: {key} must name a column or a list of columns")
    return tuple(names)


def parse_joins(raw: Any, where: str) -> tuple[Join, ...]:
    """The ``join`` list of a file's section, checked."""
    if raw is None:
        return ()
    specs = [raw] if isinstance(raw, dict) else raw
    if not isinstance(specs, list):
        raise SettingsError(f"{where}: join must be a list of {{ file = ..., on = ..., take = [...] }}")
    joins = []
    for spec in specs:
        if not isinstance(spec, dict):
            raise SettingsError(f"{where}: each join is {{ file = ..., on = ..., take = [...] or sum = [...] }}")
        unknown = sorted(set(spec) - {"file", "on", "take", "sum"})
        if unknown:
            raise SettingsError(f"{where}: join has an unknown key {unknown[0]!r}; keys are file, on, take, sum")
        if not isinstance(spec.get("file"), str) or not isinstance(spec.get("on"), str):
            raise SettingsError(f"{where}: a join names its file and the column it matches on (file, on)")
        take = _names(spec.get("take", []), where, "take")
        total = _names(spec.get("sum", []), where, "sum")
        if not take and not total:
            raise SettingsError(f"{where}: a join with {spec['file']!r} takes or sums at least one column")
        joins.append(Join(spec["file"], spec["on"], take, total))
    return tuple(joins)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _read(con: Any, path: Path, view: str) -> list[str]:
    """``path`` read as the loader reads it (its delimiter, encoding and format) into a table
    of text named ``view``, rows in file order; its columns. A row that does not read stops the
    join: dropped, it would change another file's rows unseen."""
    from regulars.ingest._read import RAW, REJECTS, read_raw
    from regulars.ingest._source import inspect_source

    raw = read_raw(con, inspect_source(path), lazy=False)
    bad = con.execute(f"SELECT _row, reason FROM {REJECTS} ORDER BY _row LIMIT 1").fetchone()
    if bad:
        raise SourceError(f"{path.name}: row {bad[0]} cannot be read ({bad[1]}); a file joined into another "
                          "must read whole")
    con.execute(f"CREATE TEMP TABLE {view} AS SELECT * EXCLUDE (_row, _k) FROM {RAW} ORDER BY _k")
    return raw.columns


def join_files(base: Path, joins: tuple[Join, ...], files: dict[str, Path], target: Path) -> Path:
    """``base`` with each join's columns added, written as CSV to ``target``."""
    import duckdb

    con = duckdb.connect()
    try:
        columns = _read(con, base, "j0")
        for i, join in enumerate(joins, 1):
            if join.file not in files:
                raise SourceError(f"{base.name}: joins {join.file!r}, which the export does not have")
            theirs = _read(con, files[join.file], f"o{i}")
            for name, have in ((base.name, columns), (join.file, theirs)):
                if join.on not in have:
                    raise SettingsError(f"{base.name}: joins {join.file!r} on {join.on!r}, which {name} has not")
            for column in join.take + join.sum:
                if column not in theirs:
                    raise SettingsError(f"{base.name}: joins column {column!r}, which {join.file} has not")
                if column in columns:
                    raise SettingsError(f"{base.name}: already has a column {column!r}; it cannot be joined "
                                        f"from {join.file}")
            on = _q(join.on)
            # a sum is left as the first value that is not a number, so the row is quarantined for it
            parts = [f"arg_min({_q(c)}, rowid) AS {_q(c)}" for c in join.take] + [
                f"CASE WHEN bool_or(TRY_CAST({_q(c)} AS DOUBLE) IS NULL AND {_q(c)} IS NOT NULL) "
                f"THEN arg_min({_q(c)}, CASE WHEN TRY_CAST({_q(c)} AS DOUBLE) IS NULL THEN rowid END) "
                f"ELSE CAST(sum(TRY_CAST({_q(c)} AS DOUBLE)) AS VARCHAR) END AS {_q(c)}" for c in join.sum]
            added = ", ".join(f"o.{_q(c)}" for c in join.take + join.sum)
            con.execute(f"""CREATE TEMP TABLE j{i} AS SELECT b.*, {added} FROM j{i - 1} b
                            LEFT JOIN (SELECT {on}, {', '.join(parts)} FROM o{i} GROUP BY {on}) o
                            ON b.{on} = o.{on} ORDER BY b.rowid""")
            columns += list(join.take + join.sum)
        target.parent.mkdir(parents=True, exist_ok=True)
        con.execute(f"COPY (SELECT * FROM j{len(joins)} ORDER BY rowid) TO {_lit(str(target))} (HEADER, DELIMITER ',')")
    finally:
        con.close()
    return target
