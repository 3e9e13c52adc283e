"""A file's first rows as read, unpacked the way a mapping would say: what a suggested mapping is
guessed from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from regulars._sql import quote

__all__ = ["sample_source"]


def sample_source(file: str | Path, rows: int) -> tuple[list[str], list[dict[str, Any]], dict[str, str]]:
    """The file's columns, its first ``rows`` rows (None for empty cells) and how it is packed
    (``packed_items`` / ``packed_groups`` -> its prefix or group name; {} when it is not)."""
    import duckdb

    from regulars.ingest._read import read_raw
    from regulars.ingest._source import inspect_source

    info = inspect_source(file)
    con = duckdb.connect()
    try:
        raw = read_raw(con, info, lazy=False)
        raw, packed = _unpacked(con, raw)
        sample = con.execute(f"SELECT {', '.join(quote(c) for c in raw.columns)} FROM _raw ORDER BY _row "
                             f"LIMIT {int(rows)}").fetch_df()
    finally:
        con.close()
    return list(raw.columns), sample.astype(object).where(sample.notna(), None).to_dict("records"), packed


def _unpacked(con: Any, raw: Any) -> tuple[Any, dict[str, str]]:
    """A file whose items or actions are packed into numbered cells or column groups, unpacked
    the way its mapping will say (``packed_items`` / ``packed_groups``)."""
    import re
    from collections import Counter

    from regulars.ingest._packed import unpack_groups, unpack_items

    cells = Counter(m.group(1) for c in raw.columns if (m := re.fullmatch(r"(.*?_)\d+", c)))
    if cells and cells.most_common(1)[0][1] >= 2 and "item" in cells.most_common(1)[0][0]:
        prefix = cells.most_common(1)[0][0]
        return unpack_items(con, raw, prefix), {"packed_items": prefix}
    groups = Counter(m.group(1) for c in raw.columns if (m := re.fullmatch(r".+ \((\w+) \d+\)", c)))
    if groups and groups.most_common(1)[0][1] >= 4:
        name = groups.most_common(1)[0][0]
        return unpack_groups(con, raw, name), {"packed_groups": name}
    return raw, {}
