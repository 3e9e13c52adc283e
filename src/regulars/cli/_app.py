"""``regulars``: Typer commands that call ``regulars.pipeline`` and render the results.

A ``RegularsError`` prints one red line and exits with its code; ``--json`` prints the
result as JSON on stdout instead of tables.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from regulars import __version__, pipeline
from regulars.errors import RegularsError
from regulars.exports import write_safe_csv
from regulars.ingest import PRESETS
from regulars.pipeline import RUN_LABELS

app = typer.Typer(
    name="regulars",
    help="Know your regulars: load a shop's exports, see who comes back and who slips away.",
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    add_completion=False,
)
out = Console()
err = Console(stderr=True)

Workspace = Annotated[Path, typer.Argument(help="The workspace folder (made by `regulars init`).")]
AsJson = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def _version(value: bool) -> None:
    if value:
        out.print(f"regulars {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Know your regulars."""


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except RegularsError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(code=exc.exit_code) from None


def _with_progress(quiet: bool, first: str, call: Callable[[Callable[[str], None]], Any]) -> Any:
    """Run ``call(step)`` under a transient spinner on stderr that shows each step (not for --json)."""
    if quiet:
        return call(lambda s: None)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=err, transient=True) as progress:
        task = progress.add_task(first, total=None)
        return call(lambda s: progress.update(task, description=s))


def _json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


@app.command()
def init(path: Workspace, as_json: AsJson = False) -> None:
    """Create a workspace: [bold]regulars.toml[/] with documented defaults, and the store."""
    with _errors():
        result = pipeline.init(path)
    if as_json:
        return _json(result)
    verb = "Created" if result["created"] else "Already a workspace:"
    out.print(f"{verb} [bold]{result['workspace']}[/] (settings in regulars.toml, data in {Path(result['database']).name})")


def _load_table(results: list[Any]) -> Table:
    table = Table(title="Loaded", title_justify="left")
    table.add_column("file", min_width=14, overflow="fold")
    for col in ("read", "accepted", "quarantined", "new customers"):
        table.add_column(col, justify="right", no_wrap=True)
    for r in results:
        if not r.already_loaded:
            table.add_row(r.source_name, f"{r.rows_read:,}", f"{r.rows_accepted:,}",
                          f"{r.rows_quarantined:,}", f"{r.customers_created:,}")
    return table


@app.command()
def ingest(
    workspace: Workspace,
    files: Annotated[list[Path], typer.Argument(help="CSV, JSON Lines, Parquet or Excel files (gzip is fine).")],
    table: Annotated[str | None, typer.Option(help="Canonical table: customers, orders, order_items, products, events, tickets, feedback, messages.")] = None,
    preset: Annotated[str | None, typer.Option(help=f"A built-in layout: {', '.join(PRESETS)}.")] = None,
    mapping: Annotated[Path | None, typer.Option(help="A TOML/YAML mapping file (see docs/mapping.md).")] = None,
    as_json: AsJson = False,
) -> None:
    """Load export files into the store. Each file is one all-or-nothing batch; loading the
    same content again does nothing. Rows that break the contract go to quarantine."""
    with _errors():
        results = _with_progress(as_json, "loading", lambda step: pipeline.ingest(
            workspace, files, table=table, preset_name=preset, mapping_file=mapping, step=step))
    if as_json:
        return _json([r.as_dict() for r in results])
    if any(not r.already_loaded for r in results):
        out.print(_load_table(results))
    for r in results:
        if r.already_loaded:
            out.print(f"{r.source_name}: already loaded as batch {r.batch_id} on {r.loaded_at}; nothing to do.")
        else:
            out.print(
                f"{r.source_name} (batch {r.batch_id}): read {r.rows_read:,} = accepted {r.rows_accepted:,} + "
                f"quarantined {r.rows_quarantined:,}"
                + (f"; {r.rows_unchanged:,} accepted rows were already stored" if r.rows_unchanged else "")
                + (f"; created {r.customers_created:,} minimal customer records for unknown customers"
                   if r.customers_created else "")
            )
            if r.rows_quarantined:
                out.print(f"  see them with: regulars quarantine {workspace} --batch {r.batch_id}")


