"""The campaign the demo shop ran before: a win-back email with a holdout, whose effect
``regulars results`` measures."""

from __future__ import annotations

import numpy as np
import pandas as pd

from regulars.demo._calendar import DAYS, dates

__all__ = ["PAST_DAY", "PAST_PLAYBOOK", "past_campaign"]


#: The playbook the demo shop ran before (with regulars' holdout), so results have something to show.
PAST_PLAYBOOK = "churn-win-back"
PAST_DAY = DAYS - 45  # mid-November: its 14-day attribution window closes before the data ends


def past_campaign(rng: np.random.Generator, ids: np.ndarray, hidden: dict[str, np.ndarray],
                   buys: dict[str, np.ndarray], products: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """A win-back email sent six weeks before the end to consenting customers whose last order
    was 60-365 days earlier, with 20% held out by the same hash the playbooks use. The email
    works: a treated customer who has not dropped out for good orders within two weeks with
    15% chance (a held-out customer only buys as they would have anyway)."""
    from regulars.playbooks import in_holdout

    t = pd.Series(buys["t"]).groupby(buys["customer"]).max().reindex(range(len(ids))).to_numpy()
    gap = PAST_DAY - t
    chosen = np.flatnonzero(hidden["consent_email"] & (gap >= 60) & (gap <= 365))
    held = in_holdout(ids[chosen], PAST_PLAYBOOK, 0.2)
    treated = chosen[~held]
    alive = buys["death"][treated] > PAST_DAY
    respond = treated[alive & (rng.random(len(treated)) < 0.15)]
    when = PAST_DAY + 0.5 + rng.random(len(respond)) * 13
    order_ids = np.array([f"W{i:06d}" for i in range(1, len(respond) + 1)])
    product = rng.integers(0, len(products), len(respond))
    price = products["price"].to_numpy()[product]
    quantity = 1 + rng.poisson(0.8, len(respond))
    orders = pd.DataFrame({"order_id": order_ids, "customer_id": ids[respond], "ordered_at": dates(when),
                           "amount": np.round(price * quantity * 0.85, 2), "currency": "GBP", "status": "completed",
                           "channel": "web", "discount": np.round(price * quantity * 0.15, 2)})
    items = pd.DataFrame({"order_id": order_ids, "product_id": products["product_id"].to_numpy()[product],
                          "quantity": quantity, "unit_price": price,
                          "category": products["category"].to_numpy()[product]})
    messages = pd.DataFrame({"message_id": [f"WB{i:06d}" for i in range(1, len(chosen) + 1)],
                             "customer_id": ids[chosen], "sent_at": dates(np.full(len(chosen), PAST_DAY + 0.42)),
                             "channel": "email", "campaign_id": PAST_PLAYBOOK, "playbook": PAST_PLAYBOOK,
                             "variant": np.where(held, "holdout", "treatment")})
    opened = treated[rng.random(len(treated)) < 0.1 + 0.5 * hidden["engagement"][treated]]
    events = pd.DataFrame({"customer_id": ids[opened], "occurred_at": dates(np.full(len(opened), PAST_DAY + 0.6)),
                           "event_type": "email_open", "channel": "email", "campaign_id": PAST_PLAYBOOK, "url": ""})
    return {"orders": orders, "order_items": items, "messages": messages, "events": events}
