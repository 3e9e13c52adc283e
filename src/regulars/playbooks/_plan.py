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
    at_best_hour,
    chosen_channels,
    consented,
    deferred_from_quiet_hours,
    in_holdout,
    recent_sends,
    shop_cap,
    suppressed,
    zone_for,
)
from regulars.playbooks._spec import Playbook, PlaybookSet
from regulars.playbooks._triggers import in_band
from regulars.schema import SENDING_CHANNELS

__all__ = ["COOL_DOWN_DAYS", "Situation", "due_follow_ups", "plan", "triggered"]

#: A playbook does not reach the same customer again within this many days.
COOL_DOWN_DAYS = 30
#: The most days an exact-day trigger (a birthday, day 30 without activity) is caught up after
#: days with no queued plan.
MAX_CATCH_UP_DAYS = 7
#: Date triggers that fire on one day per customer (caught up after days without a plan).
EXACT_DAY = ("birthday", "days_after_order", "days_after_delivery", "days_without_activity")
PLANNED, HELD_OUT, REVIEW, HELD_BACK = "planned", "held out", "needs approval", "held back"


@dataclass
class Situation:
    """What the planner sees as of ``at`` (UTC). ``fields``: a row per customer (index
    customer_id) with every rule field of the latest run; ``pairs``: its (row, segment)
    memberships; ``previous``: (customer_id, segment) of the run before (None on a first run);
    ``profile``: customers' name, country, consent_email, consent_sms, birthday (index
    customer_id); ``events``: customer_id, event_type, occurred_at, url; ``orders``: customer_id,
    ordered_at; ``deliveries``: customer_id, delivered_at (their latest delivery); ``sent``:
    earlier actions (customer_id, channel, playbook, variant, sent_at);
    ``tickets``: customer_id, opened_at, status, negative (a complaint); ``arrivals``: category, first_sold of each product;
    ``excluded``: (playbook, customer_id) a person excluded; ``queued``: (customer_id,
    playbook, step) of actions already in the outbox; ``rejected``: (customer_id, playbook,
    step) of actions a person rejected (never planned again); ``paused``: customer_id, paused_at
    (a crisis playbook paused their marketing: held as after a complaint); ``last_queued``: when a plan was last
    queued before ``at``'s day."""

    at: datetime
    fields: pd.DataFrame
    pairs: pd.DataFrame
    segment_names: list[str]
    previous: pd.DataFrame | None = None
    profile: pd.DataFrame = field(default_factory=pd.DataFrame)
    events: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"customer_id": [], "event_type": [], "occurred_at": pd.Series([], dtype="datetime64[us]"), "url": []}))
    orders: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"customer_id": [], "ordered_at": pd.Series([], dtype="datetime64[us]")}))
    deliveries: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"customer_id": [], "delivered_at": pd.Series([], dtype="datetime64[us]")}))
    sent: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"customer_id": [], "channel": [], "playbook": [], "variant": [], "sent_at": pd.Series([], dtype="datetime64[us]")}))
    tickets: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"customer_id": [], "opened_at": pd.Series([], dtype="datetime64[us]"), "status": [], "negative": [],
         "resolved_at": pd.Series([], dtype="datetime64[us]")}))
    arrivals: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"category": [], "first_sold": pd.Series([], dtype="datetime64[us]")}))
    excluded: pd.DataFrame = field(default_factory=lambda: pd.DataFrame({"playbook": [], "customer_id": []}))
    queued: pd.DataFrame = field(default_factory=lambda: pd.DataFrame({"customer_id": [], "playbook": [], "step": []}))
    rejected: pd.DataFrame = field(default_factory=lambda: pd.DataFrame({"customer_id": [], "playbook": [], "step": []}))
    paused: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"customer_id": [], "paused_at": pd.Series([], dtype="datetime64[us]")}))
    last_queued: datetime | None = None
    #: actions queued earlier on ``at``'s day that count against the shop-wide cap (a reaction's
    #: plan; the daily plan is the day's first and counts its own)
    cap_used: int = 0

    @property
    def missed_days(self) -> int:
        """Days between the last queued plan and this one that had none (at most a week): an
        exact-day trigger reached on one of them still fires now, once, a day or more late."""
        if self.last_queued is None:
            return 0
        return int(min(MAX_CATCH_UP_DAYS, max(0, (self.at.date() - pd.Timestamp(self.last_queued).date()).days - 1)))

    def column(self, name: str) -> np.ndarray:
        """A field per customer (NaN or None where missing or unknown)."""
        if name in self.fields:
            return self.fields[name].to_numpy()
        if name in self.profile:
            return self.profile[name].reindex(self.fields.index).to_numpy()
        return np.full(len(self.fields), np.nan)

    def groups(self, attribute: str) -> np.ndarray:
        """Each customer's group by ``attribute`` (region, gender, ...; None where not known)."""
        from regulars.features import customer_groups

        found = customer_groups(self.profile.reset_index(), attribute, self.at.date())
        return found.reindex(self.fields.index).to_numpy(dtype=object)

    def consent(self, column: str) -> np.ndarray:
        """A consent column from the profile: what the person's consent history says now (the
        run's field of the same name is a model's signal, not permission: never read here)."""
        if column in self.profile:
            return self.profile[column].reindex(self.fields.index).to_numpy()
        return np.full(len(self.fields), None, dtype=object)

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
                  event: str | tuple[str, ...] | None = None) -> np.ndarray:
    rows = frame[(frame[when] >= since) & (frame[when] < at)]
    if event is not None:
        rows = rows[rows["event_type"].isin((event,) if isinstance(event, str) else event)]
    return rows["customer_id"].value_counts().reindex(index).fillna(0).to_numpy()


