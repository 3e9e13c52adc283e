"""Customer journeys: the paths people take before their first purchase and before they stop
buying, and how they move between lifecycle stages from run to run.

A path is the last four things a person did (web events by type and page group, support
tickets, orders), a step repeated in a row counted once: before a first purchase, those in the
30 days before it; before churn (no purchase for the churn horizon, 90 days by default), those
from 30 days before their last order until they were last heard from. A stage is the lifecycle
segment a run put the customer in; the time in a stage is what the runs saw of it (since the
first run in an unbroken line of runs putting them there), and the flows count the customers
going from each stage at the run before the latest to each stage at the latest."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir

from regulars.metrics._query import rows
from regulars.segments import LIFECYCLE_STAGES

__all__ = ["STEPS", "paths_before", "stage_flows"]

#: How many of the last steps make a path.
STEPS = 4
#: Event types that are bookkeeping, not something the person did.
_NOT_STEPS = ("lead_created", "lead_converted", "email_sent", "sms_sent")
#: What a lifecycle segment's name starts with.
_STAGE = "lifecycle: "


def _step_words(events: ir.Table) -> ir.StringValue:
    """A step in words: the event type, a page view by its page group (the url's first part)."""
    kind = events.event_type.replace("_", " ")
    group = events.url.re_extract(r"^(?:https?://[^/]+)?(/[^/?#]*)", 1)
    return ibis.ifelse((events.event_type == "page_view") & (group.length() > 1), "page " + group, kind)


def _steps(events: ir.Table, tickets: ir.Table | None, purchases: ir.Table | None) -> ir.Table:
    """Everything people did as (who, at, step), ids of people (``as_people``)."""
    did = events.filter(~events.event_type.isin(_NOT_STEPS))
    found = did.select(who=did.customer_id, at=did.occurred_at, step=_step_words(did))
    if tickets is not None:
        found = found.union(tickets.select(who=tickets.customer_id, at=tickets.opened_at,
                                           step=ibis.literal("support ticket")))
    if purchases is not None:
        known = purchases.filter(purchases.customer_id.notnull())
        found = found.union(known.select(who=known.customer_id, at=known.ordered_at, step=ibis.literal("order")))
    return found


def _top_paths(steps: ir.Table, ends: ir.Table, days: int, top: int) -> dict[str, Any]:
    """Of the people in ``ends`` (who, end): the most common last ``STEPS`` steps in the ``days``
    up to their end, with how many people took each and the share of all in ``ends``."""
    joined = steps.join(ends, (steps.who == ends.person) & (steps.at < ends.end)
                        & (steps.at >= ends.end - ibis.interval(days=days)))
    joined = joined.select("who", "at", "step")
    order = ibis.window(group_by="who", order_by=["at", "step"])
    joined = joined.mutate(before=joined.step.lag().over(order))
    joined = joined.filter(joined.before.isnull() | (joined.before != joined.step))
    joined = joined.mutate(n=ibis.row_number().over(ibis.window(group_by="who", order_by=[ibis.desc("at"),
                                                                                          ibis.desc("step")])))
    joined = joined.filter(joined.n < STEPS)
    paths = joined.group_by("who").aggregate(path=joined.step.collect(order_by=[joined.at, joined.step]))
    counted = paths.group_by(path=paths.path.join(" → ")).aggregate(people=paths.count())
    everyone = int(ends.count().to_pyarrow().as_py())
    with_steps = int(paths.count().to_pyarrow().as_py())
    top_rows = rows(counted.order_by([ibis.desc("people"), "path"]).limit(top))
    return {"people": everyone, "without_steps": everyone - with_steps,
            "paths": [{"path": r["path"], "people": r["people"], "share": round(r["people"] / everyone, 4)}
                      for r in top_rows]}


def paths_before(events: ir.Table, purchases: ir.Table, tickets: ir.Table | None, until: datetime, *,
                 span_days: int = 365, look_days: int = 30, quiet_days: int = 90, top: int = 10) -> dict[str, Any]:
    """The top paths before a first purchase (of people whose first purchase is in the
    ``span_days`` before ``until``: their last steps in the ``look_days`` before it) and before
    churn (of buyers whose last purchase is ``quiet_days`` or more before ``until``, and within
    the span before that: their last steps up to the day they were last heard from, an order or a
    ticket after it included, from ``look_days`` before their last order)."""
    since = until - timedelta(days=span_days)
    known = purchases.filter(purchases.customer_id.notnull() & (purchases.ordered_at < until))
    per = known.group_by(person=known.customer_id).aggregate(first=known.ordered_at.min(),
                                                             last=known.ordered_at.max())
    first = per.filter(per.first >= since).select("person", end=per.first)
    gone = per.filter((per.last < until - timedelta(days=quiet_days))
                      & (per.last >= since - timedelta(days=quiet_days)))
    done = _steps(events, tickets, known)
    # the churned: steps from look_days before the last order until they fell silent
    heard = done.join(gone, (done.who == gone.person) & (done.at >= gone.last)
                      & (done.at < gone.last + ibis.interval(days=quiet_days)))
    silent = heard.group_by(person=heard.who).aggregate(end=heard.at.max() + ibis.interval(seconds=1),
                                                        last=heard.last.max())
    before_first = _top_paths(_steps(events, tickets, None), first, look_days, top)
    before_churn = _top_paths(done, silent.select("person", "end"), look_days + quiet_days, top)
    return {"since": since.date(), "until": until.date(), "look_days": look_days, "quiet_days": quiet_days,
            "steps": STEPS,
            "first_purchase": before_first, "churn": before_churn}


def stage_flows(members: ir.Table, runs: list[tuple[str, date]]) -> dict[str, Any] | None:
    """How customers moved between lifecycle stages from the run before the latest to the
    latest (``runs``: (run id, cutoff), oldest first), and per stage how many are in it now and
    how long they have been in it as far as the runs saw (since the first run in an unbroken
    line of runs putting them there). None with fewer than one run."""
    if not runs:
        return None
    ids = [r for r, _ in runs]
    cutoffs = dict(runs)
    m = members.filter(members.run_id.isin(ids))
    m = m.select("run_id", "customer_id", segment=m.segments.unnest())
    m = m.filter(m.segment.startswith(_STAGE))
    m = m.select("run_id", "customer_id", stage=m.segment.substr(len(_STAGE)))
    at = ibis.cases(*[(m.run_id == r, ibis.literal(c)) for r, c in runs])
    m = m.mutate(cutoff=at.cast("date"))
    whose = ibis.window(group_by="customer_id", order_by="cutoff")
    m = m.mutate(changed=(m.stage.lag().over(whose).isnull() | (m.stage.lag().over(whose) != m.stage)).cast("int"))
    m = m.mutate(spell=m.changed.cumsum().over(whose))
    spells = m.group_by("customer_id", "spell").aggregate(stage=m.stage.first(), since=m.cutoff.min(),
                                                          to=m.cutoff.max())
    latest, latest_cut = ids[-1], cutoffs[ids[-1]]
    now = spells.filter(spells.to == latest_cut)
    first_cut = cutoffs[ids[0]]
    stages = {r["stage"]: {"stage": r["stage"], "customers": r["customers"], "median_days": r["median_days"],
                           "since_first_run": r["since_first_run"]}
              for r in rows(now.group_by("stage").aggregate(
                  customers=now.count(), median_days=now.to.delta(now.since, unit="day").median(),
                  since_first_run=now.count(where=now.since == first_cut)))}
    flows: list[dict[str, Any]] = []
    if len(ids) > 1:
        before, after = m.filter(m.run_id == ids[-2]), m.filter(m.run_id == latest)
        was = before.select(who="customer_id", was="stage")
        pairs = after.left_join(was, after.customer_id == was.who)
        pairs = pairs.group_by(was=pairs.was.fill_null("not yet known"), now=pairs.stage).aggregate(
            customers=pairs.count())
        flows = rows(pairs.order_by([ibis.desc("customers"), "was", "now"]))
    return {"from_cutoff": cutoffs[ids[-2]] if len(ids) > 1 else None, "to_cutoff": latest_cut,
            "runs": len(ids), "first_cutoff": first_cut, "flows": flows,
            "stages": sorted(stages.values(), key=lambda r: LIFECYCLE_STAGES.index(r["stage"])
                             if r["stage"] in LIFECYCLE_STAGES else len(LIFECYCLE_STAGES))}
