"""Planning: who each enabled playbook would reach now, with what and why, and who was held back
by which guard. Pure: it reads a ``Situation`` (frames the application layer loads from the
store) and returns one row per (customer, playbook) the trigger selected, so a dry run and a real
run are the same computation.

Order of the guards, and why: first who may be contacted at all (the global control group,
consent, suppression after a purchase or complaint, the playbook's cool-down); then the
holdout is drawn among those, so treated and held-out customers are alike; then the caps
(per customer and channel, across playbooks in priority order, and shop-wide) and quiet hours
apply to the treated only; last, actions for high-value customers or from playbooks set to
review wait for a person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from regulars.playbooks._guards import (
    CONSENT,
    GLOBAL_CONTROL,
    consented,
    deferred_from_quiet_hours,
    in_holdout,
    recent_sends,
    shop_cap,
    zone_for,
)
from regulars.playbooks._spec import Playbook, PlaybookSet
from regulars.playbooks._triggers import in_band

__all__ = ["COOL_DOWN_DAYS", "Situation", "plan", "triggered"]

#: A playbook does not reach the same customer again within this many days.
COOL_DOWN_DAYS = 30
PLANNED, HELD_OUT, REVIEW, HELD_BACK = "planned", "held out", "needs approval", "held back"


@dataclass
class Situation:
    """What the planner sees as of ``at`` (UTC). ``fields``: a row per customer (index
    customer_id) with every rule field of the latest run; ``pairs``: its (row, segment)
    memberships; ``previous``: (customer_id, segment) of the run before (None on a first run);
    ``profile``: customers' name, country, consent_email, consent_sms, birthday (index
    customer_id); ``events``: customer_id, event_type, occurred_at; ``orders``: customer_id,
    ordered_at; ``sent``: earlier actions (customer_id, channel, playbook, variant, sent_at);
    ``complaints``: customer_id, opened_at."""

    at: datetime
    fields: pd.DataFrame
    pairs: pd.DataFrame
    segment_names: list[str]
    previous: pd.DataFrame | None = None
    profile: pd.DataFrame = field(default_factory=pd.DataFrame)
    events: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"customer_id": [], "event_type": [], "occurred_at": pd.Series([], dtype="datetime64[us]")}))
    orders: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"customer_id": [], "ordered_at": pd.Series([], dtype="datetime64[us]")}))
    sent: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"customer_id": [], "channel": [], "playbook": [], "variant": [], "sent_at": pd.Series([], dtype="datetime64[us]")}))
    complaints: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"customer_id": [], "opened_at": pd.Series([], dtype="datetime64[us]")}))
    arrivals: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"category": [], "first_sold": pd.Series([], dtype="datetime64[us]")}))

    def column(self, name: str) -> np.ndarray:
        """A field per customer (NaN or None where missing or unknown)."""
        if name in self.fields:
            return self.fields[name].to_numpy()
        if name in self.profile:
            return self.profile[name].reindex(self.fields.index).to_numpy()
        return np.full(len(self.fields), np.nan)

    def members(self, segment: str) -> np.ndarray:
        mask = np.zeros(len(self.fields), dtype=bool)
        mask[self.pairs["row"].to_numpy()[(self.pairs["segment"] == segment).to_numpy()]] = True
        return mask

    def were_members(self, segment: str) -> np.ndarray | None:
        if self.previous is None:
            return None
        ids = self.previous.loc[self.previous["segment"] == segment, "customer_id"]
        return self.fields.index.isin(ids)


def _days(values: Any) -> np.ndarray:
    return np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)


def _counts_since(frame: pd.DataFrame, when: str, since: datetime, at: datetime, index: pd.Index,
                  event: str | None = None) -> np.ndarray:
    rows = frame[(frame[when] >= since) & (frame[when] < at)]
    if event is not None:
        rows = rows[rows["event_type"] == event]
    return rows["customer_id"].value_counts().reindex(index).fillna(0).to_numpy()


def triggered(book: Playbook, s: Situation) -> np.ndarray:
    """Which customers the playbook's trigger selects as of ``s.at``."""
    o, index = book.trigger.options, s.fields.index
    kind = book.trigger.kind
    if kind == "score":
        return in_band(_days(s.column(o["field"])), o)
    if kind == "segment":
        now = s.members(o["segment"])
        before = s.were_members(o["segment"])
        if o["change"] == "in" or before is None:  # a first run: everyone in it has just entered
            return now if o["change"] != "leaves" else np.zeros(len(index), dtype=bool)
        return now & ~before if o["change"] == "enters" else before & ~now
    if kind == "event":
        since = s.at - timedelta(days=o["within_days"])
        hit = _counts_since(s.events, "occurred_at", since, s.at, index, o["event"]) >= o["at_least"]
        if o["without"] == "order":
            hit &= _counts_since(s.orders, "ordered_at", since, s.at, index) == 0
        elif o["without"]:
            hit &= _counts_since(s.events, "occurred_at", since, s.at, index, o["without"]) == 0
        return hit
    date = o["date"]
    if date == "birthday":
        born = pd.to_datetime(pd.Series(s.column("birthday")), errors="coerce")
        return ((born.dt.month == s.at.month) & (born.dt.day == s.at.day)).to_numpy(dtype=bool)
    if date == "days_after_order":
        return _days(s.column("days_since_last_order")) == o["days"]
    if date == "days_without_activity":
        quiet = np.fmin(_days(s.column("days_since_last_order")), _days(s.column("days_since_last_event")))
        return quiet == o["days"]  # on the day it is reached: 29 days is nothing yet
    if date == "replenishment_due":
        due = _days(s.column("replenish_in_days"))
        return (due >= 0) & (due <= o["days_before"])
    if date == "cross_sell_due":
        due = _days(s.column("cross_sell_in_days"))
        return (due <= 0) & (due > -7)  # from its usual day on (not before), for a week
    if date == "new_arrivals":  # a product first sold within the days, in a category they are interested in
        fresh = s.arrivals[(s.arrivals["first_sold"] >= s.at - timedelta(days=o["days"]))
                           & (s.arrivals["first_sold"] < s.at)]["category"].unique()
        hit = np.zeros(len(index), dtype=bool)
        for category in fresh:
            hit |= s.members(f"interested in {category}")
        return hit
    raise ValueError(f"playbook {book.name!r}: the {date} trigger is not supported by the planner yet")