def _last(frame: pd.DataFrame, when: str, at: datetime, index: pd.Index) -> np.ndarray:
    """Each customer's latest ``when`` before ``at`` (None where there is none)."""
    rows = frame[frame[when] < at]
    return rows.groupby("customer_id")[when].max().reindex(index).astype(object).where(lambda v: v.notna(), None
                                                                                     ).to_numpy()


def late_days(book: Playbook, s: Situation) -> np.ndarray:
    """For an exact-day trigger, how many days after its day each customer is (0: on the day):
    the days no plan was queued are caught up."""
    o, n = book.trigger.options, len(s.fields)
    if book.trigger.kind != "date" or o["date"] not in EXACT_DAY:
        return np.zeros(n)
    if o["date"] == "birthday":
        born = pd.to_datetime(pd.Series(s.column("birthday")), errors="coerce")
        since = []
        for year in (s.at.year, s.at.year - 1):  # a birthday on 31 December is caught up on 2 January
            day = pd.to_datetime({"year": np.full(n, year), "month": born.dt.month, "day": born.dt.day}, errors="coerce")
            since.append((pd.Timestamp(s.at.date()) - day).dt.days.to_numpy(dtype=float))
        this_year, last_year = since
        return np.nan_to_num(np.where(this_year >= 0, this_year, last_year), nan=-1.0)
    if o["date"] == "days_after_order":
        return _days(s.column("days_since_last_order")) - o["days"]
    if o["date"] == "days_after_delivery":  # a delivery after ``at`` (a date planned ahead) is not one yet
        delivered = s.deliveries.set_index("customer_id")["delivered_at"].reindex(s.fields.index)
        since = (pd.Timestamp(s.at.date()) - pd.to_datetime(delivered).dt.normalize()).dt.days
        return since.to_numpy(dtype=float, na_value=np.nan) - o["days"]
    quiet = np.fmin(_days(s.column("days_since_last_order")), _days(s.column("days_since_last_event")))
    return quiet - o["days"]


