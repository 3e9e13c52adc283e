"""Segment queries: each run's sizes with who entered and left since the run before, a segment's
history, its members, a customer's segments; and the user's rules and pins."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from regulars.errors import InsufficientDataError, NotFoundError, SettingsError
from regulars.store._read import previous_run, run_cards
from regulars.store._store import now

if TYPE_CHECKING:
    import pandas as pd

    from regulars.store._store import Store

__all__ = ["customer_segments", "define_rule", "drop_rule", "pin_customer", "previous_segment_run",
           "run_segments", "segment_changes", "segment_history", "segment_members", "segment_names", "segment_pairs",
           "segment_pins", "segment_run"]

_PAIRS = "SELECT customer_id, unnest(segments) AS segment FROM segment_members WHERE run_id = ?"


def segment_run(store: Store) -> dict[str, Any]:
    """The newest run that has segments: run_id and cutoff."""
    found = store.rows("SELECT r.run_id, r.cutoff FROM runs r WHERE EXISTS "
                       "(SELECT 1 FROM run_segments s WHERE s.run_id = r.run_id) "
                       "ORDER BY r.created_at DESC, r.run_id DESC LIMIT 1")
    if not found:
        raise InsufficientDataError("no segments yet; run `regulars run` first")
    return found[0]


def last_clusters(store: Store) -> dict[str, Any] | None:
    """The clusters kept by the newest run with segments (their measures, centres and numbers),
    or None before one."""
    try:
        run = segment_run(store)
    except InsufficientDataError:
        return None
    return (run_cards(store, run["run_id"])["models"].get("segments") or {}).get("clusters")


def previous_segment_run(store: Store, run_id: str) -> dict[str, Any] | None:
    """The run with segments just before ``run_id``, if any."""
    return previous_run(store, run_id, "EXISTS (SELECT 1 FROM run_segments s WHERE s.run_id = r.run_id)")


def run_segments(store: Store, run_id: str) -> dict[str, dict[str, Any]]:
    """Every segment of run ``run_id``: name -> family, size and description."""
    return {r.pop("segment"): r for r in store.rows(
        "SELECT segment, family, size, description FROM run_segments WHERE run_id = ? ORDER BY segment", [run_id])}


def segment_pairs(store: Store, run_id: str) -> pd.DataFrame:
    """Run ``run_id``'s memberships, one row per customer and segment."""
    return store.frame(_PAIRS, [run_id])


def segment_names(store: Store) -> set[str]:
    """Every segment name any run has recorded."""
    return {r["segment"] for r in store.rows("SELECT DISTINCT segment FROM run_segments")}


def segment_pins(store: Store) -> list[dict[str, Any]]:
    """The pins people set: segment, customer_id, pinned_in."""
    return store.rows("SELECT segment, customer_id, pinned_in FROM segment_pins")


def segment_changes(store: Store, run_id: str, before: str | None) -> pd.DataFrame:
    """Every segment of ``run_id`` (empty ones too) with its size and, against run ``before``,
    how many entered, left and stayed."""
    if before is None:
        return store.frame("SELECT segment, family, size, description, NULL::BIGINT AS entered, "
                           "NULL::BIGINT AS \"left\", NULL::BIGINT AS stayed FROM run_segments WHERE run_id = ? "
                           "ORDER BY family, size DESC, segment", [run_id])
    return store.frame(
        f"""WITH now_ AS ({_PAIRS}), then_ AS ({_PAIRS}),
            moves AS (SELECT coalesce(n.segment, t.segment) AS segment,
                             count(*) FILTER (t.customer_id IS NULL) AS entered,
                             count(*) FILTER (n.customer_id IS NULL) AS "left",
                             count(*) FILTER (n.customer_id IS NOT NULL AND t.customer_id IS NOT NULL) AS stayed
                      FROM now_ n FULL OUTER JOIN then_ t USING (customer_id, segment) GROUP BY 1)
            SELECT s.segment, s.family, s.size, s.description, coalesce(m.entered, 0) AS entered,
                   coalesce(m."left", 0) AS "left", coalesce(m.stayed, 0) AS stayed
            FROM run_segments s LEFT JOIN moves m USING (segment) WHERE s.run_id = ?
            ORDER BY s.family, s.size DESC, s.segment""", [run_id, before, run_id])


