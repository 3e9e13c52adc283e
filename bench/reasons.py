"""Plain-language reasons per second: the three reasons ``PropensityModel.reason_text`` gives each
customer, on a feature table shaped like the real one (32 behavioural features with gaps).

    .venv/bin/python bench/reasons.py [--customers 1000000]     # goal: at least 100k customers/s
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from regulars.models.propensity import PropensityModel


def features(n: int, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Order, activity and support features with the gaps real shops have (one-time buyers have no
    rhythm, quiet customers no events), and a churn-like outcome driven by a few of them."""
    rng = np.random.default_rng(seed)
    orders = rng.poisson(3, n) + 1
    since = rng.exponential(90, n).round()
    gap = np.where(orders > 1, rng.gamma(2, 30, n).round(), np.nan)
    X = pd.DataFrame({
        "orders_total": orders, "orders_30d": rng.poisson(0.3, n), "orders_90d": rng.poisson(0.9, n),
        "orders_prev_90d": rng.poisson(0.9, n), "spend_total": (orders * rng.gamma(3, 20, n)).round(2),
        "spend_90d": rng.gamma(1, 30, n).round(2), "spend_prev_90d": rng.gamma(1, 30, n).round(2),
        "avg_order_value": rng.gamma(3, 20, n).round(2), "mean_days_between_orders": gap,
        "std_days_between_orders": np.where(orders > 2, gap / 2, np.nan), "refunds_total": rng.poisson(0.1, n),
        "refund_amount": rng.gamma(0.1, 10, n).round(2), "days_since_last_order": since,
        "days_since_first_order": since + rng.exponential(300, n).round(), "discount_share": rng.random(n).round(2),
        "order_trend_90d": rng.integers(-3, 4, n), "lateness": since / np.where(np.isnan(gap), np.nan, gap + 1),
        "events_90d": rng.poisson(5, n), "events_30d": rng.poisson(2, n), "email_opens_90d": rng.poisson(2, n),
        "email_clicks_90d": rng.poisson(0.5, n), "web_visits_30d": rng.poisson(1.5, n),
        "web_visits_prev_30d": rng.poisson(1.5, n), "pricing_views_30d": rng.poisson(0.2, n),
        "cart_adds_30d": rng.poisson(0.3, n), "faq_views_30d": rng.poisson(0.1, n),
        "days_since_last_event": np.where(rng.random(n) < 0.2, np.nan, rng.exponential(20, n).round()),
        "email_unsubscribes": (rng.random(n) < 0.05).astype(int), "tickets_total": rng.poisson(0.3, n),
        "tickets_90d": rng.poisson(0.1, n), "latest_nps": np.where(rng.random(n) < 0.7, np.nan, rng.integers(0, 11, n)),
        "country": pd.Categorical(rng.choice(["GB", "DE", "FR", "US", "NL"], n)),
    })
    logit = 0.02 * since - 0.3 * np.log1p(orders) - 0.5 * X["email_clicks_90d"] - 1.0
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return X, y


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    args = parser.parse_args()
    X, y = features(args.customers)
    model = PropensityModel().fit(X.head(200_000), y[:200_000])
    start = time.perf_counter()
    texts = model.reason_text(X)
    seconds = time.perf_counter() - start
    assert len(texts) == len(X) and all(t.count(";") == 2 for t in texts[:1000])
    print(f"reasons: {len(X):,} customers in {seconds:.1f} s = {len(X) / seconds:,.0f} customers/s "
          f"(goal at least 100,000/s); e.g. {texts[0]!r}")


if __name__ == "__main__":
    main()
