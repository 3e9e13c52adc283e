"""How people answered the messages sent, per playbook (or campaign) and channel: delivered,
opened, clicked, unsubscribed and complained, each as a share of what was delivered. Each
response is credited to the latest message on its channel to that person in the days before it
(last touch), so a person sent two messages in a week does not count one open twice."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from regulars.metrics._kpis import wilson
from regulars.metrics._query import rows

__all__ = ["RESPONSES", "message_engagement"]

#: What a person may do with a message, by channel, and the event type that records it.
RESPONSES = {
    "email": {"bounced": "email_bounce", "opened": "email_open", "clicked": "email_click",
              "unsubscribed": "email_unsubscribe", "complained": "email_complaint"},
    "sms": {"bounced": "sms_bounce", "clicked": "sms_click", "unsubscribed": "sms_unsubscribe"},
}


def message_engagement(messages: ir.Table, events: ir.Table, days: int = 7) -> list[dict[str, Any]]:
    """Per playbook (else campaign) and channel, of the messages sent (holdouts are not): sent,
    bounced, delivered (sent - bounced) and the messages opened, clicked, unsubscribed from or
    complained of within ``days`` after, with each rate on delivered and its interval. Both
    tables have people's ids (``as_people``); a channel that cannot record a response (an SMS
    is never opened) leaves that rate out."""
    sent = messages.filter(messages.channel.lower().isin(tuple(RESPONSES))
                           & (messages.variant.isnull() | (messages.variant != "holdout")))
    sent = sent.select("message_id", who="customer_id", at="sent_at", channel=sent.channel.lower(),
                       group=sent.playbook.coalesce(sent.campaign_id, ibis.literal("other messages")),
                       kind=ibis.ifelse(sent.playbook.notnull(), "playbook", "campaign"))
    answers = events.filter(events.event_type.isin([t for said in RESPONSES.values() for t in said.values()]))
    answers = answers.select(person="customer_id", did="event_type", when="occurred_at",
                             on=answers.event_type.split("_")[0])
    credited = sent.join(answers, (sent.who == answers.person) & (sent.channel == answers.on)
                         & (answers.when >= sent.at) & (answers.when < sent.at + ibis.interval(days=days)))
    latest = ibis.window(group_by=[credited.person, credited.did, credited.when], order_by=ibis.desc(credited.at))
    credited = credited.mutate(n=ibis.row_number().over(latest))
    credited = credited.filter(credited.n == 0).select("message_id", "did").distinct()
    names: dict[str, list[str]] = {}
    for said in RESPONSES.values():
        for name, kind in said.items():
            names.setdefault(name, []).append(kind)
    flags = {name: credited.did.isin(kinds).any() for name, kinds in names.items()}
    per_message = credited.group_by("message_id").aggregate(**flags)
    joined = sent.left_join(per_message, "message_id")
    counts = joined.group_by("group", "kind", "channel").aggregate(
        sent=joined.count(), first=joined.at.min(), last=joined.at.max(),
        # what a bounced message seemed to get is not counted: it was never delivered
        **{name: joined.count(where=joined[name].fill_null(False) & ((name == "bounced")
                                                                      | ~joined.bounced.fill_null(False)))
           for name in flags})
    out = []
    for r in rows(counts.order_by(["kind", "group", "channel"])):
        delivered = r["sent"] - r["bounced"]
        row = {"name": r["group"], "kind": r["kind"], "channel": r["channel"], "sent": r["sent"],
               "bounced": r["bounced"], "delivered": delivered, "first": r["first"], "last": r["last"]}
        for name in RESPONSES[r["channel"]]:
            if name == "bounced":
                continue
            low, high = wilson(r[name], delivered)
            row[name] = r[name]
            row[f"{name}_rate"] = round(r[name] / delivered, 4) if delivered else None
            row[f"{name}_rate_of"] = {"hits": r[name], "n": delivered, "low": low, "high": high}
        out.append(row)
    return out
