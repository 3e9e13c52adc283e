"""The shop's figures at a glance: monthly sales (anonymous sales included), active and repeat
customers with their trend, the latest run's churn risk and lifetime value, the valuable
customers slipping away, the hot leads, and how fresh the data is. What the dashboard's home
page and the emailed report show."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from regulars.store._store import Store

__all__ = ["KEPT_TOP", "kpis", "run_figures"]

#: A customer is active when they bought within this many days.
ACTIVE_DAYS = 90
#: How many customers of each list a run keeps with its figures (a page asking for more works them out).
KEPT_TOP = 50


def _main_currency(store: Store) -> str | None:
    found = store.con.execute(
        "SELECT currency FROM purchases GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1").fetchone()
    return found[0] if found else None


def _monthly(store: Store, currency: str | None, months: int) -> list[dict[str, Any]]:
    """Per month (the last ``months`` to the latest sale): revenue (net of refunds, in the month
    of the purchase refunded), orders, the anonymous part, buyers, and buyers who had bought
    before (repeat buyers). Sales are the ``purchases`` view: the one purchase rule."""
    same = "currency IS NULL" if currency is None else "currency = $1"
    return store.rows(
        f"""WITH sold AS (SELECT customer_id, ordered_at, amount, date_trunc('month', ordered_at) AS month
                         FROM purchases WHERE {same}),
                 firsts AS (SELECT customer_id, min(ordered_at) AS first FROM sold
                            WHERE customer_id IS NOT NULL GROUP BY 1),
                 last AS (SELECT max(month) AS m FROM sold)
            SELECT strftime(s.month, '%Y-%m') AS month, round(sum(s.amount), 2) AS revenue, count(*) AS orders,
                   round(coalesce(sum(s.amount) FILTER (WHERE s.customer_id IS NULL), 0), 2) AS anonymous_revenue,
                   count(DISTINCT s.customer_id) AS buyers,
                   count(DISTINCT s.customer_id) FILTER (WHERE f.first < s.month) AS repeat_buyers
            FROM sold s LEFT JOIN firsts f USING (customer_id), last
            WHERE s.month > last.m - INTERVAL {int(months)} MONTH
            GROUP BY s.month ORDER BY s.month""", [currency] if currency is not None else [])


def _activity(store: Store) -> dict[str, Any]:
    """Active customers now and a period earlier, revenue in the last 30 days and the 30 before,
    and the share of buyers who bought more than once."""
    row = store.rows(
        f"""WITH edge AS (SELECT max(ordered_at) AS t FROM purchases)
            SELECT count(DISTINCT customer_id) FILTER (WHERE ordered_at > t - INTERVAL {ACTIVE_DAYS} DAY) AS active,
                   count(DISTINCT customer_id) FILTER (WHERE ordered_at > t - INTERVAL {2 * ACTIVE_DAYS} DAY
                        AND ordered_at <= t - INTERVAL {ACTIVE_DAYS} DAY) AS active_before,
                   round(coalesce(sum(amount) FILTER (WHERE ordered_at > t - INTERVAL 30 DAY), 0), 2) AS revenue_30d,
                   round(coalesce(sum(amount) FILTER (WHERE ordered_at > t - INTERVAL 60 DAY
                        AND ordered_at <= t - INTERVAL 30 DAY), 0), 2) AS revenue_30d_before,
                   CAST(t AS VARCHAR) AS latest_order
            FROM purchases, edge GROUP BY t""")
    out = row[0] if row else {"active": 0, "active_before": 0, "revenue_30d": 0, "revenue_30d_before": 0,
                              "latest_order": None}
    repeat = store.con.execute(
        """SELECT count(*) FILTER (WHERE n > 1), count(*) FROM (
               SELECT customer_id, count(*) AS n FROM purchases WHERE customer_id IS NOT NULL GROUP BY 1)""").fetchone()
    out["repeat_rate"] = repeat[0] / repeat[1] if repeat[1] else None
    return out


def run_figures(store: Store, run_id: str, top: int = KEPT_TOP) -> dict[str, Any]:
    """The run's average churn risk and lifetime value, and its lists: valuable customers at
    risk (by value at stake), hot leads who have not bought yet."""
    figures = store.rows(
        """SELECT avg(churn_probability) AS churn_risk, count(*) FILTER (WHERE churn_probability >= 0.5) AS at_risk,
                  sum(clv) AS clv_total, avg(clv) AS clv_average, count(*) AS customers
           FROM scores WHERE run_id = ?""", [run_id])[0]
    figures["at_risk_valuable"] = store.rows(
        """SELECT customer_id, churn_probability, clv, churn_reasons, clv * churn_probability AS at_stake
           FROM scores WHERE run_id = ? AND churn_probability >= 0.5 AND clv > 0
           ORDER BY at_stake DESC, customer_id LIMIT ?""", [run_id, top])
    figures["hot_leads"] = store.rows(
        """SELECT customer_id, engagement, conversion_probability, coalesce(conversion_reasons, engagement_reason)
                  AS reasons
           FROM scores WHERE run_id = ? AND engagement_tier = 'hot' AND coalesce(orders, 0) = 0
           ORDER BY coalesce(conversion_probability, 0) DESC, engagement DESC, customer_id LIMIT ?""", [run_id, top])
    return figures


def _kept_figures(store: Store, run_id: str, top: int) -> dict[str, Any]:
    """The run's figures as stored with it (runs before schema 8, or a longer list: worked out now)."""
    import json

    kept = store.con.execute("SELECT figures FROM runs WHERE run_id = ?", [run_id]).fetchone()
    if not kept or not kept[0] or top > KEPT_TOP:
        return run_figures(store, run_id, top)
    figures = json.loads(kept[0])
    return figures | {name: figures[name][:top] for name in ("at_risk_valuable", "hot_leads")}


def _freshness(store: Store) -> list[dict[str, Any]]:
    """Per table: when data was last loaded and the latest date in it."""
    return store.rows(
        """SELECT table_name AS "table", CAST(max(loaded_at) AS VARCHAR) AS loaded_at, count(*) AS batches
           FROM batches GROUP BY 1 ORDER BY max(loaded_at) DESC""")


def kpis(store: Store, run_id: str | None, *, months: int = 12, top: int = 10) -> dict[str, Any]:
    """The figures above; the run's part is empty when there is no run yet."""
    currency = _main_currency(store)
    return {
        "currency": currency,
        "monthly": _monthly(store, currency, months),
        "activity": _activity(store),
        "run": _kept_figures(store, run_id, top) if run_id else None,
        "freshness": _freshness(store),
    }
