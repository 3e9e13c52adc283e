"""Templates render in the sandbox: values as text, missing values as nothing, no escape into
Python; scarcity is refused without stock data."""

from __future__ import annotations

import pytest
from jinja2.exceptions import SecurityError, UndefinedError

from regulars.errors import SettingsError
from regulars.playbooks import Template, check_playbooks, parse_playbooks, render


def test_values_are_text_and_missing_ones_blank():
    t = Template("t", body="Hello {{ name }}{% if next_product %}, try {{ next_product }}{% endif %}.", line=1,
                 subject="{{ name }}: {{ clv }}")
    assert render(t, {"name": "{{ 7 * 7 }}", "next_product": None, "clv": float("nan")}) == (
        "{{ 7 * 7 }}: ", "Hello {{ 7 * 7 }}.")  # a customer's text is never run as a template
    assert render(t, {"name": "Ann", "next_product": "Rye", "clv": 12})[1] == "Hello Ann, try Rye."
    with pytest.raises(UndefinedError):
        render(t, {"name": "Ann"})


def test_the_sandbox_stops_a_walk_into_python():
    t = Template("t", body="{{ name.__class__.__mro__ }}", line=1)
    with pytest.raises(SecurityError):
        render(t, {"name": "Ann"})


def test_scarcity_needs_stock_data():
    found = parse_playbooks("templates:\n  t: {body: 'Only 2 left!', framing: scarcity}\n")
    with pytest.raises(SettingsError, match="playbooks.yaml:2: template 't' claims scarcity"):
        check_playbooks(found, {}, [], set())
    check_playbooks(found, {}, [], set(), stock=True)
