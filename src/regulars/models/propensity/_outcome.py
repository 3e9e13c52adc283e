"""How a label's reasons read. A model finds patterns, not causes: "spent 988 in all (raises the
chance)" of a support ticket reads as nonsense to an owner, while "spent 988 in all (customers
like this write to support more often)" is what the model saw and is believable. So each label
names the features an owner reads as moving its outcome (the gap since the last order moves
churn; tickets move support), and every other feature is said as the pattern it is.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LOWERS", "OUTCOMES", "RAISES", "Outcome"]

RAISES, LOWERS = " (raises the chance)", " (lowers the chance)"


@dataclass(frozen=True)
class Outcome:
    #: completes "customers like this ... more often"
    happens: str
    #: features whose effect an owner reads as cause and effect
    direct: frozenset[str]
    #: who had the outcome, completing "the 43% ... in the last 90 days" (what the model learned from)
    had: str = ""

    def base(self, rate: float, horizon_days: int) -> str:
        """The baseline a chance is compared with, in words an owner can check against the shop."""
        return f"the {rate:.0%} {self.had} in the last {horizon_days} days"

    def effect(self, feature: str, raises: bool) -> str:
        """What ``feature`` does to the chance, in words."""
        if feature in self.direct:
            return RAISES if raises else LOWERS
        return f" (customers like this {self.happens} {'more' if raises else 'less'} often)"


_RHYTHM = {"days_since_last_order", "mean_days_between_orders", "std_days_between_orders", "lateness"}
_RECENT_ORDERS = {"orders_total", "orders_30d", "orders_90d", "orders_prev_90d", "order_trend_90d", "spend_90d",
                  "spend_prev_90d"}
_ACTIVITY = {"events_90d", "events_30d", "web_visits_30d", "web_visits_prev_30d", "days_since_last_event",
             "email_opens_90d", "email_clicks_90d", "email_open_rate_90d", "email_click_rate_90d",
             "email_unsubscribes", "cart_adds_30d", "cart_abandons_30d"}
_SERVICE = {"tickets_total", "tickets_90d", "tickets_open", "hours_to_resolve", "ticket_csat", "latest_nps",
            "latest_csat", "refunds_total", "refund_amount"}
_INTENT = {"pricing_views_30d", "demo_requests_30d", "contact_forms_30d", "faq_views_30d", "downloads_30d"}

OUTCOMES = {
    "churn": Outcome("leave", frozenset(_RHYTHM | _RECENT_ORDERS | _ACTIVITY | _SERVICE),
                     "of buyers who did not order"),
    "purchase": Outcome("order", frozenset(_RHYTHM | _RECENT_ORDERS | _ACTIVITY | _SERVICE), "of buyers who ordered"),
    "conversion": Outcome("become buyers", frozenset(_ACTIVITY | _INTENT), "of leads who bought"),
    "support": Outcome("write to support", frozenset(_SERVICE | {"orders_30d", "orders_90d", "contact_forms_30d",
                                                                 "faq_views_30d"}), "of customers who wrote to support"),
}