def _known(store: Store, name: str) -> None:
    if not store.rows("SELECT 1 FROM run_segments WHERE segment = ? LIMIT 1", [name]):
        names = [r["segment"] for r in store.rows(
            "SELECT DISTINCT segment FROM run_segments WHERE lower(segment) LIKE '%' || lower(?) || '%' LIMIT 5",
            [name[:20]])]
        hint = f"; similar: {', '.join(names)}" if names else "; `regulars segments DIR list` shows them"
        raise NotFoundError(f"no segment {name!r}{hint}")


def segment_history(store: Store, name: str) -> pd.DataFrame:
    """Per run with segments: cutoff, size, and who entered, left and stayed since the run before."""
    _known(store, name)
    return store.frame(
        """WITH runs_ AS (SELECT r.run_id, r.cutoff, r.created_at,
                                 lag(r.run_id) OVER (ORDER BY r.created_at, r.run_id) AS before
                          FROM runs r WHERE r.run_id IN (SELECT DISTINCT run_id FROM run_segments)),
                members AS (SELECT run_id, customer_id FROM segment_members WHERE list_contains(segments, ?)),
                now_ AS (SELECT x.run_id AS at, m.customer_id FROM runs_ x JOIN members m ON m.run_id = x.run_id),
                then_ AS (SELECT x.run_id AS at, m.customer_id FROM runs_ x JOIN members m ON m.run_id = x.before),
                moves AS (SELECT coalesce(n.at, t.at) AS run_id,
                                 count(n.customer_id) FILTER (t.customer_id IS NULL) AS entered,
                                 count(t.customer_id) FILTER (n.customer_id IS NULL) AS "left"
                          FROM now_ n FULL OUTER JOIN then_ t ON n.at = t.at AND n.customer_id = t.customer_id
                          GROUP BY 1)
           SELECT x.run_id, x.cutoff, coalesce(s.size, 0) AS size,
                  CASE WHEN x.before IS NOT NULL THEN coalesce(m.entered, 0) END AS entered,
                  CASE WHEN x.before IS NOT NULL THEN coalesce(m."left", 0) END AS "left"
           FROM runs_ x LEFT JOIN run_segments s ON s.run_id = x.run_id AND s.segment = ?
                LEFT JOIN moves m ON m.run_id = x.run_id
           ORDER BY x.created_at, x.run_id""", [name, name])


def segment_members(store: Store, run_id: str, name: str) -> pd.DataFrame:
    """The members of segment ``name`` in run ``run_id`` with their headline scores, most
    valuable first (read from the scorers' rows of the members alone, not the whole wide view)."""
    _known(store, name)
    names = {scorer: (measures, labels) for scorer, measures, labels in store.con.execute(
        "SELECT scorer, measures, labels FROM run_measures WHERE run_id = ?", [run_id]).fetchall()}
    wanted = (("lifecycle_stage", "segments", "lifecycle_stage", True), ("rfm_segment", "segments", "rfm_segment", True),
              ("clv", "clv", "clv", False), ("churn_probability", "churn", "probability", False),
              ("engagement", "engagement", "points", False))
    picks, joins = [], []
    for column, scorer, measure, word in wanted:
        found = names.get(scorer, ((), ()))[1 if word else 0]
        if measure not in found:
            picks.append(f"NULL AS {column}")
            continue
        alias = f"r_{scorer}"
        if alias not in {j[0] for j in joins}:
            joins.append((alias, scorer))
        picks.append(f"{alias}.{'labels' if word else 'measures'}[{list(found).index(measure) + 1}] AS {column}")
    joined = " ".join(f"LEFT JOIN results {a} ON {a}.run_id = m.run_id AND {a}.customer_id = m.customer_id "
                      f"AND {a}.scorer = '{scorer}'" for a, scorer in joins)
    return store.frame(
        f"SELECT m.customer_id, {', '.join(picks)} FROM segment_members m {joined} "
        "WHERE m.run_id = ? AND list_contains(m.segments, ?) ORDER BY clv DESC NULLS LAST, m.customer_id",
        [run_id, name])