def _status_tables(data: dict[str, Any]) -> list[Table]:
    tables = Table(title="Tables", title_justify="left")
    for col in ("table", "rows", "from", "to"):
        tables.add_column(col, justify="right" if col == "rows" else "left")
    for name, t in data["tables"].items():
        tables.add_row(name, f"{t['rows']:,}", (t["from"] or "")[:10], (t["to"] or "")[:10])
    c = data["customers"]
    people = Table(title="Customers", title_justify="left")
    for col in ("records", "after identity resolution", "merged", "minimal (no profile)"):
        people.add_column(col, justify="right")
    people.add_row(f"{c['records']:,}", f"{c['resolved']:,}", f"{c['merged']:,}", f"{c['minimal']:,}")
    batches = Table(title="Batches", title_justify="left")
    for col in ("batch", "table", "source", "read", "quarantined", "loaded"):
        batches.add_column(col, justify="right" if col in ("read", "quarantined") else "left",
                           no_wrap=col in ("batch", "read", "quarantined"), min_width=12 if col == "source" else None)
    for b in data["batches"]:
        batches.add_row(b["batch_id"], b["table_name"], b["source_name"], f"{b['rows_read']:,}",
                        f"{b['rows_quarantined']:,}", b["loaded_at"][:10])
    out_tables = [tables, people, batches]
    if data["quarantine"]["by_reason"]:
        q = Table(title=f"Quarantine: {data['quarantine']['rows']:,} rows", title_justify="left")
        q.add_column("reason")
        q.add_column("rows", justify="right")
        for reason, n in data["quarantine"]["by_reason"].items():
            q.add_row(reason, f"{n:,}")
        out_tables.append(q)
    return out_tables


def _print_status(data: dict[str, Any]) -> None:
    for t in _status_tables(data):
        out.print(t)
    for w in data["warnings"]:
        out.print(f"[yellow]warning:[/] {w}", highlight=False)


@app.command()
def status(workspace: Workspace, as_json: AsJson = False) -> None:
    """What is in the store: rows and date range per table, customers, batches, quarantine
    by reason, and data-quality warnings."""
    with _errors():
        data = pipeline.status(workspace)
    if as_json:
        return _json(data)
    _print_status(data)


@app.command()
def quarantine(
    workspace: Workspace,
    batch: Annotated[str | None, typer.Option(help="Only this batch.")] = None,
    csv: Annotated[Path | None, typer.Option(help="Write the rows to this CSV file.")] = None,
    limit: Annotated[int, typer.Option(help="Rows to show on screen.")] = 20,
    as_json: AsJson = False,
) -> None:
    """Show or export quarantined rows with their reasons and original values."""
    with _errors():
        frame = pipeline.quarantine(workspace, batch)
    if csv is not None:
        n = write_safe_csv(frame, csv)
        if not as_json:
            out.print(f"Wrote {n:,} quarantined rows to {csv}")
    if as_json:
        return _json(frame.to_dict("records"))
    if csv is not None:
        return
    table = Table(title=f"Quarantine: {len(frame):,} rows", title_justify="left")
    for col in ("batch", "row", "reason", "original"):
        table.add_column(col, overflow="fold")
    for r in frame.head(limit).itertuples():
        table.add_row(r.batch_id, str(r.source_row), r.reason, r.original[:120])
    out.print(table)
    if len(frame) > limit:
        out.print(f"... {len(frame) - limit:,} more; use --csv FILE to export them all")


