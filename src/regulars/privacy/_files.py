"""The workspace's files that may name a person (the catalogue's ``files`` places): found for an
access request and rid of the person's rows on erasure. A row names them when one of its cells
is one of their ids, emails or phones, whole (a name alone is not enough: names are shared)."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any

__all__ = ["files_naming", "scrub_files", "workspace_files"]


def workspace_files(root: Path, globs: list[str]) -> list[Path]:
    """The files under ``root`` the catalogue's globs match, sorted."""
    found = {p for g in globs for p in root.glob(g) if p.is_file()}
    return sorted(found)


def _needles(values: tuple[str, ...]) -> set[str]:
    return {v.strip().lower() for v in values if v and v.strip()}


def _rows(path: Path) -> tuple[list[str], list[list[str]]] | None:
    """A CSV file's lines as cells (header first); None for another kind of file."""
    if path.suffix.lower() not in (".csv", ".txt", ".tsv"):
        return None
    text = path.read_text(encoding="utf-8", errors="replace")
    dialect = csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
    lines = list(csv.reader(io.StringIO(text), dialect))
    return (lines[0], lines[1:]) if lines else ([], [])


def _names(cells: list[str], needles: set[str]) -> bool:
    return any(c.strip().lower() in needles for c in cells)


def _whole_text_names(path: Path, needles: set[str]) -> bool:
    text = path.read_text(encoding="utf-8", errors="replace").lower()
    return any(n in text for n in needles)


def files_naming(root: Path, globs: list[str], values: tuple[str, ...]) -> list[dict[str, Any]]:
    """Per file naming the person: its path (from ``root``) and their rows (a table's rows as
    dicts), or for another kind of file (a report) that it names them."""
    needles = _needles(values)
    out = []
    for path in workspace_files(root, globs):
        table = _rows(path)
        if table is None:
            if _whole_text_names(path, needles):
                out.append({"path": str(path.relative_to(root)), "rows": [], "names_them": True})
            continue
        header, lines = table
        theirs = [dict(zip(header, line, strict=False)) for line in lines if _names(line, needles)]
        if theirs:
            out.append({"path": str(path.relative_to(root)), "rows": theirs, "names_them": True})
    return out


def scrub_files(root: Path, globs: list[str], values: tuple[str, ...]) -> tuple[dict[str, int], list[Path]]:
    """Rewrite each table file naming the person without their rows (a file left with no row
    goes); returns rows removed per file, and the other files naming them (reports), which the
    caller writes again or removes."""
    needles = _needles(values)
    removed: dict[str, int] = {}
    others: list[Path] = []
    for path in workspace_files(root, globs):
        table = _rows(path)
        if table is None:
            if _whole_text_names(path, needles):
                others.append(path)
            continue
        header, lines = table
        kept = [line for line in lines if not _names(line, needles)]
        if len(kept) == len(lines):
            continue
        removed[str(path.relative_to(root))] = len(lines) - len(kept)
        if not kept:
            path.unlink()
            continue
        scratch = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(scratch, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out, csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel)
            writer.writerow(header)
            writer.writerows(kept)
        os.replace(scratch, path)
    return removed, others
