"""Playbooks as a readable YAML file: shop-wide guard settings, the playbooks (a trigger, an
optional condition in the rule language, a holdout, an action and follow-ups) and their
templates. ``parse_playbooks`` reads the structure and ``check_playbooks`` checks it against the
shop's fields, segments and templates; every problem is a ``SettingsError`` naming the file and
line, raised before anything is planned or sent.

    guards:
      email_hours: 16            # at most one marketing email per customer per 16 hours
    playbooks:
      churn-win-back:
        trigger: {score: churn_probability, above: 0.70}
        when: "orders_total >= 2"
        holdout: 0.1
        action: {channel: email, template: win-back, priority: 80, cost: 0.05}
    templates:
      win-back:
        subject: "We miss you, {{ name }}"
        body: "..."
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from regulars.errors import SettingsError
from regulars.playbooks._action import CHANNELS, Action, parse_action
from regulars.playbooks._reader import Located, Reader, load_located
from regulars.schema import EVENT_TYPES

__all__ = ["CHANNELS", "DATE_TRIGGERS", "FRAMINGS", "METRIC_TRIGGERS", "TICKET_TRIGGERS", "Action", "FollowUp", "Guards", "Playbook", "PlaybookSet", "REACTIVE_TRIGGERS",
           "TIMINGS", "Template", "Trigger", "parse_playbooks"]

#: When a message goes: at each customer's best hour, when planned, or half each way (a test of
#: which works better, measured on the results page).
TIMINGS = ("best", "fixed", "split")
#: Date triggers and the numbers each takes.
DATE_TRIGGERS = {"birthday": (), "days_after_order": ("days",), "days_after_delivery": ("days",),
                 "replenishment_due": ("days_before",), "days_without_activity": ("days",), "cross_sell_due": (),
                 "new_arrivals": ("days",)}
#: Ticket triggers: one still open, several within the days, a negative one (a complaint
#: category or a rating of 1-2: sensitive, so a person approves each action), or one solved
#: within the days (a CSAT survey after support).
TICKET_TRIGGERS = ("open", "repeated", "negative", "solved")
#: Measures a metric trigger watches (the alert watch's daily series), and the moves it fires on.
METRIC_TRIGGERS = ("orders", "revenue", "tickets", "web_visits", "new_customers", "unhappy_texts")
#: Alerts with customers behind them (who wrote the unhappy texts, who opened the tickets): a
#: playbook on one of these may act for each of them (``affected``).
AFFECTED_BY = ("tickets", "unhappy_texts")
DIRECTIONS = ("up", "down", "either")
BOUNDS = ("above", "at_least", "below", "at_most")
#: Behavioural framings a template may declare; scarcity needs stock data to be true.
FRAMINGS = ("social proof", "reciprocity", "loss aversion", "scarcity")
FOLLOW_UP_IF = ("opened", "not_opened", "no_response")


#: Triggers that fire on something a customer did (an event, a ticket): evaluated as it arrives,
#: as well as in the daily plan; the others (scores, segments, dates) only in the daily plan.
REACTIVE_TRIGGERS = ("event", "ticket")

@dataclass(frozen=True)
class Guards:
    """Shop-wide guards (every playbook's actions pass them)."""

    email_hours: float = 16.0
    email_per_window: int = 1
    sms_hours: float = 72.0
    sms_per_window: int = 1
    shop_daily_cap: int | None = None
    quiet_start: int = 21
    quiet_end: int = 8
    time_zone: str = "UTC"
    suppress_after_purchase_days: float = 3.0
    suppress_after_complaint_days: float = 14.0
    global_control: float = 0.0
    review_value_above: float | None = None
    unknown_consent: str = "no"


@dataclass(frozen=True)
class Trigger:
    """What starts a playbook for a customer: ``kind`` score, segment, event, ticket or date,
    with its settings in ``options``."""

    kind: str
    options: dict[str, Any]
    line: int


@dataclass(frozen=True)
class FollowUp:
    """A next step ``after_days`` after the action, for customers who ``if_``: opened, did not
    open, or did not respond (no order or click)."""

    after_days: float
    if_: str
    action: Action
    line: int


@dataclass(frozen=True)
class Affected:
    """What an alert's playbook does for each customer behind the alert: pause the marketing
    waiting for them (and hold new marketing as after a complaint), and a task such as a reply."""

    pause_marketing: bool
    action: Action | None
    line: int


@dataclass(frozen=True)
class Playbook:
    name: str
    trigger: Trigger
    action: Action
    line: int
    description: str = ""
    enabled: bool = True
    when: str | None = None
    holdout: float = 0.1
    review: bool = False
    follow_ups: tuple[FollowUp, ...] = ()
    when_line: int = 0
    #: "best": each message goes at the customer's best hour in their zone; "fixed": when planned;
    #: "split": half of the customers each way, drawn once per customer (results compare them)
    timing: str = "best"
    affected: Affected | None = None

    def actions(self) -> tuple[Action, ...]:
        """Its action, each follow-up's and the task for each customer behind its alert."""
        extra = (self.affected.action,) if self.affected and self.affected.action else ()
        return (self.action, *(s.action for s in self.follow_ups), *extra)


@dataclass(frozen=True)
class Template:
    name: str
    body: str
    line: int
    subject: str | None = None
    framing: str | None = None


@dataclass(frozen=True)
class PlaybookSet:
    guards: Guards = field(default_factory=Guards)
    playbooks: dict[str, Playbook] = field(default_factory=dict)
    templates: dict[str, Template] = field(default_factory=dict)

    def reactive(self) -> PlaybookSet:
        """The enabled playbooks an arriving event or ticket can start (``REACTIVE_TRIGGERS``)."""
        return self.without({k for k, v in self.playbooks.items()
                             if not v.enabled or v.trigger.kind not in REACTIVE_TRIGGERS})

    def without(self, names: dict[str, str] | set[str]) -> PlaybookSet:
        """The same set less the playbooks ``names`` (those that do not apply to this shop)."""
        return PlaybookSet(guards=self.guards, templates=self.templates,
                           playbooks={k: v for k, v in self.playbooks.items() if k not in names})

    def acting_thresholds(self) -> dict[str, tuple[float, str]]:
        """Per probability (churn, conversion, ...), the lowest level a playbook acts at and that
        playbook's name (enabled playbooks first; a switched-off one says what would happen):
        whom a model picks for outreach, as a fairness check asks."""
        found: dict[str, tuple[bool, float, str]] = {}
        for book in self.playbooks.values():
            score = str(book.trigger.options.get("field", ""))
            level = book.trigger.options.get("above", book.trigger.options.get("at_least"))
            if book.trigger.kind != "score" or not score.endswith("_probability") or level is None:
                continue
            label, rank = score.removesuffix("_probability"), (not book.enabled, float(level), book.name)
            found[label] = min(found.get(label, rank), rank)
        return {label: (level, name) for label, (_, level, name) in found.items()}

    def group_levels(self) -> dict[str, tuple[str, dict[str, float]]]:
        """Per probability, the groups the acting playbook (``acting_thresholds``) has its own
        levels for: (attribute, group -> level)."""
        out = {}
        for label, (_, name) in self.acting_thresholds().items():
            options = self.playbooks[name].trigger.options
            if "by_group" in options:
                out[label] = (options["by_group"], dict(options["levels"]))
        return out


def _group_levels(r: Reader, t: Located) -> dict[str, Any]:
    """A score trigger's own level per group (``by_group: region``, ``levels: {London: 0.45}``),
    in place of its lower bound for the customers of those groups (fairness's group thresholds)."""
    if "by_group" not in t and "levels" not in t:
        return {}
    by = r.text(t, "by_group")
    levels = t.get("levels")
    if by is None or not isinstance(levels, dict) or not levels:
        raise r.fail(t.lines.get("levels", t.line), "group levels need by_group (an attribute such as region) and "
                                                    "levels: a mapping of each group to its level")
    if "above" not in t and "at_least" not in t:
        raise r.fail(t.line, "group levels replace the trigger's lower bound: give it above or at_least")
    table = r.table(levels, "levels", t.lines["levels"])
    return {"by_group": by, "levels": {str(g): float(r.number(table, g, None, low=0, high=1, required=True))
                                       for g in table}}


def _guards(r: Reader, raw: Located) -> Guards:
    r.known(raw, "guards", set(Guards.__dataclass_fields__))
    cap = r.number(raw, "shop_daily_cap", None, low=1, whole=True)
    return Guards(
        email_hours=float(r.number(raw, "email_hours", 16.0, low=0.01)),
        email_per_window=r.number(raw, "email_per_window", 1, low=1, whole=True),
        sms_hours=float(r.number(raw, "sms_hours", 72.0, low=0.01)),
        sms_per_window=r.number(raw, "sms_per_window", 1, low=1, whole=True),
        shop_daily_cap=cap,
        quiet_start=r.number(raw, "quiet_start", 21, low=0, high=23, whole=True),
        quiet_end=r.number(raw, "quiet_end", 8, low=0, high=23, whole=True),
        time_zone=_zone(r, raw),
        suppress_after_purchase_days=float(r.number(raw, "suppress_after_purchase_days", 3.0, low=0)),
        suppress_after_complaint_days=float(r.number(raw, "suppress_after_complaint_days", 14.0, low=0)),
        global_control=float(r.number(raw, "global_control", 0.0, low=0, below=1)),
        review_value_above=r.number(raw, "review_value_above", None, low=0),
        unknown_consent=r.text(raw, "unknown_consent", "no", ("no", "yes")),
    )


def _zone(r: Reader, raw: Located) -> str:
    import pytz

    zone = r.text(raw, "time_zone", "UTC")
    if zone not in pytz.all_timezones_set:
        raise r.fail(raw.lines["time_zone"], f"time_zone must be a zone such as Europe/London, got {zone!r}")
    return zone


def _trigger(r: Reader, raw: Any, line: int) -> Trigger:
    t = r.table(raw, "trigger", line)
    kinds = [k for k in ("score", "segment", "enters", "leaves", "event", "ticket", "date", "metric") if k in t]
    if len(kinds) != 1:
        raise r.fail(t.line, "a trigger names exactly one of: score, enters, leaves, segment, event, ticket, date, "
                             "metric")
    kind = kinds[0]
    if kind == "metric":  # an alert on a shop measure (the run's alert watch), not a customer
        r.known(t, "a metric trigger", ("metric", "direction"))
        return Trigger("metric", {"metric": r.text(t, "metric", choices=METRIC_TRIGGERS),
                                  "direction": r.text(t, "direction", "up", DIRECTIONS)}, t.line)
    if kind == "score":
        r.known(t, "a score trigger", ("score", *BOUNDS, "by_group", "levels"))
        bounds = {b: float(r.number(t, b, None, required=True)) for b in BOUNDS if b in t}
        if not bounds:
            raise r.fail(t.line, f"a score trigger needs a band: one or two of {', '.join(BOUNDS)}")
        return Trigger("score", {"field": r.text(t, "score"), **bounds, **_group_levels(r, t)}, t.line)
    if kind in ("segment", "enters", "leaves"):
        r.known(t, "a segment trigger", (kind,))
        return Trigger("segment", {"change": {"segment": "in"}.get(kind, kind), "segment": r.text(t, kind)}, t.line)
    if kind == "event":
        r.known(t, "an event trigger", ("event", "at_least", "within_days", "without", "page"))
        event = r.text(t, "event")
        if event not in EVENT_TYPES:
            close = difflib.get_close_matches(event, EVENT_TYPES, n=1)
            raise r.fail(t.lines["event"], f"unknown event type {event!r}" + (f" (did you mean {close[0]!r}?)"
                                                                              if close else ""))
        without = r.text(t, "without", None, ("order", *EVENT_TYPES))
        page = r.text(t, "page", None)
        if page is not None and not page.strip():
            raise r.fail(t.lines["page"], "a page is an address pattern such as \"*/compare/*\"")
        return Trigger("event", {"event": event, "at_least": r.number(t, "at_least", 1, low=1, whole=True),
                                 "within_days": float(r.number(t, "within_days", 7, low=0.01)), "without": without,
                                 "page": page}, t.line)
    if kind == "ticket":
        r.known(t, "a ticket trigger", ("ticket", "at_least", "within_days"))
        which = r.text(t, "ticket", choices=TICKET_TRIGGERS)
        return Trigger("ticket", {"ticket": which, "within_days": float(r.number(t, "within_days", 7, low=0.01)),
                                  "at_least": r.number(t, "at_least", 2 if which == "repeated" else 1, low=1,
                                                       whole=True)}, t.line)
    date = r.text(t, "date", choices=tuple(DATE_TRIGGERS))
    r.known(t, f"a {date} trigger", ("date", *DATE_TRIGGERS[date]))
    options: dict[str, Any] = {"date": date}
    for key in DATE_TRIGGERS[date]:
        if key not in t:
            raise r.fail(t.line, f"a {date} trigger needs {key}")
        options[key] = r.text(t, key) if key == "product" else float(r.number(t, key, None, low=0, required=True))
    return Trigger("date", options, t.line)


def _playbook(r: Reader, name: str, raw: Any, line: int) -> Playbook:
    p = r.table(raw, f"playbook {name!r}", line)
    r.known(p, f"playbook {name!r}", ("description", "enabled", "trigger", "when", "holdout", "review", "action",
                                      "follow_ups", "timing", "affected"))
    for needed in ("trigger", "action"):
        if needed not in p:
            raise r.fail(p.line, f"playbook {name!r} needs a {needed}")
    follow_ups = p.get("follow_ups") or []
    if not isinstance(follow_ups, list):
        raise r.fail(p.lines["follow_ups"], "follow_ups must be a list of steps")
    steps = []
    for step in follow_ups:
        s = r.table(step, "a follow-up", p.lines["follow_ups"])
        r.known(s, "a follow-up", ("after_days", "if", "action"))
        if "action" not in s or "after_days" not in s:
            raise r.fail(s.line, "a follow-up needs after_days and an action")
        steps.append(FollowUp(float(r.number(s, "after_days", None, low=0.01, required=True)),
                              r.text(s, "if", "no_response", FOLLOW_UP_IF),
                              parse_action(r, s["action"], s.lines["action"]), s.line))
    trigger, action = _trigger(r, p["trigger"], p.lines["trigger"]), parse_action(r, p["action"], p.lines["action"])
    if trigger.kind == "metric" and (action.channel != "task" or steps or "when" in p):
        raise r.fail(p.lines["action"], f"playbook {name!r}: an alert is about the shop, not a customer, so its "
                                        "action is a task for a person (channel: task), with no when or follow-ups")
    affected = _affected(r, name, p, trigger) if "affected" in p else None
    return Playbook(name=name, trigger=trigger, action=action, line=p.line,
                    description=r.text(p, "description", ""), enabled=r.flag(p, "enabled", True),
                    when=r.text(p, "when"), holdout=float(r.number(p, "holdout", 0.1, low=0, below=1)),
                    review=r.flag(p, "review", False), follow_ups=tuple(steps), when_line=p.lines.get("when", p.line),
                    timing=r.text(p, "timing", "best", TIMINGS), affected=affected)


def _affected(r: Reader, name: str, p: Located, trigger: Trigger) -> Affected:
    a = r.table(p["affected"], "affected", p.lines["affected"])
    if trigger.kind != "metric" or trigger.options["metric"] not in AFFECTED_BY:
        raise r.fail(a.line, f"playbook {name!r}: affected acts for the customers behind an alert on "
                             f"{' or '.join(AFFECTED_BY)}; this trigger has none")
    r.known(a, "affected", ("pause_marketing", "action"))
    action = parse_action(r, a["action"], a.lines["action"]) if "action" in a else None
    if action is not None and action.channel != "task":
        raise r.fail(a.lines["action"], f"playbook {name!r}: an alert's customers get a task for a person "
                                        "(channel: task); marketing to them is what pause_marketing stops")
    return Affected(pause_marketing=r.flag(a, "pause_marketing", False), action=action, line=a.line)


def _template(r: Reader, name: str, raw: Any, line: int) -> Template:
    t = r.table(raw, f"template {name!r}", line)
    r.known(t, f"template {name!r}", ("subject", "body", "framing"))
    if "body" not in t:
        raise r.fail(t.line, f"template {name!r} needs a body")
    return Template(name=name, body=r.text(t, "body"), line=t.line, subject=r.text(t, "subject"),
                    framing=r.text(t, "framing", None, FRAMINGS))


def parse_playbooks(text: str, where: str = "playbooks.yaml") -> PlaybookSet:
    """The playbooks, guards and templates of a file, checked for structure and values."""
    r = Reader(where)
    raw = load_located(text, where)
    if raw is None:
        return PlaybookSet()
    top = r.table(raw, "the file", 1)
    r.known(top, "the file", ("guards", "playbooks", "templates"))
    guards = _guards(r, r.table(top["guards"], "guards", top.lines["guards"])) if top.get("guards") else Guards()
    sections = {}
    for key, build in (("playbooks", _playbook), ("templates", _template)):
        part = r.table(top[key], key, top.lines[key]) if top.get(key) else Located()
        sections[key] = {name: build(r, name, value, part.lines[name]) for name, value in part.items()}
    return PlaybookSet(guards, sections["playbooks"], sections["templates"])
