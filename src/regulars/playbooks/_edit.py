"""Changes to ``playbooks.yaml`` made from the dashboard, as edits of the file's text: a
playbook switched on or off, a trigger's threshold, a template's subject or text. Editing the
lines (rather than writing the parsed file back) keeps the owner's comments and layout; the
caller parses the result before it is saved, so a change that breaks the file is refused."""

from __future__ import annotations

import json
import re

from regulars.errors import SettingsError
from regulars.scorers import probability_columns

__all__ = ["THRESHOLDS", "on_a_chance", "set_enabled", "set_group_levels", "set_template", "set_threshold"]

#: The trigger keys a threshold may be changed for.
THRESHOLDS = ("above", "below", "at_least", "at_most")


def _block(lines: list[str], section: str, name: str) -> tuple[int, int]:
    """(head, end): the line of ``name:`` inside top-level ``section``, and the line after its
    block (the next entry of the section, or the next section)."""
    top = next((i for i, line in enumerate(lines) if re.match(rf"{section}:\s*(#.*)?$", line)), None)
    if top is None:
        raise SettingsError(f"playbooks.yaml has no {section}: section")
    entry = re.compile(rf"  (\"{re.escape(name)}\"|'{re.escape(name)}'|{re.escape(name)}):\s*(#.*)?$")
    head = None
    for i in range(top + 1, len(lines)):
        line = lines[i]
        if re.match(r"[^\s#]", line) or (head is not None and re.match(r"  [^\s#]", line)):
            if head is not None:
                return head, i
            if re.match(r"[^\s#]", line):
                break
        if head is None and entry.match(line):
            head = i
    if head is None:
        raise SettingsError(f"playbooks.yaml has no {section.rstrip('s')} {name!r}")
    return head, len(lines)


def _set_line(lines: list[str], head: int, end: int, key: str, value: str) -> list[str]:
    """``    key: value`` in the block: replaced where it is, else added after the block's head."""
    for i in range(head + 1, end):
        if re.match(rf"    {key}:", lines[i]):
            return lines[:i] + [f"    {key}: {value}"] + lines[i + 1:]
    return lines[:head + 1] + [f"    {key}: {value}"] + lines[head + 1:]


def set_enabled(text: str, playbook: str, on: bool) -> str:
    lines = text.splitlines()
    head, end = _block(lines, "playbooks", playbook)
    return "\n".join(_set_line(lines, head, end, "enabled", "true" if on else "false")) + "\n"


def set_threshold(text: str, playbook: str, key: str, value: float) -> str:
    """The number after ``key:`` in the playbook's one-line trigger."""
    if key not in THRESHOLDS:
        raise SettingsError(f"a threshold is one of {', '.join(THRESHOLDS)}, got {key!r}")
    lines = text.splitlines()
    head, end = _block(lines, "playbooks", playbook)
    for i in range(head + 1, end):
        if re.match(r"    trigger:\s*\{", lines[i]):
            value = _as_chance(value, key) if _field(lines[i]) in probability_columns() else value
            changed, n = re.subn(rf"(\b{key}:\s*)-?[0-9.]+", lambda m: f"{m.group(1)}{value:g}", lines[i])
            if not n:
                raise SettingsError(f"playbook {playbook!r}: its trigger has no {key} to change")
            return "\n".join(lines[:i] + [changed] + lines[i + 1:]) + "\n"
    raise SettingsError(f"playbook {playbook!r}: its trigger is not on one line; edit playbooks.yaml itself")


def set_group_levels(text: str, playbook: str, attribute: str, levels: dict[str, float]) -> str:
    """The playbook's one-line score trigger with its own level per group of ``attribute`` (in
    place of any it had): fairness's group thresholds, adopted."""
    import json

    lines = text.splitlines()
    head, end = _block(lines, "playbooks", playbook)
    for i in range(head + 1, end):
        if re.match(r"    trigger:\s*\{", lines[i]):
            if not re.search(r"\b(above|at_least):", lines[i]):
                raise SettingsError(f"playbook {playbook!r}: its trigger has no lower bound (above or at_least) for "
                                    "groups to have their own")
            line = re.sub(r",\s*levels:\s*\{[^}]*\}", "", lines[i])
            line = re.sub(r",\s*by_group:\s*[^,}]+", "", line)
            own = ", ".join(f"{json.dumps(g)}: {v:g}" for g, v in sorted(levels.items()))
            line = re.sub(r"\}\s*$", f", by_group: {json.dumps(attribute)}, levels: {{{own}}}}}", line.rstrip())
            return "\n".join(lines[:i] + [line] + lines[i + 1:]) + "\n"
    raise SettingsError(f"playbook {playbook!r}: its trigger is not on one line; edit playbooks.yaml itself")


def on_a_chance(options: dict) -> bool:
    """Whether a trigger's thresholds are on a chance (0 to 1), which people write as percentages."""
    return (options.get("score") or options.get("field")) in probability_columns()


def _field(trigger: str) -> str | None:
    found = re.search(r"\b(?:score|field):\s*['\"]?([\w.]+)", trigger)
    return found.group(1) if found else None


def _as_chance(value: float, key: str) -> float:
    """A threshold on a chance as the owner writes it: 0.8 or 80 (percent) both mean 80%."""
    if 1 < value <= 100:
        return round(value / 100, 6)
    if not 0 <= value <= 100:
        raise SettingsError(f"{key.replace('_', ' ')} {value:g}: a chance is between 0 and 100%")
    return value


def set_template(text: str, template: str, subject: str | None, body: str | None) -> str:
    """A template's subject and text (given ones only), written as quoted YAML strings."""
    lines = text.splitlines()
    for key, value in (("subject", subject), ("body", body)):
        if value is None:
            continue
        if "\n" in value and key == "subject":
            raise SettingsError("a subject is one line")
        head, end = _block(lines, "templates", template)
        lines = _set_line(lines, head, end, key, json.dumps(value, ensure_ascii=False))
    return "\n".join(lines) + "\n"