def _people_table(title: str, rows: list[dict[str, Any]]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("customer", no_wrap=True)
    table.add_column("still a customer", justify="right")
    table.add_column("12-month value", justify="right")
    table.add_column("why", overflow="fold")
    for r in rows:
        table.add_row(str(r["customer_id"]), f"{r['p_alive']:.0%}", f"{r['clv_12m']:,.0f}", r["reason"])
    return table


def _engaged_table(title: str, rows: list[dict[str, Any]]) -> Table:
    table = Table(title=title, title_justify="left")
    for col in ("customer", "points", "tier", "why"):
        table.add_column(col, justify="right" if col == "points" else "left", overflow="fold")
    for r in rows:
        table.add_row(str(r["customer_id"]), f"{r['engagement']:.0f}", r.get("engagement_tier", r.get("tier")),
                      r["engagement_reason"])
    return table


def _print_run(result: dict[str, Any]) -> None:
    bg = result["models"]["bgnbd"]
    gg = result["models"]["gamma_gamma"]
    out.print(f"Run {result['run_id']}: {result['customers']:,} customers scored as of {result['cutoff']}")
    out.print("BG/NBD " + ", ".join(f"{k} {v:.4g}" for k, v in bg["params"].items())
              + f" (log-likelihood {bg['log_likelihood']:.1f}); Gamma-Gamma "
              + ", ".join(f"{k} {v:.4g}" for k, v in gg["params"].items())
              + f"; spend vs frequency correlation {gg['frequency_value_correlation']:.2f}", highlight=False)
    evaluation = result["models"].get("evaluation", {})
    if "metrics" in evaluation:
        m = evaluation["metrics"]
        out.print(f"Checked on the {evaluation['horizon_days']} days before the cutoff (fitted without them): "
                  f"repeat purchases predicted {m['bgnbd']['total_predicted']:,.0f} vs actual "
                  f"{m['bgnbd']['total_actual']:,.0f}; per-customer error {m['bgnbd']['mae']:.2f} vs "
                  f"{m['baseline_rate']['mae']:.2f} for 'same rate as before'", highlight=False)
    out.print(_people_table("Most likely to have lapsed (repeat customers)", result["most_likely_lapsed"]))
    out.print(_people_table("Most valuable over the next 12 months", result["most_valuable"]))
    if result.get("most_engaged"):
        out.print(_engaged_table("Most engaged right now", result["most_engaged"]))
    for label in RUN_LABELS:
        card = result["models"].get(label, {})
        if "skipped" in card:
            out.print(f"{label}: {card['skipped']}", highlight=False)
        elif card.get("metrics"):
            m = card["metrics"]
            rule = m.get("baseline_rule")
            out.print(f"{label.title()} model ({'reused: no new data' if card.get('reused') else 'trained this run'}): "
                      f"AUC {m['model']['auc']:.2f} on {card['evaluated_on']}"
                      + (f"; simple rule ({rule['rule']}) {rule['auc']:.2f}" if rule else "")
                      + f"; `regulars backtest --model {label}` shows the full model card", highlight=False)
    if result.get("churn_risk"):
        risk = Table(title=f"Valuable customers likely to leave in the next {RUN_LABELS['churn']} days",
                     title_justify="left")
        for col in ("customer", "chance of leaving", "12-month value", "why"):
            risk.add_column(col, justify="right" if col in ("chance of leaving", "12-month value") else "left",
                            overflow="fold")
        for r in result["churn_risk"]:
            risk.add_row(str(r["customer_id"]), f"{r['churn_probability']:.0%}", f"{r['clv_12m'] or 0:,.0f}",
                         r["churn_reasons"])
        out.print(risk)
    if result.get("hottest_leads"):
        days = result["models"]["conversion"]["horizon_days"]
        leads = Table(title=f"Hottest leads: chance of a first order in the next {days} days", title_justify="left")
        for col in ("lead", "chance", "engagement", "why"):
            leads.add_column(col, justify="right" if col in ("chance", "engagement") else "left", overflow="fold")
        for r in result["hottest_leads"]:
            points = f"{r['engagement']:.0f} {r['engagement_tier']}" if _has(r, "engagement") else ""
            leads.add_row(str(r["customer_id"]), f"{r['conversion_probability']:.0%}", points, r["conversion_reasons"])
        out.print(leads)


@app.command()
def run(
    workspace: Workspace,
    cutoff: Annotated[str | None, typer.Option(help="Score as of this date (YYYY-MM-DD); default: the day after the last order.")] = None,
    top: Annotated[int, typer.Option(help="Customers to list in each table.")] = 10,
    as_json: AsJson = False,
) -> None:
    """Score every customer: probability still a customer, expected orders, 12-month value,
    chance of leaving, of a lead's first order and of needing support, engagement, and why.
    Models are retrained only when the data or the cutoff changed."""
    with _errors():
        result = pipeline.run(workspace, cutoff=cutoff, top=top)
    if as_json:
        return _json(result)
    _print_run(result)


@app.command()
def backtest(
    workspace: Workspace,
    cutoff: Annotated[str, typer.Option(help="Fit on orders before this date (YYYY-MM-DD).")],
    horizon: Annotated[int, typer.Option(help="Days after the cutoff to predict and compare.")] = 180,
    model: Annotated[str, typer.Option(help="clv, churn, purchase, conversion or support.")] = "clv",
    rolling: Annotated[int, typer.Option(help="For churn/purchase/conversion/support: also test at this many earlier cutoffs.")] = 1,
    search: Annotated[float | None, typer.Option(help="Spend up to this many seconds trying other tree settings.")] = None,
    as_json: AsJson = False,
) -> None:
    """Fit before a date, predict the following days, and compare with what really happened,
    beside simple baselines."""
    with _errors():
        result = pipeline.backtest(workspace, cutoff=cutoff, horizon_days=horizon, model=model, rolling=rolling,
                                   search_seconds=search)
    if as_json:
        return _json(result)
    if model != "clv":
        return _print_propensity_backtest(result)
    out.print(f"Backtest: fitted on {result['customers']:,} customers before {result['cutoff']}, "
              f"predicting the next {result['horizon_days']} days")
    table = Table(title="Repeat purchases per customer", title_justify="left")
    for col in ("method", "MAE", "RMSE", "correlation", "predicted total", "actual total"):
        table.add_column(col, justify="left" if col == "method" else "right")
    names = {"bgnbd": "BG/NBD", "baseline_rate": "repeat last period's rate", "baseline_rfm": "RFM heuristic",
             "spend": "BG/NBD + Gamma-Gamma spend"}
    for key, m in result["metrics"].items():
        table.add_row(names.get(key, key), f"{m['mae']:.3f}", f"{m['rmse']:.3f}", f"{m['correlation']:.3f}",
                      f"{m['total_predicted']:,.0f}", f"{m['total_actual']:,.0f}")
    out.print(table)
    curve = Table(title="Cumulative repeat purchases by week", title_justify="left")
    for col in ("week", "predicted", "actual"):
        curve.add_column(col, justify="right")
    for point in result["curve"][:: max(1, len(result["curve"]) // 8)]:
        curve.add_row(str(point["week"]), f"{point['predicted']:,.0f}", f"{point['actual']:,}")
    out.print(curve)


METHODS = {"model": "LightGBM (calibrated)", "baseline_logistic": "logistic regression"}


def _print_card(card: dict[str, Any]) -> None:
    """The model card: what the model learned from, how it did on unseen data, what drives it."""
    window = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in card["data_window"].items())
    trained = card["trained_on"]
    lines = [f"[bold]Model card: {card['target']}[/]",
             f"model: {card['model']}",
             f"trained on {trained['customers']:,} customers ({trained['positive_rate']:.1%} positive); {window}",
             f"features used ({len(card['features_used'])}): "
             + ", ".join(f"{k} {v:.0%}" for k, v in card["top_features"].items()) + " (share of importance, top 10)"]
    if card["excluded"]:
        lines.append("excluded on request: " + ", ".join(card["excluded"]))
    for column, flag in card["leakage_flags"].items():
        verdict = "used anyway, as asked (--allow)" if flag["used"] else "not used"
        lines.append(f"[yellow]leakage guard, {verdict}:[/] {column}: {flag['reason']}")
    if card.get("search"):
        found = card["search"]
        lines.append(f"search: tried {len(found['tried'])} settings in {found['seconds']:g} s (budget "
                     f"{found['budget_seconds']:g} s); chose the lowest 3-fold log loss, {found['chosen']['log_loss']:.4f}")
    if card.get("reused"):
        lines.append(f"reused: {card['reused']}")
    for line in lines:
        out.print(line, highlight=False, soft_wrap=True)
    if not card["metrics"]:
        out.print(f"not evaluated: {card['evaluated_on']}", highlight=False)
        return
    table = Table(title=f"Evaluated on {card['evaluated_on']}", title_justify="left")
    for col in ("method", "AUC", "PR-AUC", "Brier", "calibration error"):
        table.add_column(col, justify="left" if col == "method" else "right")
    for key, m in card["metrics"].items():
        table.add_row(m.get("rule", METHODS.get(key, key)), f"{m['auc']:.3f}", f"{m['pr_auc']:.3f}",
                      _fixed(m.get("brier")), _fixed(m.get("calibration_error")))
    out.print(table)
    top = next(((k, v) for k, v in card["metrics"]["model"].items() if k.startswith("precision_at_")), None)
    if top:
        out.print(f"Of the {top[0].removeprefix('precision_at_')} customers ranked highest, {top[1]:.0%} had the outcome "
                  f"(base rate {card['metrics']['model']['base_rate']:.0%}).", highlight=False)
    if card.get("calibration_table"):
        calib = Table(title="Calibration: predicted vs actual", title_justify="left")
        for col in ("predicted range", "customers", "mean predicted", "actual rate"):
            calib.add_column(col, justify="right")
        for row in card["calibration_table"]:
            calib.add_row(row["range"], f"{row['customers']:,}", f"{row['mean_predicted']:.0%}", f"{row['actual_rate']:.0%}")
        out.print(calib)
    if card.get("deciles"):
        lift = Table(title="By tenth of customers, highest predicted first (lift; share of all positives captured)",
                     title_justify="left")
        for col in ("tenth", "mean predicted", "actual rate", "lift", "captured"):
            lift.add_column(col, justify="right")
        for d in card["deciles"]:
            lift.add_row(str(d["decile"]), f"{d['mean_predicted']:.0%}", f"{d['actual_rate']:.0%}", f"{d['lift']:.2f}",
                         f"{d['capture']:.0%}")
        out.print(lift)


def _print_propensity_backtest(result: dict[str, Any]) -> None:
    out.print(f"Backtest of {result['label']}: trained on {result['train_customers']:,} customers as of "
              f"{result['horizon_days']} days before {result['cutoff']}, tested on {result['test_customers']:,} "
              f"as of {result['cutoff']} over the next {result['horizon_days']} days")
    _print_card(result["card"])
    if "rolling" in result:
        roll = Table(title=f"Rolling cutoffs (mean AUC {result['rolling_mean_auc']:.3f})", title_justify="left")
        for col in ("cutoff", "AUC", "rule AUC", "Brier"):
            roll.add_column(col, justify="right")
        for r in result["rolling"]:
            roll.add_row(r["cutoff"], f"{r['auc']:.3f}", f"{r['rule_auc']:.3f}" if r["rule_auc"] else "", f"{r['brier']:.3f}")
        out.print(roll)


@app.command()
def scores(
    workspace: Workspace,
    sort: Annotated[str, typer.Option(help="churn, conversion, support, clv, engagement or p_alive.")] = "clv",
    top: Annotated[int, typer.Option(help="Customers to show.")] = 20,
    csv: Annotated[Path | None, typer.Option(help="Write every customer's scores to this CSV file.")] = None,
    as_json: AsJson = False,
) -> None:
    """Every customer's latest scores (from the last `regulars run`), sorted as asked."""
    with _errors():
        frame = pipeline.scores(workspace, sort=sort)
    if csv is not None:
        n = write_safe_csv(frame, csv)
        if not as_json:
            out.print(f"Wrote {n:,} customers' scores to {csv}")
    if as_json:
        return _json(frame.head(top).to_dict("records"))
    table = Table(title=f"Scores by {sort} ({len(frame):,} customers)", title_justify="left")
    for col in ("customer", "still a customer", "12-month value", "chance of leaving", "chance to convert", "engagement"):
        table.add_column(col, justify="left" if col == "customer" else "right")
    for r in frame.head(top).itertuples():
        table.add_row(str(r.customer_id), _pct(r.p_alive), _num(r.clv_12m), _pct(r.churn_probability),
                      _pct(r.conversion_probability), _num(r.engagement))
    out.print(table)


def _known(value: Any) -> bool:
    return value is not None and value == value  # NaN is not equal to itself


def _has(row: dict[str, Any], key: str) -> bool:
    return _known(row.get(key))


def _fixed(value: Any) -> str:
    return f"{value:.3f}" if _known(value) else ""


def _pct(value: Any) -> str:
    return f"{value:.0%}" if _known(value) else ""


def _num(value: Any) -> str:
    return f"{value:,.0f}" if _known(value) else ""


@app.command()
def customer(
    workspace: Workspace,
    customer_id: Annotated[str, typer.Argument(help="A customer id (any id linked to the customer works).")],
    as_json: AsJson = False,
) -> None:
    """One customer: profile, orders, and the latest predictions with a plain explanation."""
    with _errors():
        result = pipeline.customer(workspace, customer_id)
    if as_json:
        return _json(result)
    o = result["orders"]
    other = ", ".join(f"{n} {what}" for n, what in ((o["refunds"], "refunded"), (o["cancelled"], "cancelled")) if n)
    out.print(f"[bold]{result['customer_id']}[/]: {o['count']} completed order{'' if o['count'] == 1 else 's'}, "
              f"total {o['total'] or 0:,.2f}"
              + (f" ({other})" if other else "")
              + (f", first {o['first'][:10]}, last {o['last'][:10]}" if o["count"] else ""))
    s = result["scores"]
    if s is None:
        out.print("No scores yet; run `regulars run` first.")
        return
    if _has(s, "p_alive"):
        out.print(f"As of {str(s['cutoff'])[:10]}: {s['p_alive']:.0%} likely still a customer; "
                  f"{s['expected_orders_90d']:.2f} orders expected in 90 days; 12-month value {s['clv_12m']:,.2f}")
        out.print(s["reason"])
    if _has(s, "churn_probability"):
        out.print(f"Chance of no order in the next {RUN_LABELS['churn']} days: {s['churn_probability']:.0%} "
                  f"({s['churn_reasons']})")
    if _has(s, "conversion_probability"):
        out.print(f"Chance of a first order in the next {RUN_LABELS['conversion']} days: "
                  f"{s['conversion_probability']:.0%} ({s['conversion_reasons']})")
    if _has(s, "support_probability"):
        out.print(f"Chance of a support ticket in the next {RUN_LABELS['support']} days: "
                  f"{s['support_probability']:.0%} ({s['support_reasons']})")
    if _has(s, "engagement"):
        out.print(f"Engagement {s['engagement']:.0f} points, {s['engagement_tier']}: {s['engagement_reason']}")


@app.command()
def predict(
    workspace: Workspace,
    target: Annotated[str, typer.Option(help="The customer column to predict (e.g. Churn, Converted).")],
    positive: Annotated[str | None, typer.Option(help="The value of the target that counts as the outcome.")] = None,
    holdout: Annotated[float, typer.Option(help="Share of customers kept aside to measure accuracy.")] = 0.3,
    exclude: Annotated[list[str] | None, typer.Option(help="A column not to learn from (repeatable).")] = None,
    allow: Annotated[list[str] | None, typer.Option(help="Use a column even if the leakage guard flags it.")] = None,
    all_customers: Annotated[bool, typer.Option("--all", help="Score every customer, not only those with an unknown target.")] = False,
    search: Annotated[float | None, typer.Option(help="Spend up to this many seconds trying other tree settings.")] = None,
    as_json: AsJson = False,
) -> None:
    """Learn a column the business already records (a CRM "churned" or "converted" flag) from
    the other customer columns, show how accurate it is, and score the customers."""
    with _errors():
        result = pipeline.predict(workspace, target=target, positive=positive, holdout=holdout,
                                  exclude=exclude or [], allow=allow or [], score_all=all_customers,
                                  search_seconds=search)
    if as_json:
        return _json(result)
    out.print(f"Predicting {target} = {result['positive']} ({result['rows_known']:,} customers with a known value; "
              f"{result['holdout']:.0%} held out to measure accuracy)")
    _print_card(result["card"])
    if not result["rows_scored"]:
        out.print(f"Every customer's {target} is known, so none was scored; --all scores them all.")
        return
    table = Table(title=f"Highest probability ({result['rows_scored']:,} scored)", title_justify="left")
    table.add_column("customer", no_wrap=True)
    table.add_column("probability", justify="right")
    table.add_column("why", overflow="fold")
    for row in result["top"]:
        table.add_row(str(row["customer_id"]), f"{row['probability']:.0%}", row["reasons"])
    out.print(table)


@app.command()
def engagement(
    workspace: Workspace,
    cutoff: Annotated[str | None, typer.Option(help="Score as of this date (YYYY-MM-DD).")] = None,
    learn: Annotated[bool, typer.Option("--learn", help="Learn points from who converted, and compare tiers.")] = False,
    horizon: Annotated[int, typer.Option(help="Days after which a conversion counts, when learning.")] = 30,
    as_json: AsJson = False,
) -> None:
    """Engagement points (0-100) from recent activity, with hot / warm / cold tiers; --learn
    shows whether the tiers separate converters, before and after learning the points."""
    with _errors():
        result = pipeline.engagement(workspace, cutoff=cutoff, learn=learn, horizon_days=horizon)
    if as_json:
        return _json(result)
    t = result["tiers"]
    out.print(f"Engagement as of {result['cutoff']}: {t['hot']:,} hot, {t['warm']:,} warm, {t['cold']:,} cold")
    out.print(_engaged_table("Most engaged", result["hottest"]))
    if "learned" in result:
        learned = result["learned"]
        rates = Table(title=f"Conversion in {learned['horizon_days']} days after {learned['cutoff']} by tier",
                      title_justify="left")
        for col in ("tier", "configured points", "learned points"):
            rates.add_column(col, justify="left" if col == "tier" else "right")
        for tier in ("hot", "warm", "cold"):
            b, a = learned["tiers_before"][tier], learned["tiers_after"][tier]
            rates.add_row(tier, f"{b['conversion_rate']:.0%} of {b['customers']:,}" if b["customers"] else "-",
                          f"{a['conversion_rate']:.0%} of {a['customers']:,}" if a["customers"] else "-")
        out.print(rates)
        out.print("Learned points (put them in [engagement] points of regulars.toml to use them): "
                  + ", ".join(f"{k} {v:g}" for k, v in sorted(learned["points"].items(), key=lambda kv: -kv[1]) if v),
                  highlight=False, markup=False)


@app.command()
def demo(
    path: Annotated[Path, typer.Argument(help="Folder for the demo workspace.")] = Path("demo-shop"),
    customers: Annotated[int, typer.Option(help="How many customers the demo shop has.")] = 5000,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same shop.")] = 7,
    as_json: AsJson = False,
) -> None:
    """Generate a realistic demo shop, load it, and show its status."""
    from regulars import demo as demo_shop

    with _errors():
        result = _with_progress(as_json, "generating the demo shop", lambda step: demo_shop.run_demo(
            path, customers=customers, seed=seed, step=step))
    if as_json:
        return _json({**result, "loads": [r.as_dict() for r in result["loads"]]})
    out.print(f"Demo shop in [bold]{path}[/]: {customers:,} customers, files in {result['files_dir']}, "
              f"hidden truth in {result['truth']}")
    if any(not r.already_loaded for r in result["loads"]):
        out.print(_load_table(result["loads"]))
    else:
        out.print("Every demo file was loaded before; nothing to do.")
    _print_status(result["status"])
    _print_run({**result["run"], **{k: result["run"][k][:5] for k in
                                    ("most_likely_lapsed", "most_valuable", "churn_risk", "hottest_leads",
                                     "most_engaged")
                                    if k in result["run"]}})


def main() -> None:
    app()
