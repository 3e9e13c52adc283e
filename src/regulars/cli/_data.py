"""Data in: ``init``, ``ingest``, ``status``, ``batches``, ``quarantine``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from regulars.app import PRESETS
from regulars.cli._app import command, progress
from regulars.cli._options import AsJson, CsvFile, WorkspaceArg
from regulars.cli._render import json_out, line, out, table, warn
from regulars.schema import CONTRACTS

__all__ = ["print_loads", "print_status"]


@command()
def init(path: WorkspaceArg, as_json: AsJson = False) -> None:
    """Create a workspace: [bold]regulars.toml[/] with documented defaults, and the store."""
    from regulars import app

    result = app.init(path)
    if as_json:
        return json_out(result)
    verb = "Created" if result.created else "Already a workspace:"
    line(f"{verb} {result.workspace} (settings in regulars.toml, data in {Path(result.database).name})")


def print_loads(loads: list[Any], workspace: Path | None = None) -> None:
    fresh = [r for r in loads if not r.already_loaded]
    if fresh:
        out.print(table("Loaded", ["file", "read", "accepted", "anonymous", "quarantined", "new customers"],
                        [[r.source_name, f"{r.rows_read:,}", f"{r.rows_accepted:,}", f"{r.rows_anonymous:,}",
                          f"{r.rows_quarantined:,}", f"{r.customers_created:,}"] for r in fresh],
                        right=("read", "accepted", "anonymous", "quarantined", "new customers"), fold=("file",)))
    for r in loads:
        if r.already_loaded:
            line(f"{r.source_name}: already loaded as batch {r.batch_id} on {r.loaded_at}; nothing to do.")
            continue
        if r.replaced:
            line(f"{r.source_name}: replaced what batch {', '.join(r.replaced)} had stored")
        line(f"{r.source_name} (batch {r.batch_id}): read {r.rows_read:,} = accepted {r.rows_accepted:,} + "
             + (f"anonymous sales {r.rows_anonymous:,} + " if r.rows_anonymous else "")
             + (f"left out (people erased on request) {r.rows_suppressed:,} + "
                if r.rows_suppressed and r.table != "orders" else "")
             + f"quarantined {r.rows_quarantined:,}"
             + (f"; {r.rows_suppressed:,} of the anonymous sales are orders of people erased on request"
                if r.rows_suppressed and r.table == "orders" else "")
             + (f"; {r.rows_unchanged:,} accepted rows were already stored" if r.rows_unchanged else "")
             + (f"; {r.rows_updated:,} replaced stored rows (earlier versions kept)" if r.rows_updated else "")
             + (f"; created {r.customers_created:,} minimal customer records for unknown customers"
                if r.customers_created else ""))
        for change in r.changes:
            warn(f"{r.source_name}: {change}")
        if r.rows_quarantined and workspace is not None:
            line(f"  see them with: regulars quarantine {workspace} --batch {r.batch_id}")


@command()
def ingest(
    workspace: WorkspaceArg,
    files: Annotated[list[Path], typer.Argument(help="CSV, JSON Lines, Parquet or Excel files (gzip is fine), or "
                                                    "one folder or zip of a multi-file export (with --mapping).")],
    table_name: Annotated[str | None, typer.Option("--table", help=f"Canonical table: {', '.join(CONTRACTS)}.")] = None,
    preset: Annotated[str | None, typer.Option(help=f"A built-in layout: {', '.join(PRESETS)}.")] = None,
    mapping: Annotated[Path | None, typer.Option(help="A TOML/YAML mapping file (see docs/mapping.md).")] = None,
    mode: Annotated[str, typer.Option(help="insert: a row whose id is stored with other values is quarantined; "
                                           "upsert: it replaces the stored row (the earlier version is kept).")
                    ] = "insert",
    no_customers: Annotated[bool, typer.Option("--no-customers", help="The orders file has no customers (a till): "
                                                                        "its orders are anonymous sales.")] = False,
    replace: Annotated[bool, typer.Option("--replace", help="Remove what earlier loads of a file of this name stored "
                                                            "(their quarantine too) and load it again, all or "
                                                            "nothing: for a corrected mapping.")] = False,
    as_json: AsJson = False,
) -> None:
    """Load export files into the store. Each file is one all-or-nothing batch; loading the
    same content again does nothing. Rows that break the contract go to quarantine. Files named
    after their table (orders.csv, customers.csv, ...) need no --table."""
    from regulars import app

    with progress(as_json, "loading") as step:
        result = app.ingest(workspace, files, table=table_name, preset_name=preset, mapping_file=mapping, mode=mode,
                            no_customers=no_customers, replace_earlier=replace, step=step)
    if as_json:
        return json_out(result)
    print_loads(result.loads, workspace)


@command(name="map")
def map_file(
    file: Annotated[Path, typer.Argument(help="A CSV, JSON Lines, Parquet or Excel export.")],
    table_name: Annotated[str, typer.Option("--table", help=f"Canonical table: {', '.join(CONTRACTS)}.")],
    write: Annotated[Path | None, typer.Option(help="Save the suggested mapping to this file (TOML).")] = None,
    as_json: AsJson = False,
) -> None:
    """Suggest a mapping for an export: which column holds each canonical column, why, sample
    values and how many read right. Edit the suggestion, then load with --mapping FILE."""
    from regulars import app

    result = app.suggest_mapping(file, table_name, write=write)
    if as_json:
        return json_out(result)
    out.print(table(f"Suggested mapping of {file.name} into {table_name}",
                    ["column", "from", "how", "reads", "e.g."],
                    [[g["target"] + (" *" if g["required"] else ""), g["source"] or "", g["how"],
                      f"{g['parsed']:.0%}" if g["parsed"] is not None else "", ", ".join(g["samples"])]
                     for g in result.guesses if g["source"] or g["required"]],
                    right=("reads",), fold=("e.g.", "how")))
    if result.missing:
        warn(f"required and not found: {', '.join(result.missing)}; name the columns in the mapping file")
    for g in result.guesses:
        if g["required"] and g["source"] and g["parsed"] == 0:
            warn(f"{g['target']}: no value in column {g['source']!r} reads as {g['target']}; loading as suggested would "
                 "quarantine every row: give its format in the mapping file, or name another column")
    if result.written:
        line(f"wrote {result.written}; edit it, then `regulars ingest DIR {file} --mapping {result.written}`")
    else:
        line("add --write FILE to save it as a mapping file")
    return None


def _print_batches(batches: list[dict[str, Any]]) -> None:
    out.print(table("Batches", ["batch", "table", "source", "read", "quarantined", "loaded"],
                    [[b["batch_id"], b["table_name"], b["source_name"], f"{b['rows_read']:,}",
                      f"{b['rows_quarantined']:,}", b["loaded_at"][:10]] for b in batches],
                    right=("read", "quarantined"), fold=("source",)))


def print_status(data: Any) -> None:
    out.print(table("Tables", ["table", "rows", "from", "to"],
                    [[name, f"{t['rows']:,}", (t["from"] or "")[:10], (t["to"] or "")[:10]]
                     for name, t in data.tables.items()], right=("rows",)))
    c = data.customers
    out.print(table("Customers", ["records", "after identity resolution", "merged", "minimal (no profile)"],
                    [[f"{c['records']:,}", f"{c['resolved']:,}", f"{c['merged']:,}", f"{c['minimal']:,}"]],
                    right=("records", "after identity resolution", "merged", "minimal (no profile)")))
    if data.merged_between:
        out.print(table("Customers found in two sources (merged by email or phone)", ["sources", "customers"],
                        [[" + ".join(m["sources"]), f"{m['customers']:,}"] for m in data.merged_between],
                        right=("customers",), fold=("sources",)))
    if data.sales:
        columns = ["currency", "orders", "revenue", "of which anonymous", "last 30 days"]
        out.print(table("Sales (purchases; anonymous sales are those without a customer)", columns,
                        [[s["currency"] or "-", f"{s['orders']:,}", f"{s['revenue']:,.2f}",
                          f"{s['anonymous_revenue']:,.2f}\n{s['anonymous_orders']:,} orders",
                          f"{s['revenue_30d']:,.2f}\n{s['orders_30d']:,} orders"] for s in data.sales],
                        right=columns[1:]))
    _print_batches(data.batches)
    q = data.quarantine
    if q["by_reason"]:
        out.print(table(f"Quarantine: {q['rows']:,} rows", ["reason", "rows"],
                        [[reason, f"{n:,}"] for reason, n in q["by_reason"].items()], right=("rows",)))
    for w in data.warnings:
        warn(w)


@command()
def status(workspace: WorkspaceArg, as_json: AsJson = False) -> None:
    """What is in the store: rows and date range per table, customers, batches, quarantine
    by reason, and data-quality warnings."""
    from regulars import app

    result = app.status(workspace)
    if as_json:
        return json_out(result)
    print_status(result)


@command()
def batches(
    workspace: WorkspaceArg,
    action: Annotated[str, typer.Argument(help="list (every load) or undo (remove one: --batch).")] = "list",
    batch: Annotated[str | None, typer.Argument(help="The batch to undo (its id, from the list).")] = None,
    as_json: AsJson = False,
) -> None:
    """Every load with its counts; [bold]undo BATCH[/] removes what one stored (its rows, the
    customers only it named, its quarantine) in one transaction."""
    from regulars import app
    from regulars.errors import SettingsError

    if action == "undo":
        if not batch:
            raise SettingsError("say which batch to undo: regulars batches DIR undo BATCH (ids from the list)")
        result = app.undo(workspace, batch)
        if as_json:
            return json_out(result)
        what = ", ".join(f"{n:,} {k}" for k, n in result.removed.items()) or "nothing"
        line(f"undid batch {result.batch_id} ({result.source_name} into {result.table}): removed {what}")
        return None
    if action != "list":
        raise SettingsError(f"unknown action {action!r}; choose list or undo")
    result = app.status(workspace)
    if as_json:
        return json_out({"batches": result.batches})
    _print_batches(result.batches)
    return None


@command()
def quarantine(
    workspace: WorkspaceArg,
    batch: Annotated[str | None, typer.Option(help="Only this batch.")] = None,
    csv: CsvFile = None,
    limit: Annotated[int, typer.Option(help="Rows to show on screen.")] = 20,
    as_json: AsJson = False,
) -> None:
    """Show or export quarantined rows with their reasons and original values."""
    from regulars import app
    from regulars.exports import write_safe_csv

    rows = app.quarantine(workspace, batch).rows
    if csv is not None:
        n = write_safe_csv(rows, csv)
        if not as_json:
            line(f"Wrote {n:,} quarantined rows to {csv}")
            return
    if as_json:
        return json_out({"rows": rows})
    out.print(table(f"Quarantine: {len(rows):,} rows", ["batch", "row", "reason", "original"],
                    [[r.batch_id, r.source_row, r.reason, r.original[:120]] for r in rows.head(limit).itertuples()],
                    fold=("reason", "original")))
    if len(rows) > limit:
        line(f"... {len(rows) - limit:,} more; use --csv FILE to export them all")