def customer_segments(store: Store, customer_id: str, run_id: str) -> dict[str, Any]:
    """A customer's segments in ``run_id``, what they joined and left since the run before, and
    the pins a person set for them."""
    before = previous_segment_run(store, run_id)

    def listed(run: str | None) -> list[str]:
        if run is None:
            return []
        found = store.rows("SELECT segments FROM segment_members WHERE run_id = ? AND customer_id = ?",
                           [run, customer_id])
        return list(found[0]["segments"]) if found else []

    now_in, then_in = listed(run_id), listed(before["run_id"] if before else None)
    pins = store.rows("SELECT segment, pinned_in, pinned_by, why, pinned_at FROM segment_pins "
                      "WHERE customer_id = ? ORDER BY pinned_at", [customer_id])
    return {"segments": now_in, "joined": [s for s in now_in if s not in then_in] if before else [],
            "left": [s for s in then_in if s not in now_in], "pins": pins,
            "since_run": before["run_id"] if before else None}


def define_rule(store: Store, name: str, rule: str, by: str, run_id: str | None = None,
                members: list[str] = ()) -> bool:
    """Save (or replace) rule segment ``name``; True when it replaced one. The caller checked it.
    With ``run_id``, ``members`` become the segment's members in that run, so it is shown at once."""
    replaced = bool(store.rows("SELECT 1 FROM segment_rules WHERE name = ?", [name]))
    con = store.con
    with store.transaction():
        con.execute("DELETE FROM segment_rules WHERE name = ?", [name])
        con.execute("INSERT INTO segment_rules VALUES (?, ?, ?, ?)", [name, rule, by, now()])
        if run_id is not None:
            con.execute("DELETE FROM run_segments WHERE run_id = ? AND segment = ?", [run_id, name])
            con.execute("INSERT INTO run_segments VALUES (?, ?, 'rule', ?, ?)", [run_id, name, len(members), rule])
            con.execute("UPDATE segment_members SET segments = list_filter(segments, s -> s <> ?) "
                        "WHERE run_id = ? AND list_contains(segments, ?)", [name, run_id, name])
            con.execute("UPDATE segment_members SET segments = list_append(segments, ?) "
                        "WHERE run_id = ? AND customer_id IN (SELECT unnest(?::VARCHAR[]))", [name, run_id, list(members)])
            con.execute("INSERT INTO segment_members SELECT ?, m, [?] FROM (SELECT unnest(?::VARCHAR[]) AS m) "
                        "WHERE m NOT IN (SELECT customer_id FROM segment_members WHERE run_id = ?)",
                        [run_id, name, list(members), run_id])
        store.audit("define segment", {"name": name, "rule": rule, "replaced": replaced}, actor=by)
    return replaced


def drop_rule(store: Store, name: str, by: str) -> None:
    if not store.rows("SELECT 1 FROM segment_rules WHERE name = ?", [name]):
        raise SettingsError(f"no rule segment {name!r}")
    with store.transaction():
        store.con.execute("DELETE FROM segment_rules WHERE name = ?", [name])
        store.audit("drop segment", {"name": name}, actor=by)


def pin_customer(store: Store, segment: str, customer_id: str, pinned_in: bool | None, by: str, why: str) -> None:
    """Pin a customer into (True) or out of (False) a segment, or remove the pin (None); kept
    across runs, applied from the next run on."""
    with store.transaction():
        store.con.execute("DELETE FROM segment_pins WHERE segment = ? AND customer_id = ?", [segment, customer_id])
        if pinned_in is not None:
            store.con.execute("INSERT INTO segment_pins VALUES (?, ?, ?, ?, ?, ?)",
                              [segment, customer_id, pinned_in, by, why, now()])
        store.audit("pin", {"segment": segment, "customer_id": customer_id, "pinned_in": pinned_in, "why": why},
                    actor=by)
