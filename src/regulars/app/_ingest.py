"""``ingest``: files in as batches, each all-or-nothing; loading the same content again does nothing."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from regulars._faults import fault_point
from regulars.app._common import Step, quiet
from regulars.app._results import IngestResult, MappingResult, UndoResult
from regulars.errors import RegularsError, SettingsError, SourceError
from regulars.schema import contract_for
from regulars.store import (
    BatchResult,
    Workspace,
    earlier_batches,
    open_workspace,
    previous_source_batch,
    record_external_ids,
    suppression,
    undo_batch,
)

if TYPE_CHECKING:
    from regulars.ingest import Mapping, SourceInfo

__all__ = ["ingest", "suggest_mapping", "undo"]

#: Rows of a file read to suggest its mapping.
SAMPLE_ROWS = 500


def _mapping_for(table: str | None, preset_name: str | None, mapping_file: str | Path | None
                 ) -> tuple[str, Mapping | None]:
    from regulars.ingest import load_mapping, preset

    if preset_name and mapping_file:
        raise SettingsError("give either --preset or --mapping, not both")
    mapping = None
    if preset_name:
        mapping = preset(preset_name, table)
    elif mapping_file:
        mapping = load_mapping(mapping_file, table)
    table = table or (mapping.table if mapping else None)
    if table is None:
        raise SettingsError("say which table the file loads with --table (for example --table orders)")
    contract_for(table)
    return table, mapping


def _fitting_hint(columns: list[str], mapping: Mapping | None) -> str:
    """" It looks like a ... export" when a preset other than the one used fits the header."""
    from regulars.ingest import fitting_presets

    fits = [p for p in fitting_presets(columns) if mapping is None or mapping.name != f"preset {p}"]
    return f" It looks like a {fits[0]} export: try --preset {fits[0]}." if fits else ""


def load_one(workspace: Workspace, info: SourceInfo, table: str, mapping: Mapping | None, step: Step,
              upsert: bool = False, no_customers: bool = False, replace_earlier: bool = False) -> BatchResult:
    with workspace.store() as store:
        if not replace_earlier:
            return _load_into(store, workspace, info, table, mapping, step, upsert, own_transaction=True,
                              no_customers=no_customers)
        with store.transaction():  # the earlier loads of this file go, and this one comes, together
            replaced = [undo_batch(store, b, actor="ingest --replace")["batch_id"]
                        for b in earlier_batches(store, table, info.name)]
            result = _load_into(store, workspace, info, table, mapping, step, upsert, own_transaction=False,
                                no_customers=no_customers)
            fault_point("before_commit")
        return replace(result, replaced=replaced)


def _load_into(store: Any, workspace: Workspace, info: SourceInfo, table: str, mapping: Mapping | None, step: Step,
               upsert: bool, own_transaction: bool, no_customers: bool = False) -> BatchResult:
    """Stage one file and write it as a batch: in its own transaction, or (for a set of files)
    in the caller's."""
    from regulars.ingest import (
        auto_mapping,
        header_changes,
        preset_fallback,
        read_raw,
        release_raw,
        stage,
        unpack_groups,
        unpack_items,
    )

    settings = workspace.settings
    earlier = store.find_batch(info.content_hash, table, "upsert" if upsert else "insert")
    if earlier:
        return BatchResult(
            batch_id=earlier["batch_id"], table=table, source_name=info.name, rows_read=0,
            rows_accepted=0, rows_quarantined=0, rows_unchanged=0, customers_created=0,
            written={}, already_loaded=True, loaded_at=earlier["loaded_at"],
        )
    # Staging builds connection-local temporary tables only; the store itself changes
    # in one transaction, so a crash anywhere leaves it as it was.
    con = store.con
    step("reading")
    # A generated row id needs row numbers while typing, so such files are read eagerly.
    eager = mapping is not None and (mapping.packed_items is not None or mapping.packed_groups is not None
                                     or any(f.generate == "row" for f in mapping.fields))
    raw = read_raw(con, info, mapping.delimiter if mapping else None, lazy=not eager)
    if mapping is not None and mapping.packed_items:
        raw = unpack_items(con, raw, mapping.packed_items)
    if mapping is not None and mapping.packed_groups:
        raw = unpack_groups(con, raw, mapping.packed_groups)
    used = mapping or auto_mapping(table, raw.columns, synonyms=True)
    if no_customers:
        if table != "orders":
            raise SettingsError("--no-customers is for orders files without customers (a till)")
        used = replace(used, no_customers=True)
    fell_back: list[str] = []
    try:
        fields, unused = used.resolve(raw.columns, where=str(info.path))
    except SourceError as exc:
        # another vendor's file is told which preset fits; a preset missing a column takes the suggestion's
        patched = None if _fitting_hint(raw.columns, mapping) else preset_fallback(
            con, raw.columns, used, fell_back, SAMPLE_ROWS)
        if patched is None:
            raise SourceError(str(exc) + _fitting_hint(raw.columns, mapping)) from None
        used = patched
        fields, unused = used.resolve(raw.columns, where=str(info.path))
    step("validating")
    staged = stage(
        con, used, fields, unused, content_hash=info.content_hash,
        dayfirst=settings.ingest.dayfirst, decimal=settings.ingest.decimal,
        existing=store.existing_relations(), raw=raw, upsert=upsert, suppression=suppression(store),
    )
    release_raw(con)
    if staged.rows_read == 0:
        raise SourceError(f"{info.path}: has a header but no rows; nothing to load")
    earlier_file = previous_source_batch(store, table, used.name, info.name)
    changes = [] if earlier_file is None else header_changes(
        earlier_file["header"], staged.header, earlier_file["date_orders"], staged.date_orders,
        f"{earlier_file['source_name']} (batch {earlier_file['batch_id']})")
    step("storing")

    def write() -> BatchResult:
        result = store.write_batch(staged, source_name=info.name, content_hash=info.content_hash,
                                   mapping=used.name, changes=[*fell_back, *changes])
        kept = next((c for c in unused if used.external_id and c.lower() == used.external_id.lower()), None)
        if kept is not None:
            record_external_ids(store, result.batch_id, table, kept, _platform(used.name))
        return result

    if not own_transaction:
        return write()
    with store.transaction():
        result = write()
        fault_point("before_commit")
    return result


