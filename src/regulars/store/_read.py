"""Read queries the use cases need, all through resolved customer ids."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from regulars.errors import InsufficientDataError, NotFoundError, SettingsError
from regulars.store._consent import CONSENT_BY_PERSON
from regulars.store._outbox import PENDING

if TYPE_CHECKING:
    from datetime import date

    import pandas as pd

    from regulars.store._store import Store

__all__ = ["customer_profiles", "customer_recommendations", "customer_scores", "known_event_ids", "scores_of", "top_scores", "customer_view", "delivered_orders", "held_columns", "latest_run", "product_neighbours", "quarantine_rows",
           "run_customers", "run_scores", "scored_before", "segment_rules"]



def quarantine_rows(store: Store, batch_id: str | None = None) -> pd.DataFrame:
    """Quarantined rows (all, or one batch's) with reasons and original values, in load order."""
    if batch_id is not None and not store.rows("SELECT 1 FROM batches WHERE batch_id = ?", [batch_id]):
        raise SettingsError(f"no batch {batch_id!r}; `regulars status` lists the batches")
    where = "WHERE batch_id = ?" if batch_id else ""
    return store.frame(
        "SELECT batch_id, table_name, source_name, source_row, reason, reason_codes, "
        f"CAST(original AS VARCHAR) AS original FROM quarantine {where} ORDER BY batch_id, source_row",
        [batch_id] if batch_id else [])


def latest_run(store: Store) -> dict[str, Any]:
    """The newest scoring run (not a `predict` run): run_id and cutoff."""
    found = store.rows("SELECT run_id, cutoff FROM runs WHERE cutoff IS NOT NULL "
                       "ORDER BY created_at DESC, run_id DESC LIMIT 1")
    if not found:
        raise InsufficientDataError("no scores yet; run `regulars run` first")
    return found[0]


def run_scores(store: Store, run_id: str, columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """One run's wide scores, a row per customer: every column, or customer_id and ``columns``
    (the numbers of a million customers read in a quarter of the time of everything)."""
    picked = ", ".join(f'"{c}"' for c in ("customer_id", *columns)) if columns else "* EXCLUDE (run_id)"
    reader = store.con.execute(f"SELECT {picked} FROM scores WHERE run_id = ?", [run_id]).arrow()
    return reader.read_all().to_pandas()  # through Arrow: three times faster than fetch_df for text


def resolved_id(store: Store, customer_id: str) -> str:
    """The customer any of their ids names (after identity resolution); NotFoundError if none."""
    found = store.con.execute("SELECT resolved_id FROM customer_map WHERE customer_id = ?", [customer_id]).fetchone()
    if not found:
        raise NotFoundError(f"no customer {customer_id!r}; `regulars status` shows what is loaded")
    return found[0]


def customer_view(store: Store, customer_id: str) -> dict[str, Any]:
    """A customer's records (every id linked to them), order counts and latest scores."""
    resolved = resolved_id(store, customer_id)
    records = store.rows(
        "SELECT c.* EXCLUDE (attributes, batch_id, email_norm, phone_norm) FROM customers c "
        "JOIN customer_map m USING (customer_id) WHERE m.resolved_id = ? ORDER BY c.is_stub, c.customer_id",
        [resolved])
    orders = store.rows(
        """WITH mine AS (SELECT status, amount FROM orders WHERE customer_id IN
                            (SELECT customer_id FROM customer_map WHERE resolved_id = $1)),
                bought AS (SELECT count(*) AS count, sum(amount) AS total, min(ordered_at) AS first,
                                  max(ordered_at) AS last, upper(mode(currency)) AS currency
                             FROM purchases WHERE customer_id = $1),
                back AS (SELECT count(*) FILTER (status = 'refunded') AS refunds,
                                count(*) FILTER (status = 'cancelled') AS cancelled,
                                coalesce(-sum(amount) FILTER (status = 'refunded'), 0) AS refunded FROM mine)
           SELECT * FROM bought, back""", [resolved])[0]
    scores = latest_scores(store, resolved)
    external = store.rows(
        "SELECT DISTINCT e.source, e.external_id FROM external_ids e JOIN customer_map m USING (customer_id) "
        "WHERE m.resolved_id = ? ORDER BY 1, 2", [resolved])
    return {"customer_id": resolved, "records": records, "orders": orders, "scores": scores[0] if scores else None,
            "external_ids": external}


def latest_scores(store: Store, resolved_id: str) -> list[dict[str, Any]]:
    """A customer's scores of their latest run, laid out as a row of the ``scores`` view (with the
    run's cutoff and their segments): one row, or none when no run scored them. Only their rows
    of ``results`` are read and laid out here, which is what keeps one customer's answer quick
    (laying out the view for one customer costs 15 ms of planning alone)."""
    found = store.con.execute(
        """SELECT r.run_id, r.scorer, r.measures, r.labels, r.reasons, r.model_version, n.measures, n.labels,
                  u.cutoff, u.created_at
           FROM results r JOIN run_measures n USING (run_id, scorer) JOIN runs u USING (run_id)
           WHERE r.customer_id = $1 ORDER BY u.created_at DESC, r.run_id DESC""", [resolved_id]).fetchall()
    if not found:
        return []
    run_id, cutoff = found[0][0], found[0][8]
    out = _lay_out(run_id, resolved_id, {row[1]: row[1:8] for row in found if row[0] == run_id})
    member = store.con.execute("SELECT segments FROM segment_members WHERE run_id = $1 AND customer_id = $2",
                               [run_id, resolved_id]).fetchone()
    return [out | {"cutoff": cutoff, "segments": member[0] if member else None}]


def _lay_out(run_id: str, customer_id: str, by_scorer: dict[str, tuple]) -> dict[str, Any]:
    """One customer's row of the wide ``scores`` view, from their ``results`` rows: by scorer,
    (scorer, measures, labels, reasons, model_version, measure names, label names)."""
    from regulars.scorers import wide_columns

    out: dict[str, Any] = {"run_id": run_id, "customer_id": customer_id}
    for column, scorer, measure, kind in wide_columns():
        row, value = by_scorer.get(scorer), None
        if row is not None:
            values, names = (row[2], row[6]) if kind == "VARCHAR" and measure != "reasons" else (row[1], row[5])
            if measure == "reasons":
                value = row[3]
            elif names and measure in names:
                value = values[names.index(measure)]
                value = int(value) if kind == "BIGINT" and value is not None else value
        out[column] = value
    out["model_versions"] = "; ".join(f"{s}={by_scorer[s][4]}" for s in sorted(by_scorer)) or None
    return out


def scores_of(store: Store, run_id: str, customer_ids: list[str]) -> list[dict[str, Any]]:
    """These customers' rows of run ``run_id``'s wide scores, in the order given (those the run
    did not score are left out): quick for a page of customers, where the view lays out all."""
    found = store.con.execute(
        """SELECT r.customer_id, r.scorer, r.measures, r.labels, r.reasons, r.model_version, n.measures, n.labels
           FROM results r JOIN run_measures n USING (run_id, scorer)
           WHERE r.run_id = $1 AND r.customer_id IN (SELECT unnest($2::VARCHAR[]))""",
        [run_id, list(customer_ids)]).fetchall()
    rows: dict[str, dict[str, tuple]] = {}
    for row in found:
        rows.setdefault(row[0], {})[row[1]] = row[1:]
    return [_lay_out(run_id, c, rows[c]) for c in customer_ids if c in rows]


def top_scores(store: Store, run_id: str, column: str, ascending: bool, top: int, *, offset: int = 0,
               segment: str | None = None) -> list[dict[str, Any]]:
    """Customers ``offset`` to ``offset + top`` of run ``run_id`` (of ``segment``'s members, when
    given) by a wide column (missing values last, then by id), laid out as rows of the wide view."""
    from regulars.scorers import wide_columns

    scorer, measure = next((s, m) for c, s, m, _ in wide_columns() if c == column)
    ids = [r[0] for r in store.con.execute(
        f"""WITH who AS ({_RUN_CUSTOMERS}),
                 v AS (SELECT r.customer_id, r.measures[list_position(n.measures, $3)] AS v
                       FROM results r JOIN run_measures n USING (run_id, scorer) WHERE r.run_id = $1 AND r.scorer = $2)
            SELECT w.customer_id FROM who w LEFT JOIN v USING (customer_id)
            ORDER BY v.v {'ASC' if ascending else 'DESC'} NULLS LAST, w.customer_id LIMIT $4 OFFSET $5""",
        [run_id, scorer, measure, top, offset, segment]).fetchall()]
    return scores_of(store, run_id, ids)


def run_customers(store: Store, run_id: str, segment: str | None = None) -> int:
    """How many customers run ``run_id`` scored (of ``segment``'s members, when given)."""
    return store.con.execute(f"WITH who AS ({_RUN_CUSTOMERS.replace('$6', '$2')}) SELECT count(*) FROM who",
                             [run_id, segment]).fetchone()[0]


#: The customers of run $1 (the members of segment $6 when it is not null).
_RUN_CUSTOMERS = ("SELECT DISTINCT customer_id FROM results WHERE run_id = $1 AND ($6::VARCHAR IS NULL OR customer_id "
                  "IN (SELECT customer_id FROM segment_members WHERE run_id = $1 AND list_contains(segments, $6)))")


def segment_rules(store: Store) -> dict[str, str]:
    """The user's rule segments, name -> rule, in the order they were defined."""
    return {r["name"]: r["rule"] for r in store.rows("SELECT name, rule FROM segment_rules ORDER BY defined_at, name")}


def customer_recommendations(store: Store, customer_id: str, run_id: str) -> dict[str, Any]:
    """A customer's recommendations in run ``run_id``: the ranked products with their source and
    reason, the lagged cross-sell, and every product due for replenishment (soonest first)."""
    found = store.rows("SELECT products, sources, reasons FROM recommendations WHERE run_id = ? AND customer_id = ?",
                       [run_id, customer_id])
    names = {}
    if store.count("products"):
        names = dict(store.con.execute("SELECT product_id, name FROM products WHERE name IS NOT NULL").fetchall())
    products = []
    if found:
        row = found[0]
        products = [{"product_id": p, "name": names.get(p), "source": s, "reason": r}
                    for p, s, r in zip(row["products"], row["sources"], row["reasons"])]
    due = store.rows("SELECT product_id, purchases, usual_days, last_bought, due_on FROM replenishment "
                     "WHERE run_id = ? AND customer_id = ? ORDER BY due_on, product_id", [run_id, customer_id])
    for d in due:
        d["name"] = names.get(d["product_id"])
    wide = scores_of(store, run_id, [customer_id])
    cross = ({k: wide[0][k] for k in ("cross_sell_product", "cross_sell_in_days", "recommend_reason")}
             if wide and wide[0]["cross_sell_product"] else None)
    if cross:
        cross["name"] = names.get(cross["cross_sell_product"])
    return {"products": products, "replenishment": due, "cross_sell": cross,
            "reason": wide[0]["recommend_reason"] if wide else None}


def delivered_orders(store: Store) -> int:
    """How many orders say when they reached the customer (a delivery survey needs them)."""
    return store.con.execute("SELECT count(*) FROM orders WHERE delivered_at IS NOT NULL").fetchone()[0]


def playbook_inputs(store: Store, previous_run_id: str | None, at: Any, days: int = 60) -> dict[str, Any]:
    """What the playbook planner reads besides a run's fields, by resolved customer id: profile
    (name, email, phone, country, region, acquisition source, birthday, the export's own columns,
    and ``consent_<topic>`` as the consent history says now), the previous run's memberships, the last ``days`` days of events and purchases before
    ``at``, each customer's latest delivery, every action recorded (messages, and the outbox's still on their way), the steps
    queued per customer and playbook and those a person rejected, exclusions by a person, tickets (negative: a complaint
    category or rated 1-2), customers paused in a crisis, each product's category and first sale (arrivals), and when a plan was last queued."""
    since = [at, at]
    return {
        "profile": store.frame(
            "SELECT p.*, k.* EXCLUDE (customer_id) FROM (SELECT m.resolved_id AS customer_id, any_value(c.name) AS name, "
            "any_value(c.email) AS email, any_value(c.phone) AS phone, any_value(c.country) AS country, "
            "any_value(c.birthday) AS birthday, any_value(c.region) AS region, any_value(c.lead_source) AS lead_source, "
            "any_value(CAST(c.attributes AS VARCHAR)) AS attributes "
            "FROM customers c JOIN customer_map m USING (customer_id) GROUP BY 1) p "
            f"LEFT JOIN {CONSENT_BY_PERSON} k USING (customer_id)"),
        "previous": store.frame("SELECT customer_id, unnest(segments) AS segment FROM segment_members "
                                "WHERE run_id = ?", [previous_run_id]) if previous_run_id else None,
        "events": store.frame(
            f"SELECT m.resolved_id AS customer_id, e.event_type, e.occurred_at, e.url FROM events e "
            f"JOIN customer_map m USING (customer_id) WHERE e.occurred_at < ? "
            f"AND (e.occurred_at >= ?::TIMESTAMP - INTERVAL {int(days)} DAY OR e.event_type LIKE '%unsubscribe' OR e.event_type LIKE '%complaint')",
            since),
        "orders": store.frame(
            f"SELECT customer_id, ordered_at FROM purchases WHERE customer_id IS NOT NULL AND ordered_at < ? "
            f"AND ordered_at >= ?::TIMESTAMP - INTERVAL {int(days)} DAY", since),
        # each customer's latest delivery before ``at`` (a survey some days after it)
        "deliveries": store.frame(
            "SELECT p.customer_id, max(o.delivered_at) AS delivered_at FROM purchases p JOIN orders o USING (order_id) "
            "WHERE p.customer_id IS NOT NULL AND o.delivered_at < ? GROUP BY 1", [at]),
        # messages up to a day after ``at`` too: one that went at the customer's best hour later
        # that day still counts against the frequency cap of a plan made earlier in it
        "sent": store.frame(
            "SELECT m.resolved_id AS customer_id, s.channel, s.playbook, s.variant, s.sent_at FROM messages s "
            "JOIN customer_map m USING (customer_id) WHERE s.sent_at <= ?::TIMESTAMP + INTERVAL 1 DAY UNION ALL "
            "SELECT customer_id, channel, playbook, 'treatment', coalesce(deliver_at, planned_at) FROM outbox "
            f"WHERE status IN ({', '.join(repr(p) for p in PENDING)}) AND planned_at <= ?", since),
        "excluded": store.frame("SELECT DISTINCT playbook, m.resolved_id AS customer_id FROM playbook_exclusions "
                                "JOIN customer_map m USING (customer_id)"),
        "queued": store.frame("SELECT DISTINCT customer_id, playbook, step FROM outbox"),
        "rejected": store.frame("SELECT DISTINCT customer_id, playbook, step FROM outbox WHERE status = 'rejected'"),
        "tickets": store.frame(
            "SELECT m.resolved_id AS customer_id, t.opened_at, coalesce(t.status, 'open') AS status, "
            "coalesce(t.category ILIKE '%complain%' OR t.csat <= 2, false) AS negative, "
            "CASE WHEN t.resolved_at < ? THEN t.resolved_at END AS resolved_at "
            "FROM tickets t JOIN customer_map m USING (customer_id) WHERE t.opened_at < ?", [at, at]),
        # a crisis playbook's pause, once a person approved it and it took effect: held as a complaint is
        "paused": store.frame("SELECT customer_id, planned_at AS paused_at FROM outbox WHERE channel = 'pause' "
                              "AND status = 'sent' AND planned_at < ?", [at]),
        "arrivals": store.frame(
            "SELECT p.category, min(o.ordered_at) AS first_sold FROM order_items i JOIN purchases o USING (order_id) "
            "JOIN products p USING (product_id) WHERE o.ordered_at < ? AND p.category IS NOT NULL "
            "GROUP BY p.product_id, p.category", [at]),
        "product_names": store.frame("SELECT product_id, name FROM products WHERE name IS NOT NULL"),
        # the last day before ``at``'s on which a plan was queued (exact-day triggers catch up after it)
        "last_queued": store.con.execute("SELECT max(planned_at) FROM outbox WHERE planned_at < CAST(? AS DATE)",
                                         [at]).fetchone()[0],
    }


def customer_profiles(store: Store) -> pd.DataFrame:
    """Every full customer record (not the minimal ones other tables created)."""
    return store.frame("SELECT * FROM customers WHERE NOT coalesce(is_stub, false)")


def known_event_ids(store: Store, event_ids: list[str]) -> set[str]:
    """Which of ``event_ids`` the events table holds already."""
    import pyarrow as pa

    store.con.register("_sent_ids", pa.table({"event_id": pa.array(event_ids, pa.string())}))
    try:
        return {r[0] for r in store.con.execute(
            "SELECT DISTINCT e.event_id FROM events e JOIN _sent_ids s USING (event_id)").fetchall()}
    finally:
        store.con.unregister("_sent_ids")


def customer_scores(store: Store, run_id: str, customer_id: str) -> dict[str, Any]:
    """One customer's row of a run's wide scores ({} when the run did not score them)."""
    found = scores_of(store, run_id, [customer_id])
    return found[0] if found else {}


def run_cards(store: Store, run_id: str) -> dict[str, Any]:
    """A run's model cards (per scorer) and what it skipped, with why."""
    import json

    models, skipped, cutoff, customers = store.con.execute(
        "SELECT models, skipped, cutoff, customers FROM runs WHERE run_id = ?", [run_id]).fetchone()
    return {"models": json.loads(models or "{}"), "skipped": json.loads(skipped or "{}"), "cutoff": str(cutoff),
            "customers": customers}


def label_columns(store: Store, most_values: int = 10) -> list[dict[str, Any]]:
    """The columns a business keeps on its customers (their attributes) with 2 to
    ``most_values`` values: what a prediction may learn (a CRM's churned or converted flag), each
    with its values and how many customers have one."""
    rows = store.con.execute(
        """WITH kv AS (SELECT unnest(json_keys(attributes)) AS k, attributes FROM customers
                       WHERE NOT coalesce(is_stub, false) AND attributes IS NOT NULL),
                vals AS (SELECT k, json_extract_string(attributes, '$."' || replace(k, '"', '\\"') || '"') AS v FROM kv)
           SELECT k, v, count(*) FROM vals WHERE v IS NOT NULL AND v <> '' GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2"""
    ).fetchall()
    found: dict[str, list[tuple[str, int]]] = {}
    for column, value, n in rows:
        found.setdefault(column, []).append((value, n))
    return [{"column": c, "values": [v for v, _ in vs], "customers": sum(n for _, n in vs)}
            for c, vs in found.items() if 2 <= len(vs) <= most_values]


def prediction_rows(store: Store, run_id: str) -> Any:
    """A prediction run's customers: id, probability and reasons, most likely first."""
    return store.frame("SELECT customer_id, probability, reasons FROM predictions WHERE run_id = ? "
                       "ORDER BY probability DESC, customer_id", [run_id])


def previous_run(store: Store, run_id: str, where: str = "r.cutoff IS NOT NULL") -> dict[str, Any] | None:
    """The run just before ``run_id`` (run_id and cutoff) among those ``where`` keeps (by
    default, scoring runs), if any."""
    found = store.rows(
        f"SELECT r.run_id, r.cutoff FROM runs r WHERE {where} "
        "AND row(r.created_at, r.run_id) < (SELECT row(created_at, run_id) FROM runs WHERE run_id = ?) "
        "ORDER BY r.created_at DESC, r.run_id DESC LIMIT 1", [run_id])
    return found[0] if found else None


def product_neighbours(store: Store, run_id: str, product: str, top: int = 10) -> dict[str, Any]:
    """What sells with ``product`` (its id or name, any case) in run ``run_id``: the products bought
    together with it, best lift first, and those bought after it."""
    from regulars.errors import NotFoundError

    found = store.rows("SELECT product_id, name FROM products WHERE lower(product_id) = lower(?) OR lower(name) = lower(?) "
                       "ORDER BY lower(product_id) = lower(?) DESC LIMIT 1", [product, product, product])
    product_id = found[0]["product_id"] if found else product
    pairs = store.rows(
        "SELECT p.other_id AS product_id, n.name, p.kind, p.customers, p.confidence, p.lift, p.lag_days "
        "FROM product_pairs p LEFT JOIN products n ON n.product_id = p.other_id "
        "WHERE p.run_id = ? AND p.product_id = ? ORDER BY p.kind DESC, p.lift DESC, p.customers DESC LIMIT ?",
        [run_id, product_id, 2 * top])
    if not found and not pairs:
        raise NotFoundError(f"no product {product!r} (by id or name) in this workspace")
    return {"product_id": product_id, "name": found[0]["name"] if found else None,
            "together": [p for p in pairs if p["kind"] == "together"][:top],
            "after": [p for p in pairs if p["kind"] == "after"][:top]}


def held_columns(store: Store) -> dict[str, list[str]]:
    """Per table with rows, the canonical columns at least one row fills (and for customers, the
    export's own columns too): what a shop holds, as a privacy notice states it."""
    from regulars.schema import CONTRACTS

    held: dict[str, list[str]] = {}
    for name, contract in CONTRACTS.items():
        if not store.count(name):
            continue
        filled = ", ".join(f'count("{c}") AS "{c}"' for c in contract.names)
        counts = store.rows(f"SELECT {filled} FROM {name}")[0]
        held[name] = [c for c in contract.names if counts[c]]
    if "customers" in held:  # the export's own columns, kept as attributes
        held["customers"] += [r["key"] for r in store.rows(
            "SELECT DISTINCT unnest(json_keys(attributes)) AS key FROM customers WHERE attributes IS NOT NULL "
            "ORDER BY 1")]
    return held


def scored_before(store: Store, column: str, cutoff: date) -> tuple[str, date, pd.DataFrame] | None:
    """The latest scoring run as of ``cutoff`` or earlier holding ``column`` (run_id, its cutoff,
    and customer_id with the column), for checking its scores against what happened since."""
    found = store.rows(
        "SELECT run_id, cutoff FROM runs WHERE cutoff IS NOT NULL AND cutoff <= ? "
        "ORDER BY cutoff DESC, created_at DESC LIMIT 1", [cutoff])
    columns = {r["column_name"] for r in store.rows(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'scores'")}
    if not found or column not in columns:
        return None
    run_id, when = found[0]["run_id"], found[0]["cutoff"]
    scores = store.frame(f'SELECT customer_id, "{column}" AS score FROM scores WHERE run_id = ? '
                         f'AND "{column}" IS NOT NULL', [run_id])
    return (run_id, when, scores) if len(scores) else None