def triggered(book: Playbook, s: Situation) -> np.ndarray:
    """Which customers the playbook's trigger selects as of ``s.at``."""
    o, index = book.trigger.options, s.fields.index
    kind = book.trigger.kind
    if kind == "metric":  # acted on by the run when its alert watch finds a move, never per customer
        return np.zeros(len(index), dtype=bool)
    if kind == "score":
        return in_band(_days(s.column(o["field"])), o, s.groups(o["by_group"]) if "by_group" in o else None)
    if kind == "segment":
        now = s.members(o["segment"])
        before = s.were_members(o["segment"])
        if o["change"] == "in" or before is None:  # a first run: everyone in it has just entered
            return now if o["change"] != "leaves" else np.zeros(len(index), dtype=bool)
        return now & ~before if o["change"] == "enters" else before & ~now
    if kind == "ticket":
        since = s.at - timedelta(days=o["within_days"])
        if o["ticket"] == "solved":  # by when it was solved, however long ago it was opened
            solved = s.tickets["resolved_at"]
            rows = s.tickets[(solved >= since) & (solved < s.at) & s.tickets["status"].isin(["solved", "closed"])]
            return rows["customer_id"].value_counts().reindex(index).fillna(0).to_numpy() >= o["at_least"]
        rows = s.tickets[(s.tickets["opened_at"] >= since) & (s.tickets["opened_at"] < s.at)]
        if o["ticket"] == "open":
            rows = rows[rows["status"].isin(["open", "pending"])]
        elif o["ticket"] == "negative":
            rows = rows[rows["negative"].astype(bool)]
        return rows["customer_id"].value_counts().reindex(index).fillna(0).to_numpy() >= o["at_least"]
    if kind == "event":
        since = s.at - timedelta(days=o["within_days"])
        events = s.events
        if o.get("page"):  # only views of pages whose address matches
            from regulars._pages import page_pattern

            urls = events["url"] if "url" in events else pd.Series(None, index=events.index, dtype=object)
            events = events[urls.fillna("").str.fullmatch(page_pattern(o["page"]).removeprefix("(?i)"), case=False)]
        hit = _counts_since(events, "occurred_at", since, s.at, index, o["event"]) >= o["at_least"]
        if o["without"] == "order":
            hit &= _counts_since(s.orders, "ordered_at", since, s.at, index) == 0
        elif o["without"]:
            hit &= _counts_since(s.events, "occurred_at", since, s.at, index, o["without"]) == 0
        return hit
    date = o["date"]
    if date in EXACT_DAY:
        # on the day it is reached (29 days without activity is nothing yet), or on a day since the
        # last queued plan; a later order or visit starts the count again, so a moot one never fires
        late = late_days(book, s)
        return (late >= 0) & (late <= s.missed_days)
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


def due_follow_ups(book: Playbook, s: Situation) -> list[tuple[int, np.ndarray]]:
    """For each of the playbook's follow-ups (step 1, 2, ...): which customers it is due for as of
    ``s.at``. A follow-up counts from the playbook's first message to the customer (``s.sent``,
    variant treatment); it is due from ``after_days`` later, for a week, when its condition holds
    since that message (opened: an email_open; not_opened: none; no_response: no order and no
    click), and only once (``s.queued`` holds the steps already queued)."""
    index = s.fields.index
    first = s.sent[(s.sent["playbook"] == book.name) & (s.sent["variant"] == "treatment")
                   & (s.sent["sent_at"] <= s.at)].groupby("customer_id")["sent_at"].max()
    out = []
    for step, follow in enumerate(book.follow_ups, start=1):
        since = first.reindex(index).to_numpy(dtype="datetime64[us]")
        known = ~np.isnat(since)
        due = known.copy()
        due[known] = ((since[known] + np.timedelta64(int(follow.after_days * 86400), "s") <= np.datetime64(s.at))
                      & (since[known] + np.timedelta64(int((follow.after_days + 7) * 86400), "s")
                         > np.datetime64(s.at)))
        done = s.queued[(s.queued["playbook"] == book.name) & (s.queued["step"] == step)]["customer_id"]
        due &= ~index.isin(done)
        if due.any():
            when = pd.Series(since, index=index)

            def after(frame: pd.DataFrame, column: str, kinds: tuple[str, ...] | None = None) -> np.ndarray:
                rows = frame if kinds is None else frame[frame["event_type"].isin(kinds)]
                rows = rows[rows["customer_id"].isin(index[due])]
                later = rows[column].to_numpy() > when.reindex(rows["customer_id"]).to_numpy()
                return index.isin(rows["customer_id"][later])

            opened = after(s.events, "occurred_at", ("email_open",))
            responded = after(s.orders, "ordered_at") | after(s.events, "occurred_at", ("email_click", "sms_click"))
            due &= {"opened": opened, "not_opened": ~opened, "no_response": ~responded}[follow.if_]
        out.append((step, due))
    return out


