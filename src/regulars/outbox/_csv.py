"""Import files shaped for the tools shops use (Mailchimp audience import, HubSpot contacts
import, Klaviyo list import, or a generic file with every column), and task lists for people.

Every text cell is made safe against spreadsheet formula injection: a cell that starts with
=, +, -, @, a tab or a carriage return is prefixed with an apostrophe (OWASP's advice), so a
customer named "=HYPERLINK(...)" stays text when the file is opened in a spreadsheet. Plain
numbers and phone numbers (+44 7700 900123) are left as they are: they call nothing.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from regulars._files import atomic_path

__all__ = ["SHAPES", "TASK_COLUMNS", "export_table", "safe_cell", "write_export"]

#: File shape -> (column header, what it holds). Headers are the ones each tool's import matches
#: without help; the playbook becomes a tag (Mailchimp) so a campaign can be sent to it.
SHAPES: dict[str, tuple[tuple[str, str], ...]] = {
    "mailchimp": (("Email Address", "email"), ("First Name", "first_name"), ("Last Name", "last_name"),
                  ("Phone Number", "phone"), ("Tags", "tag")),
    "hubspot": (("Email", "email"), ("First Name", "first_name"), ("Last Name", "last_name"),
                ("Phone Number", "phone")),
    "klaviyo": (("Email", "email"), ("Phone Number", "phone"), ("First Name", "first_name"), ("Last Name", "last_name")),
    "generic": (("action_id", "action_id"), ("customer_id", "customer_id"), ("name", "name"), ("email", "email"),
                ("phone", "phone"), ("playbook", "playbook"), ("channel", "channel"), ("subject", "subject"),
                ("message", "body"), ("deliver_at", "deliver_at"), ("why", "why")),
}
#: A task list for a person: who to call, why, by when.
TASK_COLUMNS = (("action_id", "action_id"), ("owner", "owner"), ("due_on", "due_on"), ("customer_id", "customer_id"),
                ("name", "name"), ("email", "email"), ("phone", "phone"), ("playbook", "playbook"), ("why", "why"),
                ("task", "body"))
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?[0-9][0-9 ().-]*")


def safe_cell(value: Any) -> str:
    """The text of a cell, with a leading apostrophe where a spreadsheet would read a formula."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text) else text


def export_table(rows: Iterable[dict[str, Any]], columns: Sequence[tuple[str, str]]) -> list[list[str]]:
    """The header and safe cells of an import file, one line per action. ``first_name`` and
    ``last_name`` are split from ``name``; ``tag`` is ``regulars: <playbook>``."""
    out = [[header for header, _ in columns]]
    for row in rows:
        first, _, last = str(row.get("name") or "").strip().partition(" ")
        values = {**row, "first_name": first, "last_name": last, "tag": f"regulars: {row.get('playbook', '')}"}
        out.append([safe_cell(values.get(key)) for _, key in columns])
    return out


def write_export(path: Path, table: list[list[str]]) -> None:
    """Write an import file whole or not at all (UTF-8 with a byte-order mark, which spreadsheet
    programs need to read accents)."""
    with atomic_path(path) as partial, open(partial, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(table)
