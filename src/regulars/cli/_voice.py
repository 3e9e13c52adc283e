"""The voice of the customer from the terminal: ``texts DIR`` lists or exports every text
customers wrote with how it reads (label, score, engine)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from regulars.cli._app import command
from regulars.cli._options import AsJson, WorkspaceArg
from regulars.cli._render import json_out, line, out, table

__all__: list[str] = []


@command()
def texts(
    workspace: WorkspaceArg,
    source: Annotated[str | None, typer.Option("--table", help="tickets or feedback (reviews and survey answers); "
                                                              "both when not given.")] = None,
    customer: Annotated[str | None, typer.Option(help="Only this customer's texts.")] = None,
    export: Annotated[Path | None, typer.Option(help="Write every text to this CSV file.")] = None,
    limit: Annotated[int, typer.Option(help="Texts to show on screen (the newest).")] = 20,
    as_json: AsJson = False,
) -> None:
    """Every ticket, review and survey answer with how it reads: positive, neutral or negative,
    a score from -1 to 1 and the engine that read it (texts not read yet are read first)."""
    from regulars import app
    from regulars.exports import write_safe_csv

    found = app.texts(workspace, source=source, customer=customer, limit=None if export or as_json else limit)
    if export is not None:
        n = write_safe_csv(found.rows, export)
        if not as_json:
            line(f"Wrote {n:,} texts to {export}")
            return None
    if as_json:
        return json_out(found)
    counts = ", ".join(f"{n:,} {label}" for label, n in found.labels.items())
    rows = [[f"{r.written_at:%d %b %Y}", r.customer or r.customer_id, r.kind, r.label or "not read",
             "" if r.sentiment != r.sentiment else f"{r.sentiment:+.2f}", r.text]
            for r in found.rows.head(limit).itertuples()]
    out.print(table(f"Texts: {found.total:,} ({counts}), newest first", ["date", "customer", "kind", "reads",
                                                                          "score", "text"], rows,
                    right=("score",), fold=("text",)))
    line(f"Read by {found.engine}.")
    if found.total > limit:
        line(f"... {found.total - limit:,} more; use --export FILE.csv to write them all")
    return None
