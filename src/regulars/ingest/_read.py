"""Read a source file into a temporary all-text table ``_raw`` (plus ``_rejects``).

Every value is read as text so that nothing is lost before validation; ``_raw._row`` is
the source line (header = line 1) or record number, so quarantine can point at the row.
Rows the reader itself cannot split (ragged rows, unclosed quotes, overlong lines) go to
``_rejects`` with a reason instead of stopping the load.
"""

from __future__ import annotations

import gzip
import io
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:  # pandas loads only for the formats read through it (JSON, Excel, aligned text)
    import pandas as pd

from regulars.errors import SourceError
from regulars.ingest._source import SourceInfo, dedupe_names, read_header

__all__ = ["RawRead", "collect_rejects", "drop_temp", "number_rows", "read_raw", "release_raw"]

RAW, REJECTS = "_raw", "_rejects"


@dataclass(frozen=True)
class RawRead:
    """The columns read, and how: ``numbered`` sources have ``_raw._row``; a CSV read lazily
    (``_raw`` is a view over the file) is numbered after staging, from table row order."""

    columns: list[str]
    numbered: bool
    scan: str = ""  # the read_csv call of a lazy source, to read rows again
    path: str = ""

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Report a failure of the CSV reader during a lazy scan as an unusable file."""
        try:
            yield
        except duckdb.Error as exc:
            if self.numbered:
                raise
            raise SourceError(f"{self.path}: cannot be read ({str(exc).splitlines()[0]})") from None


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _reject_reason(error_type: str, message: str) -> str:
    found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message or "")
    if found and error_type in ("TOO MANY COLUMNS", "MISSING COLUMNS"):
        return f"row has {found.group(2)} fields; the header has {found.group(1)}"
    return {
        "UNQUOTED VALUE": "unclosed quote: a value opens with \" and never closes",
        "LINE SIZE OVER MAXIMUM": "row is longer than 2,000,000 bytes",
        "INVALID UNICODE": "row is not valid text in the file's encoding",
        "INVALID ENCODING": "row is not valid UTF-8, the encoding of the rest of the file (pasted from another "
                            "program?); correct it and load the file again",
    }.get(error_type, message or error_type)


def drop_temp(con: duckdb.DuckDBPyConnection, names: tuple[str, ...]) -> None:
    """Drop these temporary views and tables, whichever each one is."""
    listed = ", ".join(_lit(n) for n in names)
    for (view,) in con.execute(f"SELECT view_name FROM duckdb_views() WHERE temporary AND view_name IN ({listed})").fetchall():
        con.execute(f"DROP VIEW {view}")
    for (table,) in con.execute(f"SELECT table_name FROM duckdb_tables() WHERE temporary AND table_name IN ({listed})").fetchall():
        con.execute(f"DROP TABLE {table}")


def _reset(con: duckdb.DuckDBPyConnection) -> None:
    drop_temp(con, (RAW, "_raw0", REJECTS, "_rej_errors", "_rej_scans", "_reread0", "_reread", "_packed"))
    while _COPIES:  # a copy left by a read that failed
        _COPIES.pop().unlink(missing_ok=True)


def release_raw(con: duckdb.DuckDBPyConnection) -> None:
    """Free the raw text once staging is done (it can be the largest thing in memory)."""
    drop_temp(con, (RAW, "_raw0", "_reread", "_reread0", "_packed"))
    while _COPIES:
        _COPIES.pop().unlink(missing_ok=True)


def _empty_rejects(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"CREATE TEMP TABLE {REJECTS} (_row BIGINT, reason VARCHAR, original VARCHAR)"
    )


#: The encodings the engine's CSV reader takes, by the name ``inspect_source`` gives.
_ENGINE_ENCODINGS = {"utf-8": "utf-8", "latin-1": "latin-1", "utf-16": "utf-16"}


def _csv_scan(info: SourceInfo, delimiter: str, columns: list[str], rejects: bool) -> str:
    spec = "{" + ", ".join(f"{_lit(c)}: 'VARCHAR'" for c in columns) + "}"
    encoding = _ENGINE_ENCODINGS[info.encoding]
    errors = ("store_rejects=true, rejects_table='_rej_errors', rejects_scan='_rej_scans'"
              if rejects else "ignore_errors=true")
    return (
        f"read_csv({_lit(str(info.path))}, columns={spec}, header=true, auto_detect=false, "
        f"delim={_lit(delimiter)}, quote='\"', escape='\"', encoding={_lit(encoding)}, "
        f"compression={_lit('gzip' if info.compressed else 'none')}, {errors})"
    )


def collect_rejects(con: duckdb.DuckDBPyConnection) -> int:
    """Turn the CSV reader's errors into ``_rejects`` (one row per bad line); returns the count."""
    con.execute(f"DROP TABLE IF EXISTS {REJECTS}")
    con.execute(
        f"""CREATE TEMP TABLE {REJECTS} AS
            SELECT line AS _row, first(error_type) AS error_type, first(error_message) AS message,
                   first(csv_line) AS original, row_number() OVER (ORDER BY line) AS j,
                   CAST(NULL AS VARCHAR) AS reason
            FROM _rej_errors GROUP BY line"""
    )
    rejects = con.execute(f"SELECT _row, error_type, message FROM {REJECTS}").fetchall()
    for row, error_type, message in rejects:
        con.execute(f"UPDATE {REJECTS} SET reason = ? WHERE _row = ?", [_reject_reason(error_type, message), row])
    return len(rejects)