def plan(found: PlaybookSet, s: Situation, value: str = "clv") -> pd.DataFrame:
    """One row per (customer, enabled playbook) selected by its trigger and condition: customer_id,
    playbook, channel, template, priority, status (planned, held out, needs approval, held back),
    guard (what held it back), deliver_at (UTC; later than ``at`` when quiet hours defer it),
    value (the customer's ``value`` field) and why (the trigger in words). Planned actions come
    first, by priority then value."""
    from regulars.segments import evaluate_rules

    g, index = found.guards, s.fields.index
    columns = ["customer_id", "playbook", "channel", "template", "priority", "status", "guard", "deliver_at", "value",
               "why"]
    control = in_holdout(index, GLOBAL_CONTROL, g.global_control) if g.global_control else np.zeros(len(index), bool)
    zones = zone_for(list(s.column("country")), g.time_zone)
    deferred = dict(zip(sorted(set(zones)), deferred_from_quiet_hours(s.at, sorted(set(zones)), g.quiet_start,
                                                                       g.quiet_end), strict=True))
    recent_order = _counts_since(s.orders, "ordered_at", s.at - timedelta(days=g.suppress_after_purchase_days), s.at,
                                 index) > 0
    recent_complaint = _counts_since(s.complaints, "opened_at", s.at - timedelta(days=g.suppress_after_complaint_days),
                                     s.at, index) > 0
    worth = _days(s.column(value))
    windows = {"email": (timedelta(hours=g.email_hours), g.email_per_window),
               "sms": (timedelta(hours=g.sms_hours), g.sms_per_window)}
    # sends in each channel's window, by customer, counting this plan's own as they are made
    window_sends = {channel: recent_sends(index, channel, s.sent, s.at, span) for channel, (span, _) in windows.items()}
    unsubscribed = {c: _counts_since(s.events, "occurred_at", datetime(1900, 1, 1), s.at + timedelta(days=1), index,
                                     f"{c}_unsubscribe") > 0 for c in ("email", "sms")}
    parts = []
    books = sorted((b for b in found.playbooks.values() if b.enabled), key=lambda b: (-b.action.priority, b.name))
    for book in books:
        hit = triggered(book, s)
        if book.when:
            hit &= evaluate_rules({book.name: book.when}, s.fields, s.pairs, s.segment_names)[book.name]
        rows = np.flatnonzero(hit)
        if not len(rows):
            continue
        channel = book.action.channel
        guard = np.full(len(rows), "", dtype=object)

        def hold(mask: np.ndarray, reason: str, guard: np.ndarray = guard) -> None:
            guard[(guard == "") & mask] = reason

        hold(control[rows], "global control group")
        need = book.action.consent or (("sms" if channel == "sms" else "email") if channel in CONSENT else None)
        if need:
            yes = consented(need, s.column(CONSENT[need])[rows], unsubscribed[need][rows],
                            unknown_is_yes=g.unknown_consent == "yes")
            hold(~yes, f"no consent on {need}")
        hold(recent_order[rows], "suppressed: ordered recently")
        hold(recent_complaint[rows], "suppressed: recent complaint")
        earlier = s.sent[(s.sent["playbook"] == book.name) & (s.sent["sent_at"] > s.at - timedelta(days=COOL_DOWN_DAYS))]
        hold(index[rows].isin(earlier["customer_id"]), f"reached by this playbook in the last {COOL_DOWN_DAYS} days")
        eligible = guard == ""
        held_out = eligible & (in_holdout(index[rows], book.name, book.holdout) if book.holdout else False)
        status = np.where(guard != "", HELD_BACK, np.where(held_out, HELD_OUT, PLANNED)).astype(object)
        if channel in windows:
            _, most = windows[channel]
            full = (status == PLANNED) & (window_sends[channel][rows] >= most)
            status[full], guard[full] = HELD_BACK, "frequency cap"
            window_sends[channel][rows[status == PLANNED]] += 1
        review = book.review | ((worth[rows] > g.review_value_above) if g.review_value_above is not None else False)
        status[(status == PLANNED) & review] = REVIEW
        when = np.array([deferred[zones[r]] or s.at for r in rows], dtype=object)
        parts.append(pd.DataFrame({
            "customer_id": index[rows], "playbook": book.name, "channel": channel, "template": book.action.template,
            "priority": book.action.priority, "status": status, "guard": guard,
            "deliver_at": np.where(np.isin(status, [PLANNED, REVIEW]), when, None), "value": worth[rows],
            "why": book.description or book.name}))
    if not parts:
        return pd.DataFrame(columns=columns)
    out = pd.concat(parts, ignore_index=True)
    if g.shop_daily_cap is not None:
        active = np.flatnonzero(out["status"].isin([PLANNED, REVIEW]).to_numpy())
        kept = shop_cap(out["priority"].to_numpy()[active], out["value"].to_numpy()[active], g.shop_daily_cap)
        over = active[~kept]
        out.loc[over, "status"], out.loc[over, "guard"], out.loc[over, "deliver_at"] = HELD_BACK, "shop-wide cap", None
    rank = out["status"].map({PLANNED: 0, REVIEW: 1, HELD_OUT: 2, HELD_BACK: 3})
    out = out.assign(_rank=rank, _value=-out["value"].fillna(0)).sort_values(
        ["_rank", "priority", "_value", "customer_id"], ascending=[True, False, True, True], kind="stable")
    return out.drop(columns=["_rank", "_value"]).reset_index(drop=True)[columns]
