"""What timing counts: every response event and purchase of each customer before a cutoff, by
hour, weekday, weekday of orders and channel (the database hands each over as its customer's
row and one packed slot; a compiled loop counts them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = ["MAX_CHANNELS", "RESPONSES", "activity", "activity_counts"]

#: Events that show a customer paying attention (sends are the shop's doing, not theirs).
RESPONSES = ("email_open", "email_click", "sms_click", "page_view", "product_view", "pricing_view", "faq_view",
             "cart_add", "checkout_start", "search", "login", "demo_request", "contact_form", "form_submit",
             "download", "webinar_attend", "social_engagement")


def activity(tables: dict[str, ir.Table], cutoff) -> ir.Table | None:
    """customer_id, at, channel: every response event and order before the cutoff."""
    import ibis

    from regulars._time import cutoff_start
    from regulars.features import as_known, purchases_of

    end = ibis.literal(cutoff_start(cutoff))
    parts = []
    if "events" in tables:
        ev = as_known(tables["events"], end)
        ev = ev.filter((ev.occurred_at < end) & ev.event_type.isin(RESPONSES))
        channel = ev.channel.fill_null("web") if "channel" in ev.columns else ibis.literal("web")
        parts.append(ev.select("customer_id", at=ev.occurred_at, channel=channel.cast("string"),
                               order=ibis.literal(0)))
    if "orders" in tables:
        o = purchases_of(tables, end)
        channel = o.channel.fill_null("order") if "channel" in o.columns else ibis.literal("order")
        parts.append(o.select("customer_id", at=o.ordered_at, channel=channel.cast("string"), order=ibis.literal(1)))
    if not parts:
        return None
    return ibis.union(*parts) if len(parts) > 1 else parts[0]


#: Channels counted one by one (the most used); events on others still count for hour and day.
MAX_CHANNELS = 20


def activity_counts(activity: ir.Table, customers: pd.Index) -> tuple[pd.Index, list[str], dict[str, np.ndarray]]:
    """Counts by channel, hour, weekday and weekday of orders for each of ``customers`` with any
    activity: the database hands over each event as its customer's row and one small packed
    slot, and a compiled loop counts them (no text is moved)."""
    import ibis
    import pyarrow as pa

    from regulars.models.timing._slots import CHANNEL, HOUR, NO_CHANNEL, ORDER, WEEKDAY, slot_counts

    top = activity.channel.value_counts().order_by(ibis.desc("channel_count")).limit(MAX_CHANNELS)
    channels = sorted(top.to_pyarrow()["channel"].to_pylist(), key=str)
    who = ibis.memtable(pa.table({"customer_id": pa.array(customers.to_numpy(), pa.string()),
                                  "c": pa.array(np.arange(len(customers), dtype=np.int32))}))
    t = activity.join(who, "customer_id")
    # no activity with a channel (web analytics, a till): every event counts as "no channel"
    k = (t.channel.substitute({c: i for i, c in enumerate(channels)}, else_=NO_CHANNEL) if channels
         else ibis.literal(NO_CHANNEL)).cast("int16")
    slot = t.at.hour() * HOUR + t.at.day_of_week.index() * WEEKDAY + k * CHANNEL + t.order * ORDER
    cells = t.select("c", slot=slot.cast("int16")).to_pyarrow()
    counts = slot_counts(cells["c"].to_numpy(), cells["slot"].to_numpy(), len(customers), len(channels))
    active = np.flatnonzero(counts[:, :24].sum(axis=1) > 0)
    counts = counts[active]
    matrices = {"hour": counts[:, :24], "weekday": counts[:, 24:31], "order_weekday": counts[:, 31:38],
                "channel": counts[:, 38:]}
    return customers[active], channels, matrices


