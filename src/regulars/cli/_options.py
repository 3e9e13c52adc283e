"""Arguments and options used by more than one command, defined once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["AsJson", "Cutoff", "CsvFile", "CustomerArg", "Search", "Top", "WorkspaceArg"]

WorkspaceArg = Annotated[Path, typer.Argument(help="The workspace folder (made by `regulars init`).")]
AsJson = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
Cutoff = Annotated[str | None, typer.Option(help="As of this date (YYYY-MM-DD); default: the day after the last "
                                                 "dated row.")]
Top = Annotated[int, typer.Option(help="Customers to list.")]
CsvFile = Annotated[Path | None, typer.Option(help="Also write every row to this CSV file.")]
Search = Annotated[float | None, typer.Option(help="Spend up to this many seconds trying other tree settings.")]
CustomerArg = Annotated[str, typer.Argument(help="A customer id (any id linked to the customer works).")]
