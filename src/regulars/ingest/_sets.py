"""A multi-file export's mapping: each file's table and mapping (``[files."NAME"]`` sections),
the files it only joins into others (``skip = true``), and the columns each joins."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from regulars.errors import SettingsError
from regulars.ingest._join import Join, parse_joins
from regulars.ingest._mapping import Mapping, parse_mapping, read_mapping_file
from regulars.schema import contract_for

__all__ = ["SetFile", "load_source_mapping"]


class SetFile(NamedTuple):
    """One file of a multi-file export: the table it loads (None: only joined by others), its
    mapping (None: its columns map themselves) and the columns it joins from other files."""

    table: str | None
    mapping: Mapping | None
    joins: tuple[Join, ...] = ()


def load_source_mapping(path: str | Path) -> dict[str, SetFile]:
    """A multi-file source's mapping: ``[files."name.csv"]`` tables, each a mapping (or just
    ``table = "orders"`` for a file whose columns map themselves; ``skip = true`` for a file
    that is not loaded, though others may join it). Returns file name -> ``SetFile``::

        [files."customers.csv"]
        table = "customers"
        [files."orders.csv"]
        table = "orders"
        columns = { order_id = "Order", customer_id = "Client", ordered_at = "Date", amount = "Total" }
        [files."sellers.csv"]
        skip = true
    """
    path = Path(path)
    raw = read_mapping_file(path)
    files = raw.get("files") if isinstance(raw, dict) else None
    if not isinstance(files, dict) or not files:
        raise SettingsError(f"{path}: a folder or zip needs [files.\"NAME\"] sections naming each file's table")
    extra = sorted(set(raw) - {"files", "description"})
    if extra:
        raise SettingsError(f"{path}: unknown key {extra[0]!r}; a multi-file mapping has [files] sections")
    out: dict[str, SetFile] = {}
    for name, spec in files.items():
        where = f"{path}: files.{name}"
        if isinstance(spec, dict) and spec.get("skip") is True and set(spec) == {"skip"}:
            out[name] = SetFile(None, None)
            continue
        if not isinstance(spec, dict) or "table" not in spec:
            raise SettingsError(f"{where}: say which table the file loads (table = \"orders\"), or skip = true")
        contract_for(spec["table"])
        rest = {k: v for k, v in spec.items() if k != "join"}
        out[name] = SetFile(spec["table"], parse_mapping(rest, where) if "columns" in rest else None,
                            parse_joins(spec.get("join"), where))
    return out


