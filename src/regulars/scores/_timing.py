"""When and where to reach each customer: the hour and weekday with the most opens, clicks,
visits and orders, and the channel they respond on, each shrunk towards the customer's group
and the whole shop when the customer has little history (``models.timing``); with the number of
events each estimate rests on, and weekday habits. Times are in the store's time (UTC) until
customers' time zones are known.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from regulars.models.timing import PRIOR, activity, activity_counts, group_prior, shrunk_best
from regulars.schema import SENDING_CHANNELS
from regulars.scores._scorer import RunContext, Scored

__all__ = ["TimingScorer"]

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


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

        index, channels, counts = activity_counts(activity(ctx.tables, ctx.cutoff), ctx.frames.at(ctx.cutoff).index)
        if not len(index):
            raise InsufficientDataError(f"no opens, clicks, visits or orders before {ctx.cutoff}")
        channel_counts, hours = counts["channel"], counts["hour"]
        main = channel_counts.argmax(axis=1)  # the group: customers whose main channel is the same
        # the best channel is one a message can go by: visits ("web") and orders show when, not how to reach
        reach = [i for i, c in enumerate(channels) if str(c).lower() in SENDING_CHANNELS]
        if reach:
            pick, channel_share = shrunk_best(channel_counts[:, reach], group_prior(channel_counts[:, reach], main))
            best_channel = np.array([str(channels[i]).lower() for i in reach], dtype=object)[pick]
        else:
            best_channel, channel_share = np.full(len(index), None, dtype=object), np.full(len(index), np.nan)
        best_hour, _ = shrunk_best(hours, group_prior(hours, main))
        best_day, _ = shrunk_best(counts["weekday"], group_prior(counts["weekday"], main))
        order_days = counts["order_weekday"]
        n_orders = order_days.sum(axis=1)
        weekend = np.where(n_orders > 0, order_days[:, 5:].sum(axis=1) / np.maximum(n_orders, 1), np.nan)
        events = hours.sum(axis=1).astype(float)  # every event has an hour
        frame = pd.DataFrame({
            "customer_id": index,
            "best_hour": best_hour.astype(float),
            "best_weekday": np.array(WEEKDAYS)[best_day],
            "best_channel": best_channel,
            "channel_share": channel_share,
            "events_used": events,
            "weekend_share": weekend,
        })
        frame["habit"] = np.select([(n_orders >= 3) & (weekend >= 0.6), (n_orders >= 3) & (weekend <= 0.1)],
                                   ["orders at weekends", "orders on weekdays"], "")
        frame["reasons"] = _reasons(frame)
        card = {"prior_events": PRIOR, "channels": channels, "events": int(events.sum()),
                "customers_with_few_events": int((events < PRIOR).sum()), "time_zone": "UTC (store time)"}
        return Scored(frame=frame, card=card, version=fingerprint(timing=[PRIOR, channels, SENDING_CHANNELS]))


def _reasons(frame: pd.DataFrame) -> pd.Series:
    """One sentence per customer, joined by Arrow (pandas string sums took a second at 1M)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    events = frame["events_used"].to_numpy().astype(np.int64)
    rests = np.where(events < PRIOR, " (mostly from customers like them: only ", " (from their own ")
    hour = pc.utf8_lpad(pa.array(frame["best_hour"].to_numpy().astype(np.int64)).cast(pa.string()), 2, "0")
    habit = frame["habit"].to_numpy(dtype=object)
    channel = frame["best_channel"].to_numpy(dtype=object)
    by = np.where(pd.isna(channel), "", ", by " + channel.astype(str))
    text = pc.binary_join_element_wise(
        "best around ", hour, ":00 on ", pa.array(frame["best_weekday"].to_numpy(dtype=object), pa.string()), "s",
        pa.array(by, pa.string()), pa.array(rests, pa.string()),
        pa.array(events).cast(pa.string()), pa.array(np.where(events == 1, " event)", " events)"), pa.string()),
        pa.array(np.where(habit != "", "; " + habit, ""), pa.string()), "")
    return text.to_pandas()
