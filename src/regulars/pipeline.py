"""The application layer: what the CLI, the API and notebooks call.

Each function opens the workspace, does one job through the layers, and returns plain
data (dicts, DataFrames, result records); none prints.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from regulars._faults import fault_point
from regulars.errors import InsufficientDataError, RegularsError, SettingsError, SourceError
from regulars.ingest import (
    Mapping,
    SourceInfo,
    auto_mapping,
    inspect_source,
    load_mapping,
    preset,
    read_raw,
    release_raw,
    stage,
)
from regulars.schema import contract_for
from regulars.scores import score_lifetime_value
from regulars.scores._lifetime import MIN_REPEAT_CUSTOMERS
from regulars.store import BatchResult, Workspace, init_workspace, open_workspace
from regulars.store import status as store_status

__all__ = ["backtest", "customer", "engagement", "ingest", "init", "predict", "quarantine", "run", "scores", "status"]

Step = Callable[[str], None]


def init(path: str | Path) -> dict[str, Any]:
    """Create a workspace folder with default settings and an empty store."""
    workspace, created = init_workspace(path)
    return {"workspace": str(workspace.path), "database": str(workspace.database), "created": created}


def _mapping_for(table: str | None, preset_name: str | None, mapping_file: str | Path | None) -> tuple[str, Mapping | None]:
    if preset_name and mapping_file:
        raise SettingsError("give either --preset or --mapping, not both")
    mapping = None
    if preset_name:
        mapping = preset(preset_name, table)
    elif mapping_file:
        mapping = load_mapping(mapping_file, table)
    table = table or (mapping.table if mapping else None)
    if table is None:
        raise SettingsError("say which table the file loads with --table (for example --table orders)")
    contract_for(table)
    return table, mapping


def _load_one(
    workspace: Workspace, info: SourceInfo, table: str, mapping: Mapping | None, step: Step
) -> BatchResult:
    settings = workspace.settings
    with workspace.store() as store:
        earlier = store.find_batch(info.content_hash, table)
        if earlier:
            return BatchResult(
                batch_id=earlier["batch_id"], table=table, source_name=info.name, rows_read=0,
                rows_accepted=0, rows_quarantined=0, rows_unchanged=0, customers_created=0,
                written={}, already_loaded=True, loaded_at=earlier["loaded_at"],
            )
        # Staging builds connection-local temporary tables only; the store itself changes
        # in the one transaction below, so a crash anywhere leaves it as it was.
        con = store.con
        step("reading")
        # A generated row id needs row numbers while typing, so such files are read eagerly.
        eager = mapping is not None and any(f.generate == "row" for f in mapping.fields)
        raw = read_raw(con, info, mapping.delimiter if mapping else None, lazy=not eager)
        used = mapping or auto_mapping(table, raw.columns)
        fields, unused = used.resolve(raw.columns, where=str(info.path))
        step("validating")
        staged = stage(
            con, used, fields, unused, content_hash=info.content_hash,
            dayfirst=settings.ingest.dayfirst, decimal=settings.ingest.decimal,
            existing=store.existing_relations(), raw=raw,
        )
        release_raw(con)
        if staged.rows_read == 0:
            raise SourceError(f"{info.path}: has a header but no rows; nothing to load")
        step("storing")
        with store.transaction():
            result = store.write_batch(
                staged, source_name=info.name, content_hash=info.content_hash, mapping=used.name,
            )
            fault_point("before_commit")
        return result


def ingest(
    workspace_path: str | Path,
    files: Sequence[str | Path],
    *,
    table: str | None = None,
    preset_name: str | None = None,
    mapping_file: str | Path | None = None,
    step: Step | None = None,
) -> list[BatchResult]:
    """Load files as batches (each all-or-nothing); a file loaded before is a no-op.

    Every file is checked before any is loaded, so a missing or unreadable file changes
    nothing.
    """
    workspace = open_workspace(workspace_path)
    table, mapping = _mapping_for(table, preset_name, mapping_file)
    if not files:
        raise SettingsError("name at least one file to load")
    infos = [inspect_source(f) for f in files]
    results = []
    for info in infos:
        report = (lambda s, n=info.name: step(f"{n}: {s}")) if step else (lambda s: None)
        results.append(_load_one(workspace, info, table, mapping, report))
    return results


def status(workspace_path: str | Path) -> dict[str, Any]:
    """Tables, customers, batches, quarantine counts and data-quality warnings."""
    workspace = open_workspace(workspace_path)
    with workspace.store(read_only=True) as store:
        out = store_status(store, workspace.settings)
    out["workspace"] = str(workspace.path)
    return out


def quarantine(workspace_path: str | Path, batch_id: str | None = None) -> pd.DataFrame:
    """Quarantined rows (all, or one batch's) with their reasons and original values."""
    workspace = open_workspace(workspace_path)
    with workspace.store(read_only=True) as store:
        if batch_id is not None and not store.con.execute(
            "SELECT 1 FROM batches WHERE batch_id = ?", [batch_id]
        ).fetchone():
            raise SettingsError(f"no batch {batch_id!r}; `regulars status` lists the batches")
        where = "WHERE batch_id = ?" if batch_id else ""
        return store.frame(
            f"SELECT batch_id, table_name, source_name, source_row, reason, reason_codes, "
            f"CAST(original AS VARCHAR) AS original FROM quarantine {where} "
            f"ORDER BY batch_id, source_row",
            [batch_id] if batch_id else [],
        )


def _default_cutoff(store: Any) -> date:
    last = store.con.execute("SELECT max(ordered_at) FROM orders").fetchone()[0]
    if last is None:
        raise InsufficientDataError("there are no orders yet; load an orders export first (`regulars ingest`)")
    return last.date() + timedelta(days=1)


def _parse_cutoff(cutoff: str | date | None) -> date | None:
    if cutoff is None or isinstance(cutoff, date):
        return cutoff
    try:
        return date.fromisoformat(cutoff)
    except ValueError:
        raise SettingsError(f"--cutoff must be a date like 2011-06-01, got {cutoff!r}") from None


def _currency(store: Any) -> str:
    row = store.con.execute("SELECT mode(currency) FROM orders").fetchone()
    return {"GBP": "£", "USD": "$", "EUR": "€"}.get(row[0] if row else None, "")


def run(workspace_path: str | Path, *, cutoff: str | date | None = None, top: int = 10) -> dict[str, Any]:
    """Fit the lifetime-value models as of ``cutoff`` (default: the day after the last order),
    score churn, conversion and support need with models kept until they are stale, and store
    the run."""
    workspace = open_workspace(workspace_path)
    with workspace.store() as store:
        when = _parse_cutoff(cutoff) or _default_cutoff(store)
        orders = store.resolved("orders")
        result = score_lifetime_value(orders, when, currency=_currency(store))
        result.models["evaluation"] = _holdout_evaluation(orders, when)
        scores = _add_behaviour_scores(store, workspace, when, result.scores, result.models)
        scores["model_versions"] = _model_versions(scores, result.models)
        with store.transaction():
            run_id = store.write_run(when, result.models, scores)
    everyone = scores
    columns = ["customer_id", "p_alive", "expected_orders_90d", "clv_12m", "reason"]
    scores = scores[scores["p_alive"].notna()]  # buyers
    valuable = scores.sort_values("clv_12m", ascending=False).head(top)
    # slipping away: repeat customers ranked by the value of their habit that is probably lost
    at_risk = (1 - scores["p_alive"]) * scores["orders"] * scores["expected_order_value"]
    lapsed = scores.assign(_risk=at_risk)[scores["orders"] > 1].sort_values("_risk", ascending=False).head(top)
    out = {
        "run_id": run_id, "cutoff": str(when), "customers": len(scores), "scored": len(everyone),
        "models": result.models,
        "most_valuable": valuable[columns].to_dict("records"),
        "most_likely_lapsed": lapsed[columns].to_dict("records"),
    }
    if "churn_probability" in scores.columns:
        # likely to leave soon: the value a departure would cost, not the long gone
        risky = scores[scores["churn_probability"].notna() & (scores["orders"] > 1)]
        risky = risky.assign(_at_stake=risky["churn_probability"] * risky["clv_12m"].fillna(0))
        out["churn_risk"] = risky.sort_values("_at_stake", ascending=False).head(top)[
            ["customer_id", "churn_probability", "clv_12m", "churn_reasons"]].to_dict("records")
    if "conversion_probability" in everyone.columns:
        leads = everyone[everyone["conversion_probability"].notna()]
        columns = ["customer_id", "conversion_probability", "conversion_reasons"]
        columns += ["engagement", "engagement_tier"] if "engagement" in everyone.columns else []
        out["hottest_leads"] = leads.sort_values("conversion_probability", ascending=False).head(top)[
            columns].to_dict("records")
    if "engagement" in everyone.columns:
        out["most_engaged"] = everyone.sort_values("engagement", ascending=False).head(top)[
            ["customer_id", "engagement", "engagement_tier", "engagement_reason"]].to_dict("records")
    return out


#: Labels scored in every run (where the data allows), with their horizons in days.
RUN_LABELS = {"churn": 90, "conversion": 90, "support": 30}


def _model_versions(scores: pd.DataFrame, models: dict[str, Any]) -> pd.Series:
    """Per customer, the version of each model that scored them ("clv=...; churn=..."), so a
    stored or exported row says where its numbers came from."""
    from regulars.scores import fingerprint

    versions = {"clv": ("p_alive", fingerprint(bgnbd=models["bgnbd"]["params"], gg=models["gamma_gamma"]["params"]))}
    versions |= {label: (f"{label}_probability", models[label]["version"])
                 for label in RUN_LABELS if "version" in models.get(label, {})}
    parts = [np.where(scores[column].notna(), f"{name}={version}", "") for name, (column, version) in versions.items()]
    return pd.Series(["; ".join(p for p in row if p) for row in zip(*parts, strict=True)], index=scores.index)


def _add_behaviour_scores(store: Any, workspace: Any, when: date, scores: pd.DataFrame,
                          models: dict[str, Any]) -> pd.DataFrame:
    """Churn, conversion and support-need probability and engagement beside lifetime value, where
    the data allows."""
    from dataclasses import asdict

    from regulars.models.engagement import EngagementScore, decayed_activity
    from regulars.models.propensity import FeatureFrames
    from regulars.scores import ModelCache, score_propensity

    tables = store.feature_inputs()
    cache, version = ModelCache(workspace.path / "models"), store.data_version()
    frames = FeatureFrames(tables)
    for label, horizon in RUN_LABELS.items():
        try:
            scored, card = score_propensity(tables, label, when, horizon, cache=cache, data_version=version,
                                            frames=frames)
        except ValueError as exc:
            models[label] = {"skipped": f"no {label} model: {exc}"}
            continue
        scores = scores.merge(scored, on="customer_id", how="outer")
        models[label] = card
    if "events" in tables:
        model = EngagementScore(**asdict(workspace.settings.engagement))
        engaged = model.score(decayed_activity(tables["events"], when, model.half_life_days))
        engaged = engaged.rename(columns={"tier": "engagement_tier"}).rename_axis("customer_id").reset_index()
        scores = scores.merge(engaged, on="customer_id", how="outer")
        models["engagement"] = {"points": model.points, "half_life_days": model.half_life_days,
                                "tiers": {"hot": model.hot, "warm": model.warm}}
    return scores


def _holdout_evaluation(orders: Any, cutoff: date, horizon_days: int = 90) -> dict[str, Any]:
    """How the same models did on the last ``horizon_days`` before ``cutoff`` (fitted before them)."""
    from regulars.models.clv import backtest as clv_backtest

    try:
        result = clv_backtest(orders, cutoff - timedelta(days=horizon_days), horizon_days)
    except (ValueError, RegularsError) as exc:
        return {"skipped": f"no holdout evaluation: {exc}"}
    return {"cutoff": str(result.cutoff), "horizon_days": horizon_days, "metrics": result.metrics}


#: The tables whose rows decide each backtest's outcome, so whose last day ends its window.
OUTCOME_TABLES = {"clv": ("orders",), "churn": ("orders",), "purchase": ("orders",),
                  "conversion": ("orders", "events"), "support": ("tickets",)}


def _check_window(store: Any, model: str, cutoff: date, horizon_days: int) -> None:
    """Refuse a backtest whose outcome window runs past the data: it would count outcomes that
    simply have not been loaded yet as outcomes that did not happen."""
    last = store.last_day(OUTCOME_TABLES[model])
    if last is None:
        return  # the model itself says which data it lacks
    if cutoff + timedelta(days=horizon_days) > last + timedelta(days=1):
        latest = last + timedelta(days=1) - timedelta(days=horizon_days)
        raise InsufficientDataError(
            f"the {' and '.join(OUTCOME_TABLES[model])} data end on {last}, so a {horizon_days}-day backtest "
            f"from {cutoff} would run past it; the last cutoff it allows is {latest} (or choose a shorter --horizon)")


def _check_search(seconds: float | None) -> None:
    if seconds is not None and not 0 < seconds <= 3600:
        raise SettingsError(f"--search must be a number of seconds above 0 and at most 3600, got {seconds:g}")


def backtest(workspace_path: str | Path, *, cutoff: str | date, horizon_days: int = 180,
             model: str = "clv", rolling: int = 1, search_seconds: float | None = None) -> dict[str, Any]:
    """Fit before ``cutoff``, predict ``horizon_days`` ahead, and compare with what happened.

    ``model`` is "clv" (BG/NBD + Gamma-Gamma) or a time label: "churn", "purchase", "conversion",
    "support"; for a label, ``rolling`` > 1 repeats the test at earlier cutoffs, one horizon apart.
    """
    from dataclasses import asdict

    from regulars.models.clv import backtest as clv_backtest
    from regulars.models.engagement import EngagementScore
    from regulars.features import LABELS
    from regulars.models.propensity import FeatureFrames, propensity_backtest

    if horizon_days < 1:
        raise SettingsError(f"--horizon must be a positive number of days, got {horizon_days}")
    if model not in ("clv", *LABELS):
        raise SettingsError(f"--model must be one of clv, {', '.join(LABELS)}; got {model!r}")
    workspace = open_workspace(workspace_path)
    if rolling < 1:
        raise SettingsError(f"--rolling must be at least 1, got {rolling}")
    _check_search(search_seconds)
    if model != "clv":
        when = _parse_cutoff(cutoff)
        results = []
        with workspace.store(read_only=True) as store:
            _check_window(store, model, when, horizon_days)
            tables = store.feature_inputs()
            frames = FeatureFrames(tables)  # rolling cutoffs one horizon apart share their feature sets
            for k in range(rolling):
                try:
                    one = propensity_backtest(tables, model, when - timedelta(days=k * horizon_days), horizon_days,
                                              engagement=EngagementScore(**asdict(workspace.settings.engagement)),
                                              search_seconds=search_seconds, frames=frames)
                except ValueError as exc:
                    raise InsufficientDataError(f"cannot backtest {model}: {exc}") from None
                one.pop("model")
                results.append(one)
        result = results[0]
        if rolling > 1:
            result["rolling"] = [{"cutoff": r["cutoff"], "auc": r["metrics"]["model"]["auc"],
                                  "rule_auc": r["metrics"].get("baseline_rule", {}).get("auc"),
                                  "brier": r["metrics"]["model"]["brier"]} for r in results]
            result["rolling_mean_auc"] = float(np.mean([r["auc"] for r in result["rolling"]]))
        return result
    with workspace.store(read_only=True) as store:
        when = _parse_cutoff(cutoff)
        _check_window(store, model, when, horizon_days)
        orders = store.resolved("orders")
        repeaters = store.con.execute(
            "SELECT count(*) FROM (SELECT customer_id FROM orders WHERE ordered_at < ? AND "
            "coalesce(status, 'completed') = 'completed' GROUP BY 1 "
            "HAVING count(DISTINCT CAST(ordered_at AS DATE)) > 1)", [when]).fetchone()[0]
        if repeaters < MIN_REPEAT_CUSTOMERS:
            raise InsufficientDataError(
                f"only {repeaters} customers bought more than once before {when}; a backtest needs at "
                f"least {MIN_REPEAT_CUSTOMERS}. Choose a later cutoff."
            )
        return clv_backtest(orders, when, horizon_days).as_dict()


def customer(workspace_path: str | Path, customer_id: str) -> dict[str, Any]:
    """Everything known and predicted about one customer (after identity resolution)."""
    workspace = open_workspace(workspace_path)
    with workspace.store(read_only=True) as store:
        found = store.con.execute(
            "SELECT resolved_id FROM customer_map WHERE customer_id = ?", [customer_id]).fetchone()
        if found is None:
            raise SettingsError(f"no customer {customer_id!r}; `regulars status` shows what is loaded")
        resolved = found[0]
        profile = store.frame(
            "SELECT c.* EXCLUDE (attributes, batch_id, email_norm, phone_norm) FROM customers c "
            "JOIN customer_map m USING (customer_id) WHERE m.resolved_id = ? ORDER BY c.is_stub, c.customer_id",
            [resolved]).to_dict("records")
        orders = store.con.execute(
            "SELECT count(*) FILTER (done), sum(amount) FILTER (done), min(ordered_at) FILTER (done), "
            "max(ordered_at) FILTER (done), count(*) FILTER (status = 'refunded'), "
            "count(*) FILTER (status = 'cancelled') FROM (SELECT *, coalesce(status, 'completed') = 'completed' "
            "AS done FROM orders) o JOIN customer_map m USING (customer_id) WHERE m.resolved_id = ?",
            [resolved]).fetchone()
        latest = store.frame(
            "SELECT s.*, r.cutoff FROM scores s JOIN runs r USING (run_id) WHERE s.customer_id = ? "
            "ORDER BY r.created_at DESC, r.run_id DESC LIMIT 1", [resolved]).to_dict("records")
    return {
        "customer_id": resolved, "records": profile,
        "orders": {"count": orders[0], "total": orders[1], "first": str(orders[2]) if orders[2] else None,
                   "last": str(orders[3]) if orders[3] else None, "refunds": orders[4], "cancelled": orders[5]},
        "scores": latest[0] if latest else None,
    }


def _positive_value(values: pd.Series, positive: str | None, target: str) -> Any:
    seen = set(values.dropna().astype(str).unique())
    if positive is not None:
        if positive not in seen:
            raise SettingsError(f"--positive {positive!r} does not occur in {target!r}; its values are {sorted(seen)[:10]}")
        return positive
    for candidate in ("Yes", "yes", "1", "1.0", "True", "true"):
        if candidate in seen:
            return candidate
    raise SettingsError(f"say which value of {target!r} is the outcome to predict with --positive; its values are {sorted(seen)[:10]}")


def predict(workspace_path: str | Path, *, target: str, positive: str | None = None, holdout: float = 0.3,
            exclude: Sequence[str] = (), allow: Sequence[str] = (), score_all: bool = False,
            search_seconds: float | None = None, seed: int = 42) -> dict[str, Any]:
    """Learn a customer column provided by the business (e.g. a CRM "churned" flag) from the other
    customer columns; evaluate on a stratified holdout; score the customers whose value is unknown."""
    from sklearn.model_selection import train_test_split

    from regulars.features._attributes import attribute_frame
    from regulars.models.propensity import (
        PropensityModel,
        evaluate,
        leakage_flags,
        model_card,
    )

    if not 0.05 <= holdout <= 0.9:
        raise SettingsError(f"--holdout must be between 0.05 and 0.9, got {holdout}")
    _check_search(search_seconds)
    workspace = open_workspace(workspace_path)
    with workspace.store() as store:
        customers = store.frame("SELECT * FROM customers WHERE NOT coalesce(is_stub, false)")
        if customers.empty:
            raise InsufficientDataError("no customer profiles are loaded; load a customers export first")
        frame = attribute_frame(customers).sort_index()  # the split must not depend on scan order
        if target not in frame.columns:
            raise SettingsError(f"no customer column {target!r}; columns are: {', '.join(map(str, frame.columns))}")
        unknown = [c for c in (*exclude, *allow) if c not in frame.columns]
        if unknown:
            raise SettingsError(f"no customer column {unknown[0]!r} to exclude or allow")
        labels = frame[target]
        if pd.api.types.is_numeric_dtype(labels):  # 1.0 reads as "1", as the export wrote it
            labels = labels.map(lambda v: None if pd.isna(v) else f"{v:g}")
        labels = labels.astype("string")
        wanted = _positive_value(labels, positive, target)
        known = labels.notna()
        y = (labels[known] == wanted).astype(int).to_numpy()
        X = frame.drop(columns=[target, *exclude])
        flags = leakage_flags(X[known], y)
        X = X.drop(columns=[c for c in flags if c not in allow])
        train_X, test_X, train_y, test_y = train_test_split(
            X[known], y, test_size=holdout, stratify=y, random_state=seed)
        model = PropensityModel(search_seconds=search_seconds, random_state=seed).fit(train_X, train_y)
        metrics = {"model": evaluate(test_y, model.predict_proba(test_X)),
                   "baseline_logistic": evaluate(test_y, model.predict_baseline(test_X))}
        to_score = X if score_all else X[~known]
        scored = pd.DataFrame({"customer_id": to_score.index.astype(str),
                               "probability": model.predict_proba(to_score) if len(to_score) else []})
        scored["reasons"] = ["; ".join(r) for r in model.reasons(to_score)] if len(to_score) else []
        card = model_card(
            model, target=f"{target} = {wanted}", metrics=metrics, leakage_flags=flags, excluded=exclude,
            data_window={"customers_with_known_value": int(known.sum()), "holdout_share": holdout, "seed": seed},
            evaluated_on=f"a stratified {holdout:.0%} holdout ({len(test_y):,} customers) kept out of training")
        with store.transaction():
            run_id = store.write_predictions(target, card, scored)
    return {"run_id": run_id, "target": target, "positive": wanted, "rows_known": int(known.sum()),
            "rows_scored": len(scored), "holdout": holdout, "card": card,
            "top": scored.sort_values("probability", ascending=False).head(10).to_dict("records")}


def engagement(workspace_path: str | Path, *, cutoff: str | date | None = None, learn: bool = False,
               horizon_days: int = 30, top: int = 10) -> dict[str, Any]:
    """Engagement scores and tiers as of ``cutoff``; with ``learn``, points learned from who
    converted in the ``horizon_days`` after a cutoff that many days earlier, and the conversion
    rate per tier before and after."""
    from dataclasses import asdict

    from regulars.models.engagement import EngagementScore, decayed_activity, learn_points

    workspace = open_workspace(workspace_path)
    settings = asdict(workspace.settings.engagement)
    with workspace.store(read_only=True) as store:
        tables = store.feature_inputs()
        if "events" not in tables:
            raise InsufficientDataError("engagement needs activity (events); load an events export first")
        when = _parse_cutoff(cutoff) or (_default_cutoff(store) if "orders" in tables else
                                          store.con.execute("SELECT max(occurred_at) FROM events").fetchone()[0].date() + timedelta(days=1))
        model = EngagementScore(**settings)
        try:
            scores = model.score(decayed_activity(tables["events"], when, model.half_life_days))
        except ValueError as exc:
            raise SettingsError(f"[engagement] settings: {exc}") from None
        result: dict[str, Any] = {
            "cutoff": str(when), "customers": len(scores), "points": model.points,
            "tiers": scores["tier"].value_counts().reindex(["hot", "warm", "cold"], fill_value=0).to_dict(),
            "hottest": scores.sort_values("engagement", ascending=False).head(top).reset_index().to_dict("records"),
        }
        if learn:
            if "orders" not in tables:
                raise InsufficientDataError("learning points needs orders to know who converted")
            try:
                result["learned"] = learn_points(tables, model, when, horizon_days)
            except ValueError as exc:
                raise InsufficientDataError(f"cannot learn points: {exc}") from None
    return result


SCORE_SORTS = {"churn": ("churn_probability", False), "conversion": ("conversion_probability", False),
               "support": ("support_probability", False), "clv": ("clv_12m", False),
               "engagement": ("engagement", False), "p_alive": ("p_alive", True)}


def scores(workspace_path: str | Path, *, sort: str = "clv") -> pd.DataFrame:
    """The latest run's scores for every customer with its cutoff and model versions, sorted
    (missing values last)."""
    if sort not in SCORE_SORTS:
        raise SettingsError(f"--sort must be one of {', '.join(SCORE_SORTS)}, got {sort!r}")
    workspace = open_workspace(workspace_path)
    with workspace.store(read_only=True) as store:
        latest = store.con.execute(
            "SELECT run_id FROM runs WHERE cutoff IS NOT NULL ORDER BY created_at DESC, run_id DESC LIMIT 1").fetchone()
        if latest is None:
            raise InsufficientDataError("no scores yet; run `regulars run` first")
        frame = store.frame("SELECT s.* EXCLUDE (run_id), r.cutoff FROM scores s JOIN runs r USING (run_id) "
                            "WHERE run_id = ?", [latest[0]])
    column, ascending = SCORE_SORTS[sort]
    return frame.sort_values(column, ascending=ascending, na_position="last").reset_index(drop=True)