def number_rows(con: duckdb.DuckDBPyConnection, view: str, table: str) -> None:
    """``view`` = ``table`` + ``_k`` (record number) + ``_row`` (source line).

    A table made from a CSV scan keeps the file's row order; its rowids start at an offset
    and are contiguous. Parsed record k sits on line k + 1 (header) + the rejected lines
    before it.
    """
    base = con.execute(f"SELECT coalesce(min(rowid), 0) FROM {table}").fetchone()[0]
    k = f"(r.rowid - {base} + 1)"
    if con.execute(f"SELECT count(*) FROM {REJECTS}").fetchone()[0]:
        row = f"({k} + 1 + (SELECT count(*) FROM {REJECTS} x WHERE {k} >= x._row - x.j))"
    else:
        row = f"({k} + 1)"
    con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT {row} AS _row, {k} AS _k, r.* FROM {table} r")


#: UTF-8 copies of files in an encoding the engine does not read, removed when the read is released.
_COPIES: list[Path] = []


def _utf8_copy(info: SourceInfo) -> SourceInfo:
    """A Windows-1252 file as a UTF-8 copy for the engine to scan (it reads UTF-8, UTF-16 and
    Latin-1, not Windows-1252's curly quotes and dashes); the content hash stays the file's."""
    import tempfile

    with _open_text(info) as text, tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", newline="", suffix=".csv", prefix="regulars-", delete=False) as out:
        while chunk := text.read(1 << 20):
            out.write(chunk)
    _COPIES.append(Path(out.name))
    return replace(info, path=Path(out.name), compressed=False, encoding="utf-8")


def _read_csv(con: duckdb.DuckDBPyConnection, info: SourceInfo, delimiter: str, lazy: bool) -> RawRead:
    if info.encoding not in _ENGINE_ENCODINGS:
        info = _utf8_copy(info)
    columns = read_header(info, delimiter)
    scan = _csv_scan(info, delimiter, columns, rejects=True)
    if lazy:
        con.execute(f"CREATE TEMP VIEW {RAW} AS SELECT * FROM {scan}")
        return RawRead(columns, numbered=False, scan=_csv_scan(info, delimiter, columns, rejects=False),
                       path=str(info.path))
    con.execute(f"CREATE TEMP TABLE _raw0 AS SELECT * FROM {scan}")
    collect_rejects(con)
    number_rows(con, RAW, "_raw0")
    return RawRead(columns, numbered=True)


def _open_text(info: SourceInfo) -> io.TextIOWrapper:
    raw = gzip.open(info.path, "rb") if info.compressed else open(info.path, "rb")  # noqa: SIM115
    return io.TextIOWrapper(raw, encoding=info.encoding, errors="replace", newline="")


def _register(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, rejects: list[tuple]) -> None:
    con.register("_frame", frame)
    con.execute(f"CREATE TEMP TABLE {RAW} AS SELECT * FROM _frame")
    con.unregister("_frame")
    _empty_rejects(con)
    if rejects:
        con.executemany(f"INSERT INTO {REJECTS} VALUES (?, ?, ?)", rejects)


def _text_frame(records: list[dict], rows: list[int]) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame.from_records(records) if records else pd.DataFrame()
    frame.columns = dedupe_names([str(c) for c in frame.columns])
    frame = frame.astype(object).where(frame.notna(), None)
    for col in frame.columns:
        frame[col] = frame[col].map(_as_text).astype("string")
    frame.insert(0, "_row", pd.Series(rows, dtype="int64"))
    return frame


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() else None


