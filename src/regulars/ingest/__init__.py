"""Ingest: read exports, map them onto the canonical tables, validate, and stage the load.

Pure of the store: functions here read files and build temporary tables on a DuckDB
connection they are given; the store decides what is written. Names load on first use
(the identity and reading modules bring pandas, SciPy and phone-number data), so commands
that only need the presets' names start at once.
"""

from __future__ import annotations

from regulars._lazy import lazy_names

__all__ = [
    "FieldSpec",
    "Guess",
    "Join",
    "Mapping",
    "PRESETS",
    "QUARANTINE",
    "RawRead",
    "SEGMENT_EVENTS",
    "SetFile",
    "SourceInfo",
    "Staged",
    "Suppression",
    "as_text",
    "auto_mapping",
    "email_norm_sql",
    "erasure_hash_sql",
    "fitting_presets",
    "header_changes",
    "inspect_source",
    "join_files",
    "load_mapping",
    "load_source_mapping",
    "mapping_text",
    "message_rows",
    "name_candidates",
    "normalise_phones",
    "parse_mapping",
    "preset",
    "preset_fallback",
    "read_raw",
    "release_raw",
    "resolve_identities",
    "sample_source",
    "stage",
    "suggest_mapping",
    "suppress_rows",
    "unpack_groups",
    "unpack_items",
]

_HOMES = {
    "_drift": ("header_changes",),
    "_join": ("Join", "join_files"),
    "_identity": ("email_norm_sql", "normalise_phones", "resolve_identities"),
    "_fallback": ("preset_fallback",),
    "_mapping": ("FieldSpec", "Mapping", "auto_mapping", "load_mapping", "name_candidates", "parse_mapping"),
    "_sets": ("SetFile", "load_source_mapping"),
    "_messages": ("SEGMENT_EVENTS", "as_text", "message_rows"),
    "_packed": ("unpack_groups", "unpack_items"),
    "_presets": ("PRESETS", "fitting_presets", "preset"),
    "_read": ("RawRead", "read_raw", "release_raw"),
    "_sample": ("sample_source",),
    "_source": ("SourceInfo", "inspect_source"),
    "_stage": ("QUARANTINE", "Staged", "stage"),
    "_suggest": ("Guess", "mapping_text", "suggest_mapping"),
    "_suppress": ("Suppression", "erasure_hash_sql", "suppress_rows"),
}

__getattr__, __dir__ = lazy_names("regulars.ingest", _HOMES)
