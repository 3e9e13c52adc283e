"""The playbook file: the starter set reads and fits a shop's fields, its bands split where the
practice says, and every kind of bad input is an error naming the line."""

from __future__ import annotations

import pytest

from regulars.errors import SettingsError
from regulars.playbooks import STARTER_YAML, check_playbooks, in_band, parse_playbooks

FIELDS = {"churn_probability": "number", "engagement": "number", "orders_total": "number", "clv": "number",
          "city": "text", "email": "text"}
SEGMENTS = ["Champions", "engagement: hot", "engagement: warm", "lifecycle: new", "lifecycle: prospect",
            "behaviour: one-time"]
TEMPLATE_FIELDS = {"name", "email", "phone", "engagement", "next_product", "cross_sell_product", "replenish_product",
                   "interest"}


def check(text: str) -> None:
    check_playbooks(parse_playbooks(text), FIELDS, SEGMENTS, TEMPLATE_FIELDS)


def test_the_starter_set_reads_and_fits_the_shop():
    found = parse_playbooks(STARTER_YAML)
    check_playbooks(found, FIELDS, SEGMENTS, TEMPLATE_FIELDS)
    assert len(found.playbooks) == 25 and not any(p.enabled for p in found.playbooks.values())
    assert found.guards.email_hours == 16 and found.guards.email_per_window == 1
    assert found.playbooks["vip-recognition"].review
    assert found.playbooks["hot-lead-handoff"].action.channel == "task"
    assert found.playbooks["churn-win-back"].follow_ups[0].if_ == "no_response"


def test_churn_bands_split_at_seventy_and_forty_percent():
    found = parse_playbooks(STARTER_YAML).playbooks
    probabilities = [0.39, 0.40, 0.55, 0.70, 0.71, float("nan")]
    win_back = in_band(probabilities, found["churn-win-back"].trigger.options)
    nurture = in_band(probabilities, found["churn-nurture"].trigger.options)
    assert win_back.tolist() == [False, False, False, False, True, False]  # 0.71 -> win-back
    assert nurture.tolist() == [False, True, True, True, False, False]  # exactly 0.70 -> nurture
    assert not (win_back & nurture).any()  # below 0.40: monitoring only


def test_a_group_with_its_own_level_is_picked_at_it_and_the_others_at_the_trigger_s():
    from regulars.playbooks import set_group_levels

    text = set_group_levels(STARTER_YAML, "churn-nurture", "region", {"London": 0.5, "Ile-de-France": 0.45})
    options = parse_playbooks(text).playbooks["churn-nurture"].trigger.options
    assert options["by_group"] == "region" and options["levels"] == {"London": 0.5, "Ile-de-France": 0.45}
    values = [0.42, 0.42, 0.42, 0.47, 0.47]
    groups = ["London", "Ile-de-France", None, "London", "Ile-de-France"]
    assert in_band(values, options, groups).tolist() == [False, False, True, False, True]
    assert in_band(values, options).tolist() == [True] * 5  # no groups known: the trigger's own level
    again = set_group_levels(text, "churn-nurture", "region", {"London": 0.41})  # replaced, not added
    assert parse_playbooks(again).playbooks["churn-nurture"].trigger.options["levels"] == {"London": 0.41}
    assert [line for line in again.splitlines() if "by_group" in line] == [
        '    trigger: {score: churn_probability, at_least: 0.40, at_most: 0.70, by_group: "region", '
        'levels: {"London": 0.41}}']


@pytest.mark.parametrize("text, line, says", [
    ("playbooks:\n  a:\n    trigger: {enters: Champoins}\n    action: {channel: task, template: t}\n"
     "templates:\n  t: {body: hi}\n", 3, "no segment 'Champoins' (did you mean 'Champions'?)"),
    ("playbooks:\n  a:\n    trigger: {score: churn_probabilty, above: 0.7}\n    action: {channel: task, template: t}\n"
     "templates:\n  t: {body: hi}\n", 3, "no score 'churn_probabilty'"),
    ("playbooks:\n  a:\n    trigger: {enters: Champions}\n    action: {channel: pigeon}\n", 4,
     "channel must be one of email, sms, task, webhook, audience"),
    ("playbooks:\n  a:\n    trigger: {enters: Champions}\n    action: {channel: email, template: t}\n"
     "templates:\n  t: {subject: 'Hi {{ nmae }}', body: x}\n", 6, "uses 'nmae', which customers do not have"),
    ("playbooks:\n  a:\n    trigger: {enters: Champions}\n    when: 'orders_total >'\n"
     "    action: {channel: task, template: t}\ntemplates:\n  t: {body: hi}\n", 4, "when: line 1, column 15"),
    ("guards:\n  email_per_window: 0\n", 2, "email_per_window must be at least 1"),
    ("guards:\n  shop_daily_cap: 0\n", 2, "shop_daily_cap must be at least 1"),
    ("playbooks:\n  a:\n    trigger: {enters: Champions}\n    action: {channel: webhook, url: 'ftp://x'}\n", 4,
     "a webhook needs an http(s) url"),
    ("playbooks:\n  a:\n    trigger: {enters: Champions}\n    action: {channel: email, template: nope}\n", 4,
     "no template 'nope'"),
    ("playbooks:\n  a:\n    triger: {enters: Champions}\n", 3, "unknown setting 'triger' in playbook 'a' "
                                                             "(did you mean 'trigger'?)"),
    ("playbooks:\n  a:\n    trigger: {event: cart_abandn}\n    action: {channel: task, template: t}\n", 3,
     "unknown event type 'cart_abandn' (did you mean 'cart_abandon'?)"),
    ("playbooks:\n  a:\n    trigger: {enters: Champions}\n    holdout: 1.5\n    action: {channel: task, template: t}\n",
     4, "holdout must be at least 0 and below 1"),
    ("playbooks:\n  a: [1\n", 3, "not valid YAML"),
    ("playbooks:\n  a: {trigger: {enters: X}, action: {channel: task, template: t}}\n  a: {}\n", 3, "given twice"),
    ("templates:\n  t: {body: '{% if %}'}\nplaybooks: {}\n", 2, "template 't'"),
    ("guards:\n  time_zone: Mars/Olympus\n", 2, "time_zone must be a zone"),
    ("playbooks:\n  a:\n    trigger: {score: churn_probability, above: 0.7, levels: {GB: 0.6}}\n"
     "    action: {channel: task, template: t}\ntemplates:\n  t: {body: hi}\n", 3, "need by_group"),
    ("playbooks:\n  a:\n    trigger: {score: churn_probability, above: 0.7, by_group: country, levels: {GB: 1.6}}\n"
     "    action: {channel: task, template: t}\ntemplates:\n  t: {body: hi}\n", 3, "GB must be at least 0 and at most 1"),
    ("playbooks:\n  a:\n    trigger: {score: churn_probability, below: 0.7, by_group: country, levels: {GB: 0.6}}\n"
     "    action: {channel: task, template: t}\ntemplates:\n  t: {body: hi}\n", 3, "give it above or at_least"),
])
def test_bad_input_names_the_line(text, line, says):
    with pytest.raises(SettingsError) as caught:
        check(text)
    message = str(caught.value)
    assert message.startswith(f"playbooks.yaml:{line}:"), message
    assert says in message, message


def test_an_empty_file_has_no_playbooks():
    assert parse_playbooks("").playbooks == {}
    assert parse_playbooks("# nothing yet\n").templates == {}