def _platform(mapping_name: str) -> str:
    """Whose ids a mapping's external ids are: the preset's name, or the mapping file's (one
    name for every file of a multi-file export, which share the platform's ids)."""
    if mapping_name.startswith("preset "):
        return mapping_name.removeprefix("preset ")
    return Path(mapping_name.split(": files.")[0]).stem


def _source_files(folder: Path, mapping_file: str | Path | None, scratch: Path) -> list[tuple[Path, str, Any]]:
    """The files of a folder or zip with the table and mapping the source mapping gives each
    (columns joined from other files first), in the order their tables depend on each other
    (customers before orders before their lines). A file the mapping does not name, or a name
    it gives that is not there, is an error."""
    import zipfile

    from regulars.ingest import join_files, load_source_mapping
    from regulars.schema import CONTRACTS

    if mapping_file is None:
        raise SettingsError(f"{folder}: a folder or zip of files needs --mapping FILE with a [files.\"NAME\"] "
                            "section naming each file's table")
    named = load_source_mapping(mapping_file)
    if folder.is_dir():
        found = {p.name: p for p in sorted(folder.iterdir()) if p.is_file() and not p.name.startswith(".")}
    else:
        try:
            archive = zipfile.ZipFile(folder)
        except (zipfile.BadZipFile, OSError) as exc:
            raise SourceError(f"{folder}: cannot be read as a zip ({exc})") from None
        with archive:
            found = {}
            for member in archive.infolist():
                name = Path(member.filename).name
                if member.is_dir() or not name or name.startswith(".") or "__MACOSX" in member.filename:
                    continue
                if name in found:
                    raise SourceError(f"{folder}: holds two files named {name!r}; keep one")
                target = scratch / name  # by its name only: a member's path never leaves the scratch folder
                target.write_bytes(archive.read(member))
                found[name] = target
    for name in list(found):  # a data set published compressed (orders.csv.gz) fits a mapping naming orders.csv
        plain = re.sub(r"\.(gz|bz2|xz|zst)$", "", name)
        if plain != name and plain in named and name not in named and plain not in found:
            found[plain] = found.pop(name)
    missing = sorted(n for n in set(named) - set(found) if named[n].table)  # a skipped file may be absent
    if missing:
        raise SourceError(f"{folder}: has no file {missing[0]!r}, which {mapping_file} names")
    unnamed = sorted(set(found) - set(named))
    if unnamed:
        raise SettingsError(f"{folder}: {mapping_file} does not say which table {unnamed[0]!r} loads; add a "
                            f"[files.\"{unnamed[0]}\"] section (or skip = true to leave it out)")
    paths = {n: join_files(found[n], f.joins, found, scratch / "joined" / n) if f.joins else found[n]
             for n, f in named.items() if f.table}
    order = list(CONTRACTS)
    return sorted(((paths[n], f.table, f.mapping) for n, f in named.items() if f.table),
                  key=lambda f: (order.index(f[1]), f[0].name))


