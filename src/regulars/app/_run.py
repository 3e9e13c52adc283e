"""``run``: every scorer that applies to this shop, as of a cutoff, stored as one run."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from regulars.app._common import CURRENCY_SYMBOLS, Step, default_cutoff, parse_cutoff, quiet
from regulars.app._results import RunResult
from regulars.errors import InsufficientDataError
from regulars.store import (
    keep_figures,
    keep_run_features,
    last_clusters,
    open_workspace,
    previous_segment_run,
    run_scores,
    scores_of,
    segment_changes,
    segment_pins,
    segment_rules,
    stored_tables,
    write_run,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["run"]

_log = logging.getLogger("regulars.run")

#: Why the per-customer parts skip a shop whose sales name no customer.
NO_CUSTOMERS = ("no sale names a customer (a till's export): scores, segments and playbooks need customers; "
                "what sells together is in `regulars recommend DIR --product NAME`, sales in `regulars status`")



def run(workspace_path: str | Path, *, cutoff: str | date | None = None, top: int = 10,
        step: Step = quiet) -> RunResult:
    """Score every customer as of ``cutoff`` (default: the day after the last dated row) with the
    scorers of ``[run] scorers`` that apply; models are reused until the data or the cutoff
    change. Scorers that do not apply, or lack history, are listed with the reason."""
    from regulars.metrics import run_figures
    from regulars.scores import ModelCache, RunContext, model_alerts, to_part

    workspace = open_workspace(workspace_path)
    settings = workspace.settings
    failed: dict[str, str] = {}
    _read_texts(workspace_path, step, failed)
    with workspace.store() as store:
        expired = _expire(store, settings)
        when = parse_cutoff(cutoff) or default_cutoff(store)
        not_profiled = store.not_profiled()
        currencies = list(store.currencies())
        ctx = RunContext(tables=store.feature_inputs(), cutoff=when, settings=settings,
                         cache=ModelCache(workspace.path / "models"), data_version=store.data_version(),
                         currency=CURRENCY_SYMBOLS.get(currencies[0], "") if len(currencies) == 1 else "",
                         currencies=currencies, segment_rules=segment_rules(store),
                         segment_pins=segment_pins(store), previous_clusters=last_clusters(store),
                         acting=acting_levels(workspace.path),
                         group_levels=read_playbook_set(workspace.path).group_levels(),
                         earlier_scores=_earlier_scores(store, settings, when))
        models: dict[str, Any] = {}
        skipped: dict[str, str] = {}
        parts = []
        nobody = ctx.frames.at(when).empty  # sales that name no customer (a till): what sells together only
        for scorer in scorers(settings.run.scorers):
            why = NO_CUSTOMERS if nobody and scorer.name != "recommend" else scorer.skip_reason(ctx)
            if why is None:
                step(f"scoring {scorer.name}")
                try:
                    scored = scorer.score(ctx)
                except InsufficientDataError as exc:
                    why = str(exc)
                except Exception as exc:  # noqa: BLE001 - a bug in one part stops only that part
                    failed[scorer.name] = f"{type(exc).__name__}: {exc}"[:300]
                    why = f"failed with an internal error ({type(exc).__name__}); the other parts were stored"
                    _log.error("scorer %s failed", scorer.name, exc_info=exc)
            if why is not None:
                skipped[scorer.name] = why
                continue
            models[scorer.name] = scored.card
            ctx.scored[scorer.name] = scored.frame
            parts.append(to_part(scorer.name, scored))
        if not parts:
            raise InsufficientDataError("nothing could be scored: " + "; ".join(f"{k}: {v}" for k, v in skipped.items()))
        step("storing the run")
        with store.transaction():
            run_id = write_run(store, when, models, skipped, parts)
            keep_figures(store, run_id, run_figures(stored_tables(store, "scores")["scores"], run_id))
            keep_run_features(store, run_id, ctx.frames.at(when))  # what planning evaluates against
        step("the business at a glance: KPIs, forecasts, alerts")
        new_alerts = _business(workspace_path, store, run_id, failed)
        warned = model_alerts(models)
        for said in warned:  # a person is told: in the audit log, the run's answer and the report
            store.audit("model alert", {"run_id": run_id, "alert": said}, actor="run")
        step("reading what the run shows")
        numbers = run_scores(store, run_id, RANKED_BY)
        picked = _lists(numbers, top)
        rows = {r["customer_id"]: r for r in scores_of(store, run_id, list(dict.fromkeys(
            c for ids in picked.values() for c in ids)))}
        changes, since = [], None
        if "segments" in models:
            since = previous_segment_run(store, run_id)
            changes = segment_changes(store, run_id, since["run_id"] if since else None).to_dict("records")
    horizons = {label: settings.run.horizon(label) for label in ("churn", "conversion", "support")}
    lists = {name: [{c: rows[i].get(c) for c in _SHOWN[name]} for i in ids] for name, ids in picked.items()}
    return RunResult(run_id=run_id, cutoff=str(when), customers=len(numbers), models=models, skipped=skipped,
                     failed=failed, not_profiled=not_profiled, expired=expired,
                     horizons=horizons, clv_months=settings.clv.months, segments=changes,
                     segments_since={"run_id": since["run_id"], "cutoff": str(since["cutoff"])} if since else None,
                     new_alerts=new_alerts, model_alerts=warned, **lists)


def _expire(store: Any, settings: Any) -> dict[str, int]:
    """Old rows past the settings' retention, removed before scoring (counted)."""
    from datetime import datetime, timezone

    from regulars.store import remove_expired

    keep = settings.privacy
    return remove_expired(store, {"events": keep.keep_events_days, "messages": keep.keep_messages_days,
                                  "quarantine": keep.keep_quarantine_days},
                          datetime.now(timezone.utc).replace(tzinfo=None))