def _read_whitespace(con: duckdb.DuckDBPyConnection, info: SourceInfo) -> RawRead:
    records, rows, rejects = [], [], []
    with _open_text(info) as text:
        columns = dedupe_names(text.readline().lstrip("\ufeff").split())
        for line_no, line in enumerate(text, start=2):
            if not line.strip():
                continue
            tokens = line.split()
            if len(tokens) != len(columns):
                reason = f"row has {len(tokens)} fields; the header has {len(columns)}"
                rejects.append((line_no, reason, line.rstrip("\r\n")[:10_000]))
                continue
            records.append(dict(zip(columns, tokens, strict=False)))
            rows.append(line_no)
    frame = _text_frame(records, rows) if records else _empty_frame(columns)
    _register(con, frame, rejects)
    return RawRead(columns, numbered=True)


def _empty_frame(columns: list[str]) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame({c: pd.Series([], dtype="string") for c in columns})
    frame.insert(0, "_row", pd.Series([], dtype="int64"))
    return frame


def _read_json(con: duckdb.DuckDBPyConnection, info: SourceInfo) -> RawRead:
    records, rows, rejects = [], [], []
    with _open_text(info) as text:
        if info.format == "json" and text.read(1).lstrip() == "[":
            text.seek(0)
            try:
                items = json.load(text)
            except json.JSONDecodeError as exc:
                raise SourceError(f"{info.path}: not valid JSON ({exc})") from None
            numbered = list(enumerate(items, start=1))
        else:
            text.seek(0)
            numbered = []
            for line_no, line in enumerate(text, start=1):
                if not line.strip():
                    continue
                try:
                    numbered.append((line_no, json.loads(line)))
                except json.JSONDecodeError as exc:
                    rejects.append((line_no, f"not valid JSON ({exc.msg})", line[:10_000]))
    for row, item in numbered:
        if isinstance(item, dict):
            records.append(item)
            rows.append(row)
        else:
            rejects.append((row, "not a JSON object", json.dumps(item)[:10_000]))
    frame = _text_frame(records, rows)
    _register(con, frame, rejects)
    return RawRead(list(frame.columns[1:]), numbered=True)


def _read_excel(con: duckdb.DuckDBPyConnection, info: SourceInfo) -> RawRead:
    try:
        import pandas as pd

        frame = pd.read_excel(info.path, dtype=object, sheet_name=0)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise SourceError(f"{info.path}: cannot be read as an Excel workbook ({exc})") from None
    frame = frame.dropna(how="all")
    records = frame.to_dict("records")
    rows = [int(i) + 2 for i in frame.index]
    text = _text_frame(records, rows) if records else _empty_frame(dedupe_names(list(map(str, frame.columns))))
    _register(con, text, [])
    return RawRead(list(text.columns[1:]), numbered=True)


def _read_parquet(con: duckdb.DuckDBPyConnection, info: SourceInfo) -> RawRead:
    path = _lit(str(info.path))
    try:
        names = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet({path})").fetchall()]
    except duckdb.Error as exc:
        raise SourceError(f"{info.path}: cannot be read as Parquet ({exc})") from None
    columns = dedupe_names(names)
    casts = ", ".join(
        f"NULLIF(CAST({_q(src)} AS VARCHAR), '') AS {_q(dst)}" for src, dst in zip(names, columns, strict=False)
    )
    con.execute(
        f"CREATE TEMP TABLE {RAW} AS SELECT file_row_number + 1 AS _row, {casts} "
        f"FROM read_parquet({path}, file_row_number=true)"
    )
    _empty_rejects(con)
    return RawRead(columns, numbered=True)


def read_raw(
    con: duckdb.DuckDBPyConnection, info: SourceInfo, delimiter: str | None = None, *, lazy: bool = True
) -> RawRead:
    """Set up ``_raw``/``_rejects`` on ``con``; ``delimiter`` overrides the sniffed one.

    A CSV file is read lazily when ``lazy`` (the typed table is built straight from the
    file); otherwise every source is read into a numbered table first.
    """
    _reset(con)
    delimiter = delimiter or info.delimiter
    try:
        if info.format == "csv" and delimiter == "whitespace":
            return _read_whitespace(con, info)
        if info.format == "csv":
            return _read_csv(con, info, delimiter, lazy)
        if info.format in ("jsonl", "json"):
            return _read_json(con, info)
        if info.format == "excel":
            return _read_excel(con, info)
        return _read_parquet(con, info)
    except duckdb.Error as exc:
        raise SourceError(f"{info.path}: cannot be read ({str(exc).splitlines()[0]})") from None