def plan(found: PlaybookSet, s: Situation, value: str = "clv", follow_ups: bool = True) -> pd.DataFrame:
    """One row per (customer, enabled playbook, step) selected by its trigger and condition (step
    0) or a due follow-up (step 1, 2, ...): customer_id, playbook, step, channel, template,
    priority, status (planned, held out, needs approval, held back), guard (what held it back),
    deliver_at (UTC; later than ``at`` when quiet hours defer it), value (the customer's
    ``value`` field), cost and why (the trigger in words). Planned actions come first, by
    priority then value. Without ``follow_ups`` only new sequences start (a reaction to events
    as they arrive; follow-ups are the daily plan's)."""
    from regulars.segments import evaluate_rules

    g, index = found.guards, s.fields.index
    columns = ["customer_id", "playbook", "step", "channel", "template", "priority", "status", "guard", "deliver_at",
               "timing", "value", "cost", "why"]
    control = in_holdout(index, GLOBAL_CONTROL, g.global_control) if g.global_control else np.zeros(len(index), bool)
    zones = zone_for(list(s.column("country")), g.time_zone)
    deferred = dict(zip(sorted(set(zones)), deferred_from_quiet_hours(s.at, sorted(set(zones)), g.quiet_start,
                                                                       g.quiet_end), strict=True))
    best_times = at_best_hour(s.at, zones, list(s.column("best_hour")), g.quiet_start, g.quiet_end)
    none = np.full(len(index), None, dtype=object)
    last_order = _last(s.orders, "ordered_at", s.at, index)
    complaints = s.tickets.loc[s.tickets["negative"].astype(bool), ["customer_id", "opened_at"]]
    if len(s.paused):
        complaints = pd.concat([complaints, s.paused.set_axis(["customer_id", "opened_at"], axis=1)])
    last_complaint = _last(complaints, "opened_at", s.at, index)
    spans = (timedelta(days=g.suppress_after_purchase_days), timedelta(days=g.suppress_after_complaint_days))
    recent_order = suppressed(last_order, none, s.at, *spans)
    recent_complaint = suppressed(none, last_complaint, s.at, *spans)
    worth = _days(s.column(value))
    windows = {"email": (timedelta(hours=g.email_hours), g.email_per_window),
               "sms": (timedelta(hours=g.sms_hours), g.sms_per_window)}
    # sends in each channel's window, by customer, counting this plan's own as they are made
    window_sends = {channel: recent_sends(index, channel, s.sent, s.at, span) for channel, (span, _) in windows.items()}
    agreed_to: dict[str, np.ndarray] = {}

    def agreed(need: str) -> np.ndarray:
        """Whether each customer agreed to messages on ``need`` (and did not unsubscribe since)."""
        if need not in agreed_to:
            agreed_to[need] = consented(need, s.consent(CONSENT[need]), unknown_is_yes=g.unknown_consent == "yes")
        return agreed_to[need]

    def guarded(book: Playbook, step: int, rows: np.ndarray) -> pd.DataFrame:
        """The step's actions for ``rows``, each on its channel: the action's, or of several the
        customer's best one they agreed to."""
        action = book.action if step == 0 else book.follow_ups[step - 1].action
        if len(action.channels) < 2:
            return on_channel(book, step, rows, action.channel)
        pick = chosen_channels(action.channels, s.column("best_channel")[rows],
                               {c: agreed(c)[rows] for c in action.channels})
        return pd.concat([on_channel(book, step, rows[pick == c], c) for c in action.channels if (pick == c).any()],
                         ignore_index=True)

    def on_channel(book: Playbook, step: int, rows: np.ndarray, channel: str) -> pd.DataFrame:
        action = book.action if step == 0 else book.follow_ups[step - 1].action
        guard = np.full(len(rows), "", dtype=object)

        def hold(mask: np.ndarray, reason: str) -> None:
            guard[(guard == "") & mask] = reason

        hold(control[rows], "global control group")
        hold(index[rows].isin(s.excluded.loc[s.excluded["playbook"] == book.name, "customer_id"]),
             "excluded by a person")
        no = s.rejected[(s.rejected["playbook"] == book.name) & (s.rejected["step"] == step)]
        hold(index[rows].isin(no["customer_id"]), "rejected by a person before")
        need = action.consent or (("sms" if channel == "sms" else "email") if channel in CONSENT else None)
        if need:
            hold(~agreed(need)[rows], f"no consent on {need}")
        if action.survey:  # a survey is asked unless the person said no to surveys
            hold(~consented("email", s.consent("consent_surveys")[rows], unknown_is_yes=True), "said no to surveys")
        about_tickets = book.trigger.kind == "ticket"  # help with a ticket is service, not marketing
        if not about_tickets:
            hold(recent_order[rows], "suppressed: ordered recently")
            hold(recent_complaint[rows], "suppressed: recent complaint")
        held_out = np.zeros(len(rows), dtype=bool)
        if step == 0:  # a follow-up continues a sequence: no cool-down, and its customers were drawn already
            earlier = s.sent[(s.sent["playbook"] == book.name)
                             & (s.sent["sent_at"] > s.at - timedelta(days=COOL_DOWN_DAYS))]
            hold(index[rows].isin(earlier["customer_id"]),
                 f"reached by this playbook in the last {COOL_DOWN_DAYS} days")
            if book.holdout:
                held_out = (guard == "") & in_holdout(index[rows], book.name, book.holdout)
        status = np.where(guard != "", HELD_BACK, np.where(held_out, HELD_OUT, PLANNED)).astype(object)
        if channel in windows:
            _, most = windows[channel]
            full = (status == PLANNED) & (window_sends[channel][rows] >= most)
            status[full], guard[full] = HELD_BACK, "frequency cap"
            window_sends[channel][rows[status == PLANNED]] += 1
        sensitive = about_tickets and book.trigger.options["ticket"] == "negative"
        review = (book.review or sensitive) | ((worth[rows] > g.review_value_above) if g.review_value_above is not None
                                              else False)
        status[(status == PLANNED) & review] = REVIEW
        timing = np.full(len(rows), book.timing if channel in SENDING_CHANNELS else None, dtype=object)
        if book.timing == "split" and channel in SENDING_CHANNELS:  # half each way, the same half every time
            timing = np.where(in_holdout(index[rows], f"{book.name}: timing", 0.5), "fixed", "best").astype(object)
        when = np.array([(t == "best" and best_times[r]) or deferred[zones[r]] or s.at for r, t in zip(rows, timing)],
                        dtype=object)
        why: Any = book.description or book.name
        late = late_days(book, s)[rows] if step == 0 else np.zeros(len(rows))
        if (late > 0).any():
            said = [f"{why} ({d:.0f} day{'s' if d > 1 else ''} late: no plan was queued on its day)" for d in late]
            why = np.where(late > 0, np.array(said, dtype=object), why)
        if step:
            follow = book.follow_ups[step - 1]
            why = f"{why}; follow-up {step}: {follow.if_.replace('_', ' ')} after {follow.after_days:g} days"
        return pd.DataFrame({
            "customer_id": index[rows], "playbook": book.name, "step": step, "channel": channel,
            "template": action.template, "priority": action.priority, "status": status, "guard": guard,
            "deliver_at": np.where(np.isin(status, [PLANNED, REVIEW]), when, None), "timing": timing,
            "value": worth[rows],
            "cost": action.cost, "why": why})

    parts = []
    books = sorted((b for b in found.playbooks.values() if b.enabled), key=lambda b: (-b.action.priority, b.name))
    for book in books if follow_ups else ():  # follow-ups of sequences under way come before new ones
        for step, due in due_follow_ups(book, s):
            if due.any():
                parts.append(guarded(book, step, np.flatnonzero(due)))
    for book in books:
        hit = triggered(book, s)
        if book.when:
            hit &= evaluate_rules({book.name: book.when}, s.fields, s.pairs, s.segment_names)[book.name]
        if hit.any():
            parts.append(guarded(book, 0, np.flatnonzero(hit)))
    parts = [p for p in parts if len(p)]  # (pandas warns on joining an empty frame)
    if not parts:
        return pd.DataFrame(columns=columns)
    out = pd.concat(parts, ignore_index=True)
    if g.shop_daily_cap is not None:
        active = np.flatnonzero(out["status"].isin([PLANNED, REVIEW]).to_numpy())
        room = g.shop_daily_cap - s.cap_used
        kept = (shop_cap(out["priority"].to_numpy()[active], out["value"].to_numpy()[active], room) if room > 0
                else np.zeros(len(active), dtype=bool))
        over = active[~kept]
        out.loc[over, "status"], out.loc[over, "guard"], out.loc[over, "deliver_at"] = HELD_BACK, "shop-wide cap", None
    rank = out["status"].map({PLANNED: 0, REVIEW: 1, HELD_OUT: 2, HELD_BACK: 3})
    out = out.assign(_rank=rank, _value=-out["value"].fillna(0)).sort_values(
        ["_rank", "priority", "_value", "customer_id", "step"], ascending=[True, False, True, True, True],
        kind="stable")
    return out.drop(columns=["_rank", "_value"]).reset_index(drop=True)[columns]