def _earlier_scores(store: Any, settings: Any, when: date) -> dict[str, Any]:
    """Per probability, the latest run at least its horizon before ``when`` (its outcomes known)."""
    from datetime import timedelta

    from regulars.store import scored_before

    found = {}
    for label in ("churn", "conversion", "support"):
        earlier = scored_before(store, f"{label}_probability", when - timedelta(days=settings.run.horizon(label)))
        if earlier is not None:
            found[label] = earlier
    return found


def read_playbook_set(workspace_path: Path) -> Any:
    """The shop's playbooks (the starter set's when it has no file yet; none when its file does
    not read: what asks for them goes on without)."""
    from regulars.app._playbook_file import PLAYBOOKS_FILE
    from regulars.errors import RegularsError
    from regulars.playbooks import STARTER_YAML, PlaybookSet, parse_playbooks

    path = workspace_path / PLAYBOOKS_FILE
    try:
        return parse_playbooks(path.read_text(encoding="utf-8") if path.exists() else STARTER_YAML, where=str(path))
    except (OSError, UnicodeDecodeError, RegularsError):
        return PlaybookSet()


def acting_levels(workspace_path: Path) -> dict[str, tuple[float, str]]:
    """The levels the shop's playbooks act at (fairness is checked there; else at 50%)."""
    return read_playbook_set(workspace_path).acting_thresholds()


def _read_texts(workspace_path: str | Path, step: Step, failed: dict[str, str]) -> None:
    """The sentiment of the texts not read yet (features and the voice figures use it); a failure
    there is told, never the run's."""
    from regulars.app._enrich import enrich

    step("reading customers' texts")
    try:
        enrich(workspace_path)
    except Exception as exc:  # noqa: BLE001 - the scores do not need the texts' sentiment
        _log.error("reading the texts failed", exc_info=exc)
        failed["texts"] = f"failed with an internal error ({type(exc).__name__}); the scores were stored"


def _business(workspace_path: str | Path, store: Any, run_id: str, failed: dict[str, str]) -> list[dict[str, Any]]:
    """The shop's figures and alerts kept with the run, and the tasks of playbooks with a metric
    trigger a new alert matches; a failure there is told, never the run's."""
    from datetime import datetime

    from regulars.app._business import keep_business_figures

    try:
        return keep_business_figures(workspace_path, store, run_id, datetime.now())
    except Exception as exc:  # noqa: BLE001 - the scores are stored; say what failed and go on
        _log.error("the business figures failed", exc_info=exc)
        failed["business"] = f"failed with an internal error ({type(exc).__name__}); the scores were stored"
        return []


def scorers(names: list[str]) -> list[Any]:
    """The scorers named in ``[run] scorers``, in that order (segments build on the others)."""
    from regulars.scores import default_scorers

    return default_scorers(names)


#: The wide columns the lists are ranked by.
RANKED_BY = ("clv", "p_alive", "orders", "expected_order_value", "churn_probability", "conversion_probability",
             "engagement")
_VALUE = ["customer_id", "p_alive", "expected_orders_90d", "clv", "reason"]
#: What each list shows of its customers.
_SHOWN = {"most_valuable": _VALUE, "most_likely_lapsed": _VALUE,
          "churn_risk": ["customer_id", "churn_probability", "clv", "churn_reasons"],
          "hottest_leads": ["customer_id", "conversion_probability", "conversion_reasons", "engagement",
                            "engagement_tier"],
          "most_engaged": ["customer_id", "engagement", "engagement_tier", "engagement_reason"]}


def _lists(wide: pd.DataFrame, top: int) -> dict[str, list[str]]:
    """The few customers to look at first (their ids, by list), from whichever scores the run has."""
    from regulars.segments import at_stake

    out: dict[str, list[str]] = {}

    def first(frame: pd.DataFrame, by: str | list[str]) -> list[str]:
        return frame.nlargest(top, by)["customer_id"].tolist()

    buyers = wide[wide["clv"].notna()]
    if len(buyers):
        out["most_valuable"] = first(buyers, "clv")
        # slipping away: repeat customers ranked by the value of their habit that is probably lost
        # (not when the fit cannot tell who has left: P(alive) is then not shown)
        repeat = buyers[(buyers["orders"] > 1) & buyers["p_alive"].notna()]
        lost = (1 - repeat["p_alive"]) * repeat["orders"] * repeat["expected_order_value"]
        out["most_likely_lapsed"] = first(repeat.assign(_lost=lost), "_lost")
    risky = wide[wide["churn_probability"].notna()]
    if len(risky):
        # likely to leave soon: the value a departure would cost, not the long gone
        stake = at_stake(risky["churn_probability"], risky["clv"].fillna(0))
        risky = risky[risky["orders"].fillna(2) > 1].assign(_stake=stake)
        out["churn_risk"] = first(risky, ["_stake", "churn_probability"])
    leads = wide[wide["conversion_probability"].notna()]
    if len(leads):
        out["hottest_leads"] = first(leads, "conversion_probability")
    engaged = wide[wide["engagement"].notna()]
    if len(engaged):
        out["most_engaged"] = first(engaged, "engagement")
    return out
