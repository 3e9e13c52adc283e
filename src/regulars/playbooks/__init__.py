"""Playbooks: from what the engine knows to an action for a customer, through guards (consent,
caps, quiet hours, suppression, holdouts) and, where it matters, a person's approval."""

from regulars.playbooks._applies import absent_names
from regulars.playbooks._edit import (
    THRESHOLDS,
    on_a_chance,
    set_enabled,
    set_group_levels,
    set_template,
    set_threshold,
)
from regulars.playbooks._guards import (
    CONSENT,
    GLOBAL_CONTROL,
    consented,
    deferred_from_quiet_hours,
    in_holdout,
    recent_sends,
    shop_cap,
    suppressed,
    zone_for,
)
from regulars.playbooks._plan import COOL_DOWN_DAYS, Situation, due_follow_ups, plan, triggered
from regulars.playbooks._check import check_playbooks
from regulars.playbooks._spec import (
    CHANNELS,
    REACTIVE_TRIGGERS,
    Action,
    FollowUp,
    Guards,
    Playbook,
    PlaybookSet,
    Template,
    Trigger,
    parse_playbooks,
)
from regulars.playbooks._starter import STARTER_YAML, starter_yaml
from regulars.playbooks._survey import LINK_PLACEHOLDER, SURVEYS, Survey, read_link, sign_link
from regulars.playbooks._templates import render, template_fields
from regulars.playbooks._triggers import in_band

__all__ = [
    "Action",
    "CHANNELS",
    "CONSENT",
    "COOL_DOWN_DAYS",
    "FollowUp",
    "GLOBAL_CONTROL",
    "Guards",
    "LINK_PLACEHOLDER",
    "Playbook",
    "PlaybookSet",
    "REACTIVE_TRIGGERS",
    "STARTER_YAML",
    "SURVEYS",
    "Situation",
    "Survey",
    "THRESHOLDS",
    "Template",
    "Trigger",
    "absent_names",
    "check_playbooks",
    "consented",
    "deferred_from_quiet_hours",
    "due_follow_ups",
    "in_band",
    "in_holdout",
    "on_a_chance",
    "parse_playbooks",
    "plan",
    "read_link",
    "recent_sends",
    "render",
    "set_enabled",
    "set_group_levels",
    "set_template",
    "set_threshold",
    "shop_cap",
    "sign_link",
    "starter_yaml",
    "suppressed",
    "template_fields",
    "triggered",
    "zone_for",
]
