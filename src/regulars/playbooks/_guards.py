"""The guards every action passes, each a pure function over a batch of candidate actions
(arrays, one entry per action), so the planner can say who was held back by which guard.

- Holdout: a fixed share of each playbook's customers gets nothing, chosen by a hash of the
  playbook and the customer, so the same customer is always in the same group (and a global
  control group, the same for every playbook, gets no marketing at all).
- Consent: a channel's messages go only to customers who said yes on it and have not
  unsubscribed since; an unknown answer is a no unless the shop says otherwise.
- Frequency caps: at most N messages per customer and channel within a window (the platforms'
  default for marketing email is one per 16 hours), and at most N actions a day shop-wide
  (the highest priority first).
- Quiet hours: nothing lands at night in the customer's time zone; the action is deferred to
  the morning, never dropped.
- Suppression: no marketing right after a purchase or a complaint.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["CONSENT", "GLOBAL_CONTROL", "at_best_hour", "chosen_channels", "consented", "deferred_from_quiet_hours",
           "in_holdout", "recent_sends", "shop_cap", "suppressed", "zone_for"]

#: The consent an action on each channel needs (the customers column that records it); tasks
#: for a person and webhooks to the shop's own systems message nobody by themselves.
CONSENT = {"email": "consent_email", "sms": "consent_sms", "audience": "consent_email"}
#: The key of the global control group: customers in it receive no marketing from any playbook.
GLOBAL_CONTROL = "global control"


def in_holdout(customer_ids: Sequence[str], key: str, share: float) -> np.ndarray:
    """Whether each customer is held out of ``key`` (a playbook's name, or ``GLOBAL_CONTROL``):
    the first 8 bytes of SHA-256 of key and customer id, as a fraction of 2^64, below ``share``.
    The same customer lands in the same group on every run and machine."""
    if not 0 <= share < 1:
        raise ValueError(f"a holdout share must be at least 0 and below 1, got {share!r}")
    prefix = key.encode() + b"\x1f"
    draws = np.fromiter((int.from_bytes(hashlib.sha256(prefix + str(c).encode()).digest()[:8], "big")
                         for c in customer_ids), dtype=np.uint64, count=len(customer_ids))
    return draws < np.uint64(int(share * 2**64))


def consented(channel: str, consent: Sequence[Any], unknown_is_yes: bool = False) -> np.ndarray:
    """Whether a message on ``channel`` may go to each customer: ``consent`` holds what their
    consent history says now on the channel's topic (True, False, or None when they never
    answered; an unsubscribe is a "no" in it until a later "yes"). Channels that message nobody
    need no consent."""
    if channel not in CONSENT:
        return np.ones(len(consent), dtype=bool)
    answer = pd.Series(consent, dtype=object)
    return answer.map(lambda v: unknown_is_yes if pd.isna(v) else bool(v)).to_numpy(dtype=bool)


def chosen_channels(channels: Sequence[str], best: Sequence[Any], agreed: dict[str, np.ndarray]) -> np.ndarray:
    """Per customer, the channel of ``channels`` a message goes by: their ``best`` channel when it
    is one of them and they agreed to it (``agreed``: per channel, per customer), else the first
    they agreed to, else the first (whose consent guard then holds it back)."""
    best = np.asarray(best, dtype=object)
    out = np.full(len(best), channels[0], dtype=object)
    for channel in reversed(channels):  # the first agreed-to channel, by the playbook's order
        out[agreed[channel]] = channel
    for channel in channels:
        out[(best == channel) & agreed[channel]] = channel
    return out


def recent_sends(customers: Sequence[str], channel: str, sent: pd.DataFrame, now: datetime, window: timedelta
                 ) -> np.ndarray:
    """How many messages each customer got on ``channel`` within ``window`` before ``now``, or
    has queued for later (a message waiting for the customer's best hour is as good as sent)
    (``sent``: customer_id, channel, variant, sent_at of earlier actions; holdout records are
    not messages). A frequency cap of N holds back customers at N or more."""
    recent = sent[(sent["channel"] == channel) & (sent["variant"] != "holdout") & (sent["sent_at"] > now - window)]
    return recent["customer_id"].value_counts().reindex(pd.Index(customers)).fillna(0).to_numpy(dtype=float, copy=True)


def shop_cap(priority: Sequence[float], value: Sequence[float], most: int) -> np.ndarray:
    """Which actions fit under a shop-wide cap of ``most``: the highest priority first, then the
    most valuable customer, ties in the order given. True for those kept."""
    if most < 1:
        raise ValueError(f"a shop-wide cap must allow at least 1 action, got {most!r}")
    order = np.lexsort((-np.nan_to_num(np.asarray(value, dtype=float)), -np.asarray(priority, dtype=float)))
    keep = np.zeros(len(order), dtype=bool)
    keep[order[:most]] = True
    return keep


def zone_for(countries: Sequence[Any], default: str) -> list[str]:
    """Each customer's time zone from their country (ISO code; the country's main zone), else
    ``default`` (the shop's)."""
    import pytz

    zones = []
    for country in countries:
        found = pytz.country_timezones.get(str(country).upper()) if isinstance(country, str) else None
        zones.append(found[0] if found else default)
    return zones


def deferred_from_quiet_hours(now: datetime, zones: Sequence[str], start: int = 21, end: int = 8
                              ) -> list[datetime | None]:
    """For each customer's time zone: None when ``now`` (UTC, naive) is outside the quiet hours
    [start, end) there, else the UTC time the quiet hours end (the action waits until then)."""
    import pytz

    out: list[datetime | None] = []
    utc = pytz.utc.localize(now)
    for zone in zones:
        local = utc.astimezone(pytz.timezone(zone))
        quiet = local.hour >= start or local.hour < end if start > end else start <= local.hour < end
        if not quiet:
            out.append(None)
            continue
        day = local.date() + timedelta(days=1) if start > end and local.hour >= start else local.date()
        morning = pytz.timezone(zone).localize(datetime(day.year, day.month, day.day, end))
        out.append(morning.astimezone(pytz.utc).replace(tzinfo=None))
    return out


def at_best_hour(now: datetime, zones: Sequence[str], hours: Sequence[float], start: int = 21, end: int = 8
                 ) -> list[datetime | None]:
    """For each customer: when (UTC, naive) their zone's clock next shows their best hour (now,
    within that hour); None where the hour is unknown or falls in the quiet hours [start, end)
    (the action then goes as it would without it). Worked out once per zone and hour."""
    import pytz

    utc = pytz.utc.localize(now)
    seen: dict[tuple[str, int], datetime | None] = {}

    def when(zone: str, h: int) -> datetime | None:
        if (h >= start or h < end) if start > end else start <= h < end:
            return None
        local = utc.astimezone(pytz.timezone(zone))
        if local.hour == h:
            return now
        day = local.date() if local.hour < h else local.date() + timedelta(days=1)
        return pytz.timezone(zone).localize(datetime(day.year, day.month, day.day, h)).astimezone(pytz.utc).replace(
            tzinfo=None)

    out: list[datetime | None] = []
    for zone, hour in zip(zones, hours, strict=True):
        if hour is None or hour != hour:
            out.append(None)
            continue
        key = (zone, int(hour) % 24)
        if key not in seen:
            seen[key] = when(*key)
        out.append(seen[key])
    return out


def suppressed(last_order_at: Sequence[Any], last_complaint_at: Sequence[Any], now: datetime,
               after_purchase: timedelta, after_complaint: timedelta) -> np.ndarray:
    """Whether each customer bought within ``after_purchase`` or complained within
    ``after_complaint`` before ``now`` (missing times never suppress)."""
    orders = pd.to_datetime(pd.Series(last_order_at), errors="coerce")
    complaints = pd.to_datetime(pd.Series(last_complaint_at), errors="coerce")
    now_ts = pd.Timestamp(now)
    return (((orders > now_ts - after_purchase) & (orders <= now_ts))
            | ((complaints > now_ts - after_complaint) & (complaints <= now_ts))).to_numpy(dtype=bool)
