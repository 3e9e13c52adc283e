"""``demo``: a generated shop, loaded and scored."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from regulars.cli._app import command, progress
from regulars.cli._data import print_loads, print_status
from regulars.cli._options import AsJson
from regulars.cli._playbooks import print_plan, print_results
from regulars.cli._render import json_out, line
from regulars.cli._scores import print_run


@command()
def demo(
    path: Annotated[Path, typer.Argument(help="Folder for the demo workspace.")] = Path("demo-shop"),
    customers: Annotated[int, typer.Option(help="How many customers the demo shop has.")] = 5000,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same shop.")] = 7,
    compare_days: Annotated[int, typer.Option(help="Also score as of this many days earlier, to show who entered "
                                                   "and left each segment since (0: no)")] = 30,
    as_json: AsJson = False,
) -> None:
    """Generate a realistic demo shop, load it, score it, and show what regulars found."""
    from regulars import app

    with progress(as_json, "generating the demo shop") as step:
        result = app.demo(path, customers=customers, seed=seed, compare_days=compare_days, step=step)
    if as_json:
        return json_out(result)
    line(f"Demo shop in {path}: {customers:,} customers, files in {result.files_dir}, hidden truth in {result.truth}")
    if all(r.already_loaded for r in result.loads):
        line("Every demo file was loaded before; nothing to do.")
    else:
        print_loads(result.loads)
    print_status(result.status)
    print_run(result.run, top=5)
    print_results(result.results, False)
    print_plan(result.plan, 10, False)
    line(f"Next: `regulars playbooks {path} run` queues today's actions (`approve` for the ones waiting for a "
         f"person), `regulars outbox {path} deliver` sends them, `regulars results {path}` measures them; "
         f"`regulars segments {path} list` for every segment, `regulars customer {path} C00004` for one customer.")
    line(f"The report is in {result.report} (one file: open it in a browser or email it). For the dashboard: "
         f"`regulars serve {path}`, then open the sign-in address it prints.")
    line(f"A privacy notice to publish, written from what this shop holds and does, is in {result.disclosure} "
         "(and as plain text beside it).")
