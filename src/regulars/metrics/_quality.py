"""The engagement-quality scorecard: five measures of how well the shop engages, each a share
from 0 to 1 with its stated formula, and Return on Engagement, their weighted mean with weights
the owner sets (there is no one true weighting; the revenue-based ROI stands beside it)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from regulars.config import ENGAGEMENT_MEASURES

__all__ = ["QUALITY_MEASURES", "engagement_quality"]

#: Each measure's name (``config.ENGAGEMENT_MEASURES``, in that order) and formula, as pages state them.
QUALITY_MEASURES = dict(zip(ENGAGEMENT_MEASURES, (
    "emails and texts followed by a click or an order within the attribution days, of those sent",
    "the mean of: playbook messages sent at the customer's best hour, of those sent; and tickets "
    "first answered within their target, of those with a target",
    "playbook messages whose template fills in the customer's data or a recommendation, of the "
    "playbook messages sent",
    "the mean of: CSAT answers of 4-5, of the CSAT answers; and FAQ answers not followed by a "
    "ticket, of those answered for a known customer",
    "customers messaged who did not get messages from two senders on two channels within 3 days "
    "(stories that may not agree), of the customers messaged"), strict=True))


def _mean(parts: list[float | None]) -> float | None:
    known = [p for p in parts if p is not None]
    return sum(known) / len(known) if known else None


def _share(hits: pd.Series) -> float | None:
    return float(hits.mean()) if len(hits) else None


def engagement_quality(messages: pd.DataFrame, personal: set[str], csat: list[float], faq_resolved: float | None,
                       replies_on_time: float | None, weights: dict[str, float]) -> dict[str, Any]:
    """The five measures (None where nothing measures one) and Return on Engagement.

    ``messages``: person, channel, sender, sent_at, template, timing, clicked, ordered (as
    ``store.quality_messages``); ``personal``: the templates that fill in customer data;
    ``csat``: the window's CSAT answers (1-5)."""
    playbook = messages[messages["template"].notna()]
    sent = messages.sort_values("sent_at")
    mixed = 0
    for _, mine in sent.groupby("person"):
        if mine["channel"].nunique() < 2 or mine["sender"].nunique() < 2:
            continue
        at = mine["sent_at"].to_numpy()
        for i in range(len(mine)):
            near = mine[(at >= at[i]) & (at < at[i] + pd.Timedelta(days=3).to_timedelta64())]
            if near["channel"].nunique() >= 2 and near["sender"].nunique() >= 2:
                mixed += 1
                break
    people = messages["person"].nunique()
    parts = {
        "relevance": _share(messages["clicked"] | messages["ordered"]),
        "timeliness": _mean([_share(playbook["timing"] == "best") if "timing" in playbook else None,
                             replies_on_time]),
        "personalisation": _share(playbook["template"].isin(personal)),
        "helpfulness": _mean([sum(v >= 4 for v in csat) / len(csat) if csat else None, faq_resolved]),
        "consistency": 1 - mixed / people if people else None,
    }
    weighed = {k: weights.get(k, 1.0) for k, v in parts.items() if v is not None}
    total = sum(weighed.values())
    roe = sum(parts[k] * w for k, w in weighed.items()) / total if total else None
    return {"measures": [{"measure": k, "value": None if v is None else round(v, 4), "formula": QUALITY_MEASURES[k],
                          "weight": weights.get(k, 1.0)} for k, v in parts.items()],
            "return_on_engagement": None if roe is None else round(roe, 4),
            "messages": len(messages), "playbook_messages": len(playbook), "people": people}
