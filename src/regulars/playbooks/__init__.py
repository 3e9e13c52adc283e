"""Playbooks: from what the engine knows to an action for a customer, through guards (consent,
caps, quiet hours, suppression, holdouts) and, where it matters, a person's approval."""

from regulars.playbooks._guards import (
    CONSENT,
    GLOBAL_CONTROL,
    capped,
    consented,
    deferred_from_quiet_hours,
    in_holdout,
    shop_cap,
    suppressed,
    zone_for,
)

__all__ = ["CONSENT", "GLOBAL_CONTROL", "capped", "consented", "deferred_from_quiet_hours", "in_holdout", "shop_cap",
           "suppressed", "zone_for"]
