"""When and where to reach each customer: the hour and weekday with the most opens, clicks,
visits and orders, and the channel they respond on, each shrunk towards the customer's group
(customers whose main channel is the same) and the whole shop when the customer has little
history; with the number of events each estimate rests on, and weekday habits.

Shrinkage: a customer's share of activity at hour h is (n(h) + a * group share(h)) / (n + a),
and the group's share is shrunk towards the shop's the same way. With ``a`` = 10 a customer
with 3 events mostly follows their group; one with 100 follows their own habit. Times are in
the store's time (UTC) until customers' time zones are known.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from regulars.scores._scorer import RunContext, Scored

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = ["TimingScorer", "shrunk_best"]

PRIOR = 10.0
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: Events that show a customer paying attention (sends are the shop's doing, not theirs).
RESPONSES = ("email_open", "email_click", "sms_click", "page_view", "product_view", "pricing_view", "faq_view",
             "cart_add", "checkout_start", "search", "login", "demo_request", "contact_form", "form_submit",
             "download", "webinar_attend", "social_engagement")


def _activity(tables: dict[str, ir.Table], cutoff) -> ir.Table | None:
    """customer_id, at, channel: every response event and order before the cutoff."""
    import ibis

    from regulars._time import cutoff_start
    from regulars.features import purchases_of

    end = ibis.literal(cutoff_start(cutoff))
    parts = []
    if "events" in tables:
        ev = tables["events"]
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


def shrunk_best(counts: np.ndarray, group: np.ndarray, prior: float = PRIOR) -> tuple[np.ndarray, np.ndarray]:
    """Per row of ``counts`` (customers x slots), the slot with the highest shrunk share and that
    share. ``group`` holds each row's prior shares (rows x slots, each row summing to 1)."""
    n = counts.sum(axis=1, keepdims=True)
    shares = (counts + prior * group) / (n + prior)
    best = shares.argmax(axis=1)
    return best, shares[np.arange(len(best)), best]


#: Channels counted one by one (the most used); events on others still count for hour and day.
MAX_CHANNELS = 20


def _counts(activity: ir.Table, customers: pd.Index) -> tuple[pd.Index, list[str], dict[str, np.ndarray]]:
    """Counts by channel, hour, weekday and weekday of orders for each of ``customers`` with any
    activity: the database hands over each event as its customer's row and one small packed
    slot, and a compiled loop counts them (no text is moved)."""
    import ibis
    import pyarrow as pa

    from regulars.scores._slots import CHANNEL, HOUR, NO_CHANNEL, ORDER, WEEKDAY, slot_counts

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


def _group_prior(counts: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Each row's prior: its group's shares, shrunk towards the shop's."""
    shop = counts.sum(axis=0) + 1e-9
    shop = shop / shop.sum()
    totals = np.stack([np.bincount(groups, weights=counts[:, j], minlength=groups.max(initial=0) + 1)
                       for j in range(counts.shape[1])], axis=1)  # groups x slots
    return ((totals + PRIOR * shop) / (totals.sum(axis=1, keepdims=True) + PRIOR))[groups]


class TimingScorer:
    """Best hour, weekday and channel per customer, with the events each rests on."""

    name = "timing"

    def skip_reason(self, ctx: RunContext) -> str | None:
        if "events" not in ctx.tables and "orders" not in ctx.tables:
            return "no events or orders are loaded"
        return None

    def score(self, ctx: RunContext) -> Scored:
        from regulars.errors import InsufficientDataError
        from regulars.scores._propensity import fingerprint

        activity = _activity(ctx.tables, ctx.cutoff)
        index, channels, counts = _counts(activity, ctx.frames.at(ctx.cutoff).index)
        if not len(index):
            raise InsufficientDataError(f"no opens, clicks, visits or orders before {ctx.cutoff}")
        channel_counts, hours = counts["channel"], counts["hour"]
        main = channel_counts.argmax(axis=1)  # the group: customers whose main channel is the same
        best_channel, channel_share = shrunk_best(channel_counts, _group_prior(channel_counts, main))
        best_hour, _ = shrunk_best(hours, _group_prior(hours, main))
        best_day, _ = shrunk_best(counts["weekday"], _group_prior(counts["weekday"], main))
        order_days = counts["order_weekday"]
        n_orders = order_days.sum(axis=1)
        weekend = np.where(n_orders > 0, order_days[:, 5:].sum(axis=1) / np.maximum(n_orders, 1), np.nan)
        events = hours.sum(axis=1).astype(float)  # every event has an hour
        frame = pd.DataFrame({
            "customer_id": index,
            "best_hour": best_hour.astype(float),
            "best_weekday": np.array(WEEKDAYS)[best_day],
            "best_channel": np.array(channels, dtype=object)[best_channel],
            "channel_share": channel_share,
            "events_used": events,
            "weekend_share": weekend,
        })
        frame["habit"] = np.select([(n_orders >= 3) & (weekend >= 0.6), (n_orders >= 3) & (weekend <= 0.1)],
                                   ["orders at weekends", "orders on weekdays"], "")
        frame["reasons"] = _reasons(frame)
        card = {"prior_events": PRIOR, "channels": channels, "events": int(events.sum()),
                "customers_with_few_events": int((events < PRIOR).sum()), "time_zone": "UTC (store time)"}
        return Scored(frame=frame, card=card, version=fingerprint(timing=[PRIOR, channels]))


def _reasons(frame: pd.DataFrame) -> pd.Series:
    """One sentence per customer, joined by Arrow (pandas string sums took a second at 1M)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    events = frame["events_used"].to_numpy().astype(np.int64)
    rests = np.where(events < PRIOR, " (mostly from customers like them: only ", " (from their own ")
    hour = pc.utf8_lpad(pa.array(frame["best_hour"].to_numpy().astype(np.int64)).cast(pa.string()), 2, "0")
    habit = frame["habit"].to_numpy(dtype=object)
    text = pc.binary_join_element_wise(
        "best around ", hour, ":00 on ", pa.array(frame["best_weekday"].to_numpy(dtype=object), pa.string()), "s, by ",
        pa.array(frame["best_channel"].astype(str).to_numpy(dtype=object), pa.string()), pa.array(rests, pa.string()),
        pa.array(events).cast(pa.string()), pa.array(np.where(events == 1, " event)", " events)"), pa.string()),
        pa.array(np.where(habit != "", "; " + habit, ""), pa.string()), "")
    return text.to_pandas()
