"""What a playbook does (its action, and each follow-up's), read from the playbook file: a
channel (or several sending channels, each customer getting their best one), a template, a
priority and a cost, a webhook's address, a task's owner and due days."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from regulars.playbooks._reader import Reader
from regulars.playbooks._survey import SURVEYS
from regulars.schema import SENDING_CHANNELS

__all__ = ["CHANNELS", "Action", "parse_action"]

CHANNELS = ("email", "sms", "task", "webhook", "audience")


@dataclass(frozen=True)
class Action:
    """What a playbook does. ``channels``: where a message may go when the playbook lists several
    (``channel: [email, sms]``): each customer gets their best channel among them that they
    agreed to; ``channel`` is the first."""

    channel: str
    template: str | None
    priority: float
    cost: float
    line: int
    url: str | None = None
    owner: str | None = None
    due_days: float | None = None
    consent: str | None = None
    channels: tuple[str, ...] = ()
    #: a survey the message asks (nps, csat, ces, win-back): its signed link is the template's
    #: ``{{ survey_link }}``, or goes after the body
    survey: str | None = None



def parse_action(r: Reader, raw: Any, line: int) -> Action:
    a = r.table(raw, "action", line)
    r.known(a, "an action", ("channel", "template", "priority", "cost", "url", "owner", "due_days", "consent",
                                   "survey"))
    if "channel" not in a:
        raise r.fail(a.line, f"an action needs a channel: {', '.join(CHANNELS)}")
    channels: tuple[str, ...] = ()
    if isinstance(a["channel"], list):  # several: each customer's best one they agreed to
        listed = a["channel"]
        if len(listed) < 2 or len(set(map(str, listed))) < len(listed) or any(c not in SENDING_CHANNELS
                                                                              for c in listed):
            raise r.fail(a.lines["channel"], f"a list of channels names two or more of {', '.join(SENDING_CHANNELS)}, "
                                             f"each once; got {listed!r}")
        if "consent" in a:
            raise r.fail(a.lines["consent"], "with several channels each takes its own consent; leave consent out")
        channels = tuple(listed)
        channel = channels[0]
    else:
        channel = r.text(a, "channel", choices=CHANNELS)
    url = r.text(a, "url")
    if channel == "webhook":
        from urllib.parse import urlsplit

        parts = urlsplit(url or "")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise r.fail(a.lines.get("url", a.line), f"a webhook needs an http(s) url, got {url!r}")
    template = r.text(a, "template")
    if channel in ("email", "sms", "task") and template is None:
        raise r.fail(a.line, f"an {channel} action needs a template")
    survey = r.text(a, "survey", None, tuple(SURVEYS))
    if survey is not None and not set(channels or (channel,)) <= {"email", "sms"}:
        raise r.fail(a.lines["survey"], "a survey goes by email or text message (channel: email or sms)")
    return Action(channel=channel, template=template, priority=float(r.number(a, "priority", 50, low=0, high=100)),
                  cost=float(r.number(a, "cost", 0.0, low=0)), line=a.line, url=url, owner=r.text(a, "owner"),
                  due_days=r.number(a, "due_days", None, low=0), consent=r.text(a, "consent", None, ("email", "sms")),
                  channels=channels or (channel,), survey=survey)