def _ingest_set(workspace: Workspace, folder: Path, mapping_file: str | Path | None, mode: str, step: Step
                ) -> IngestResult:
    """Every file of a multi-file export as one all-or-nothing set: one transaction for all."""
    import tempfile

    from regulars.ingest import inspect_source

    with tempfile.TemporaryDirectory() as scratch:
        files = _source_files(folder, mapping_file, Path(scratch))
        infos = [(inspect_source(path), table, mapping) for path, table, mapping in files]
        loads = []
        with workspace.store() as store, store.transaction():
            for info, table, mapping in infos:
                loads.append(_load_into(store, workspace, info, table, mapping,
                                        lambda s, n=info.name: step(f"{n}: {s}"), mode == "upsert",
                                        own_transaction=False))
            fault_point("before_commit")
    return IngestResult(loads=loads)


def _tables_by_name(files: Sequence[str | Path]) -> list[tuple[str | Path, str, None]]:
    """Files named like canonical tables (orders.csv, order_items.parquet, customers.csv.gz),
    each with its table, in the order tables depend on one another (customers first)."""
    from regulars.schema import CONTRACTS

    found = []
    for f in files:
        stem = Path(f).name.split(".")[0].lower()
        if stem not in CONTRACTS:
            raise SettingsError(f"say which table {Path(f).name} loads with --table (for example --table orders), "
                                f"or name the file after its table ({', '.join(CONTRACTS)})")
        found.append((f, stem, None))
    order = list(CONTRACTS)
    return sorted(found, key=lambda x: order.index(x[1]))


def ingest(workspace_path: str | Path, files: Sequence[str | Path], *, table: str | None = None,
           preset_name: str | None = None, mapping_file: str | Path | None = None,
           mode: str = "insert", no_customers: bool = False, replace_earlier: bool = False,
           step: Step = quiet) -> IngestResult:
    """Load files as batches (each all-or-nothing); a file loaded before is a no-op. A single
    folder or zip is a multi-file export: ``mapping_file`` names each file's table (its
    ``[files."NAME"]`` sections) and the files load as one all-or-nothing set.

    ``mode`` "insert" (the default) quarantines a row whose id is stored with other values;
    "upsert" replaces the stored row with it (a re-export in which an order was refunded or a
    customer unsubscribed), keeping the earlier version in ``row_history``. ``replace_earlier``
    removes what earlier loads of a file of the same name into the same table stored (their
    quarantine too) and loads this one, all or nothing: a file loaded with the wrong mapping is
    loaded again with the right one.

    Every file is checked before any is loaded, so a missing or unreadable file changes nothing.
    When a file fails part-way through a list, the files before it stay loaded and the error
    says which those are.
    """
    from regulars.ingest import inspect_source

    if mode not in ("insert", "upsert"):
        raise SettingsError(f"unknown mode {mode!r}; choose insert or upsert")
    workspace = open_workspace(workspace_path)
    if len(files) == 1 and (Path(files[0]).is_dir() or str(files[0]).lower().endswith(".zip")):
        if table or preset_name:
            raise SettingsError("a folder or zip of files takes --mapping with a section per file, not --table "
                                "or --preset")
        return _ingest_set(workspace, Path(files[0]), mapping_file, mode, step)
    if not files:
        raise SettingsError("name at least one file to load")
    if table is None and preset_name is None and mapping_file is None:
        named = _tables_by_name(files)  # orders.csv, customers.csv.gz, ...: each loads into its table
    else:
        table, mapping = _mapping_for(table, preset_name, mapping_file)
        named = [(f, table, mapping) for f in files]
    infos = [(inspect_source(f), t, m) for f, t, m in named]
    loads: list[BatchResult] = []
    for info, table, mapping in infos:
        try:
            loads.append(load_one(workspace, info, table, mapping, lambda s, n=info.name: step(f"{n}: {s}"),
                                   upsert=mode == "upsert", no_customers=no_customers,
                                   replace_earlier=replace_earlier))
        except RegularsError as exc:
            if loads:
                landed = ", ".join(f"{r.source_name} (batch {r.batch_id})" for r in loads)
                rest = [i.name for i, _, _ in infos[len(loads) + 1:]]
                exc.args = (f"{exc} -- already loaded: {landed}; nothing else was stored"
                            + (f" (not tried: {', '.join(rest)})" if rest else ""),)
            raise
    return IngestResult(loads=loads)


