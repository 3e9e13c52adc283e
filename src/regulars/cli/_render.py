"""One renderer: where output goes, how JSON is written, and how text from data is shown.

Text from users' data or settings (customer ids, file names, reasons, error messages) is never
read as Rich markup: messages are printed with markup off, and table cells are plain ``Text``.
"""

from __future__ import annotations

import sys
from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

__all__ = ["err", "fixed", "json_out", "known", "line", "num", "out", "pct", "table", "warn"]



class _Console(Console):
    """A console that reads the terminal's width (or COLUMNS) when it prints, not once when it is
    made: one process may run many commands (a notebook, the tests), each in its own width."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._width = None  # Rich fixes COLUMNS at construction otherwise


out = _Console(highlight=False)
err = _Console(stderr=True, highlight=False)


def json_out(result: Any) -> None:
    """A result as strict JSON on stdout (``to_dict()`` when it has one; never NaN)."""
    from regulars._json import dumps

    data = result.to_dict() if hasattr(result, "to_dict") else result
    sys.stdout.write(dumps(data, indent=2) + "\n")


def line(text: str, *, style: str | None = None, console: Console = out) -> None:
    """One line of plain text (no markup is interpreted), optionally in a style."""
    console.print(Text(text, style=style or ""), soft_wrap=True)


def warn(text: str) -> None:
    out.print(Text.assemble(("warning: ", "yellow"), text), soft_wrap=True)


def table(title: str, columns: list[str], rows: list[list[Any]], *, right: tuple[str, ...] = (),
          fold: tuple[str, ...] = ()) -> Group:
    """A table whose every cell is plain text; ``right`` columns are right-aligned (numbers). The
    first column names the row (a customer, a segment): it keeps its width in a narrow terminal.
    A column with nothing in any row (a measure this shop's data cannot give) is left out. The
    title is a line of its own, as wide as the terminal (a table wraps its title to its width)."""
    empty = [i for i in range(1, len(columns)) if rows and all(len(r) <= i or r[i] in (None, "") for r in rows)]
    columns = [c for i, c in enumerate(columns) if i not in empty]
    rows = [[c for i, c in enumerate(r) if i not in empty] for r in rows]
    shown = Table()
    for i, name in enumerate(columns):
        widest = max([len(line) for r in rows if len(r) > i and r[i] is not None
                      for line in str(r[i]).splitlines() or [""]] or [1])  # a cell may hold lines
        # numbers never wrap (their header may); the first column names the row and keeps up to 14
        least = widest if name in right else min(14, widest) if i == 0 else None
        shown.add_column(Text(name), justify="right" if name in right else "left",
                         overflow="fold" if name in fold else "ellipsis", min_width=least)
    for row in rows:
        shown.add_row(*(Text("" if cell is None else str(cell)) for cell in row))
    return Group(Text(title, style="italic"), shown)


def known(value: Any) -> bool:
    return value is not None and value == value  # NaN is not equal to itself


def fixed(value: Any, digits: int = 3) -> str:
    return f"{value:.{digits}f}" if known(value) else ""


def pct(value: Any) -> str:
    return f"{value:.0%}" if known(value) else ""


def num(value: Any) -> str:
    return f"{value:,.0f}" if known(value) else ""
