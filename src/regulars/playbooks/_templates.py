"""Rendering a template for a customer in Jinja2's sandbox: a template can read the values it is
given and nothing else (no attribute walks into Python), a customer's text is inserted as text
(never read as template code), and a missing value renders as nothing rather than "None"."""

from __future__ import annotations

import math
from functools import cache
from typing import Any

from regulars.playbooks._spec import Template

__all__ = ["render", "template_fields"]


def _blank(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return value


@cache
def _environment() -> Any:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(autoescape=False, undefined=StrictUndefined, finalize=_blank,
                                keep_trailing_newline=True)


@cache
def _compiled(text: str) -> Any:
    return _environment().from_string(text)


def render(template: Template, values: dict[str, Any]) -> tuple[str | None, str]:
    """(subject or None, body) of ``template`` for one customer's ``values``. A variable the
    values lack is an error (the playbook check finds these before anything is planned)."""
    subject = _compiled(template.subject).render(values) if template.subject is not None else None
    return subject, _compiled(template.body).render(values)


def template_fields(template: Template) -> set[str]:
    """The names a template fills in (its subject's and body's), from Jinja2's own parse."""
    from jinja2 import meta

    return {name for part in (template.subject, template.body) if part is not None
            for name in meta.find_undeclared_variables(_environment().parse(part))}
