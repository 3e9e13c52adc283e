"""Checking a shop's playbooks against what it has: score and condition fields, segments,
templates and the variables they use. A name this shop's data does not give makes its playbook
not applicable (skipped, with why); every other problem is an error naming its line."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

from regulars.errors import SettingsError
from regulars.playbooks._reader import Reader
from regulars.playbooks._spec import Playbook, PlaybookSet, Template

__all__ = ["check_playbooks"]


def check_playbooks(found: PlaybookSet, fields: dict[str, str], segments: list[str], template_fields: set[str],
                    where: str = "playbooks.yaml", stock: bool = False,
                    absent: Callable[[str], str | None] = lambda name: None) -> dict[str, str]:
    """Check names against the shop: score fields and condition fields (``fields``: name ->
    number, text or boolean), segments, templates, and every variable a template uses
    (``template_fields``), so a missing field is found now rather than as a blank in a sent
    message; a template may claim scarcity only when the shop records ``stock``.

    A name regulars knows but this shop's data does not give (``absent(name)`` says why: no
    engagement score without web or email events) makes its playbook not applicable: returned
    as playbook -> reason, to be skipped, never an error. Every other problem is collected and
    raised at once, one line each."""
    r = Reader(where)
    template_fields = template_fields | {"survey_link"}  # signed per action when queued
    problems: list[tuple[int, str]] = []
    skipped: dict[str, str] = {}
    for book in found.playbooks.values():
        missing, errors = _playbook_names(book, found, fields, segments, template_fields, absent)
        if errors:
            problems += errors
        elif missing:
            skipped[book.name] = missing
    users: dict[str | None, list[str]] = {}  # template -> the playbooks that apply and use it
    for book in found.playbooks.values():
        for action in book.actions():
            if book.name not in skipped:
                users.setdefault(action.template, []).append(book.name)
    for template in found.templates.values():
        if template.framing == "scarcity" and not stock:
            problems.append((template.line, f"template {template.name!r} claims scarcity, but the shop records no "
                                            "stock levels: say it only when it is true"))
        for part in (template.subject, template.body):
            for name in sorted(_variables(r, template, part) - template_fields) if part is not None else ():
                if (why := absent(name)) is None:
                    problems.append((template.line, f"template {template.name!r} uses {name!r}, which customers do "
                                                    "not have"))
                for name_of_book in users.get(template.name, []) if why is not None else ():
                    skipped.setdefault(name_of_book, f"its template {template.name!r} needs {name!r}, and {why}")
    if problems:
        lines = [f"{where}:{line}: {message}" for line, message in sorted(problems)]
        head = f"{len(lines)} problems in {where}:\n" if len(lines) > 1 else ""
        raise SettingsError(head + "\n".join(lines))
    return skipped


def _playbook_names(book: Playbook, found: PlaybookSet, fields: dict[str, str], segments: list[str],
                    template_fields: set[str], absent: Callable[[str], str | None]
                    ) -> tuple[str | None, list[tuple[int, str]]]:
    """Why ``book`` does not apply to this shop (a name its data does not give), and its errors."""
    from regulars.segments.rules import RuleError, compile_rule

    errors: list[tuple[int, str]] = []
    missing: str | None = None
    t = book.trigger
    if t.kind == "score" and fields.get(t.options["field"]) != "number":
        name = t.options["field"]
        if (why := absent(name)) is not None:
            missing = f"it needs {name!r}, and {why}"
        else:
            close = difflib.get_close_matches(name, [f for f, k in fields.items() if k == "number"], 1)
            errors.append((t.line, f"playbook {book.name!r}: no score {name!r}"
                                   + (f" (did you mean {close[0]!r}?)" if close else "")))
    if t.kind == "segment" and t.options["segment"] not in segments:
        name = t.options["segment"]
        if (why := absent(name)) is not None:
            missing = f"it needs segment {name!r}, and {why}"
        else:
            close = difflib.get_close_matches(name, segments, 1)
            errors.append((t.line, f"playbook {book.name!r}: no segment {name!r}"
                                   + (f" (did you mean {close[0]!r}?)" if close else "")))
    if book.when and missing is None:
        try:
            compile_rule(book.when, fields, lambda table, name: None, segments)
        except RuleError as exc:
            quoted = re.findall(r"'([^']+)'", str(exc)) or re.findall(r'"([^"]+)"', book.when)
            why = next((absent(q) for q in quoted if absent(q) is not None), None)
            if why is not None:
                missing = f"its condition needs what this shop's data does not give: {why}"
            else:
                errors.append((book.when_line, f"playbook {book.name!r}, when: {exc}"))
    for action in book.actions():
        if action.template is not None and action.template not in found.templates:
            errors.append((action.line, f"playbook {book.name!r}: no template {action.template!r}; "
                                        f"templates: {', '.join(sorted(found.templates)) or 'none'}"))
        elif action.template is not None and action.survey is None and "survey_link" in found.templates[
                action.template].body:
            errors.append((action.line, f"playbook {book.name!r}: its template {action.template!r} gives a "
                                        "survey_link; say which survey the action sends (survey: nps, csat, ces "
                                        "or win-back)"))
    return missing, errors


def _variables(r: Reader, template: Template, text: str) -> set[str]:
    """The names a template reads, from Jinja2's own parse (in its sandbox)."""
    from jinja2 import TemplateSyntaxError, meta
    from jinja2.sandbox import SandboxedEnvironment

    try:
        return set(meta.find_undeclared_variables(SandboxedEnvironment().parse(text)))
    except TemplateSyntaxError as exc:
        raise r.fail(template.line, f"template {template.name!r}: {exc.message} (template line {exc.lineno})") from None
