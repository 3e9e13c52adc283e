"""Ingest: read exports, map them onto the canonical tables, validate, and stage the load.

Pure of the store: functions here read files and build temporary tables on a DuckDB
connection they are given; the store decides what is written.
"""

from regulars.ingest._identity import (
    email_norm_sql,
    normalise_phones,
    resolve_identities,
)
from regulars.ingest._mapping import (
    FieldSpec,
    Mapping,
    auto_mapping,
    load_mapping,
    parse_mapping,
)
from regulars.ingest._presets import PRESETS, preset
from regulars.ingest._read import RawRead, read_raw, release_raw
from regulars.ingest._source import SourceInfo, inspect_source
from regulars.ingest._stage import QUARANTINE, Staged, stage

__all__ = [
    "FieldSpec",
    "Mapping",
    "PRESETS",
    "QUARANTINE",
    "RawRead",
    "SourceInfo",
    "Staged",
    "auto_mapping",
    "email_norm_sql",
    "inspect_source",
    "load_mapping",
    "normalise_phones",
    "parse_mapping",
    "preset",
    "read_raw",
    "release_raw",
    "resolve_identities",
    "stage",
]
