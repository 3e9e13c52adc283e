"""Edits of playbooks.yaml's text: only the line changed moves, comments stay, and what cannot
be edited in place says so."""

from __future__ import annotations

import pytest

from regulars.errors import SettingsError
from regulars.playbooks import STARTER_YAML, parse_playbooks, set_enabled, set_template, set_threshold


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    return [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]


def test_a_playbook_is_switched_and_its_threshold_moved_in_place():
    after = set_threshold(set_enabled(STARTER_YAML, "churn-win-back", True), "churn-win-back", "above", 0.65)
    found = parse_playbooks(after).playbooks["churn-win-back"]
    assert found.enabled and found.trigger.options["above"] == 0.65
    assert len(changed_lines(STARTER_YAML, after)) == 2 and after.count("#") == STARTER_YAML.count("#")
    assert parse_playbooks(after).playbooks["churn-nurture"].trigger.options["at_least"] == 0.4  # others untouched


def test_a_chance_threshold_takes_a_percentage_as_the_owner_writes_it():
    as_percent = set_threshold(STARTER_YAML, "churn-win-back", "above", 80)
    assert parse_playbooks(as_percent).playbooks["churn-win-back"].trigger.options["above"] == 0.8
    as_share = set_threshold(STARTER_YAML, "churn-win-back", "above", 0.8)
    assert parse_playbooks(as_share).playbooks["churn-win-back"].trigger.options["above"] == 0.8
    with pytest.raises(SettingsError, match="a chance is between 0 and 100%"):
        set_threshold(STARTER_YAML, "churn-win-back", "above", 180)


def test_a_template_is_rewritten_as_a_quoted_string():
    after = set_template(STARTER_YAML, "win-back", 'Hello "{{ name }}": 20% off', "Line one\nline two")
    template = parse_playbooks(after).templates["win-back"]
    assert template.subject == 'Hello "{{ name }}": 20% off' and template.body == "Line one\nline two"
    assert len(after.splitlines()) == len(STARTER_YAML.splitlines())


@pytest.mark.parametrize(("edit", "words"), [
    (lambda t: set_enabled(t, "no-such-play", True), "no playbook 'no-such-play'"),
    (lambda t: set_threshold(t, "churn-win-back", "below", 0.2), "has no below"),
    (lambda t: set_threshold(t, "churn-win-back", "sideways", 0.2), "a threshold is one of"),
    (lambda t: set_template(t, "nope", "s", None), "no template 'nope'"),
    (lambda t: set_template(t, "win-back", "two\nlines", None), "a subject is one line"),
])
def test_what_cannot_be_edited_says_why(edit, words):
    with pytest.raises(SettingsError, match=words):
        edit(STARTER_YAML)