def suggest_mapping(file: str | Path, table: str, *, write: str | Path | None = None,
                    choices: dict[str, str | None] | None = None) -> MappingResult:
    """A suggested mapping for ``file`` into ``table``: each canonical column's source column,
    why, sample values and how many read as the column's kind, as a mapping file's text;
    ``write`` saves it there (never over an existing file). ``choices`` (canonical column ->
    source column, or None for none) are a person's corrections, taken over the guesses."""
    from regulars._files import atomic_write_text
    from regulars.ingest import mapping_text, sample_source
    from regulars.ingest import suggest_mapping as suggest

    contract_for(table)
    columns, rows, packed = sample_source(file, SAMPLE_ROWS)
    guesses = _chosen(suggest(table, columns, rows), choices or {}, columns, rows)
    text = mapping_text(table, guesses, Path(file).name, packed)
    if write is not None:
        target = Path(write)
        if target.exists():
            raise SettingsError(f"{target}: exists already; choose another path (or delete it first)")
        atomic_write_text(target, text)
    missing = [g.target for g in guesses if g.required and g.source is None]
    return MappingResult(file=str(file), table=table, guesses=[g.to_dict() for g in guesses], missing=missing,
                         mapping=text, written=str(write) if write is not None else None, columns=columns)


def _chosen(guesses: list[Any], choices: dict[str, str | None], columns: list[str],
            rows: list[dict[str, Any]]) -> list[Any]:
    """The guesses with a person's choices taken over (a changed column loses the guess's
    transform, fallback and format); a choice of a column the file has not is an error."""
    from dataclasses import replace

    known = {g.target for g in guesses}
    for target, source in choices.items():
        if target not in known:
            raise SettingsError(f"{target!r} is not a column of this table; choose among {', '.join(sorted(known))}")
        if source and source not in columns:
            raise SettingsError(f"the file has no column {source!r} (for {target})")
    out = []
    for g in guesses:
        if g.target not in choices or (choices[g.target] or None) == g.source:
            out.append(g)
            continue
        source = choices[g.target] or None
        samples = [str(r[source]) for r in rows if source and r.get(source) not in (None, "")][:3]
        out.append(replace(g, source=source, how="chosen by you" if source else "left out by you", samples=samples,
                           parsed=None, transform=None, fallback=None, format=None))
    return out


def undo(workspace_path: str | Path, batch_id: str, *, by: str = "cli") -> UndoResult:
    """Remove one batch: every row it stored, its quarantine and its record, in one transaction."""
    workspace = open_workspace(workspace_path)
    with workspace.store() as store, store.transaction():
        done = undo_batch(store, batch_id, actor=by)
    return UndoResult(**done)
