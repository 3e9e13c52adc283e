"""Models: ``backtest``, ``predict``, ``engagement``, and the model card every one of them shows."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from regulars.app import BACKTEST_MODELS
from regulars.cli._app import command
from regulars.cli._options import AsJson, Cutoff, Search, WorkspaceArg
from regulars.cli._render import fixed, json_out, line, out, table, warn

__all__ = ["print_card"]

METHODS = {"model": "LightGBM (calibrated)", "baseline_logistic": "logistic regression"}


def print_card(card: dict[str, Any]) -> None:
    """The model card: what the model learned from, how it did on unseen data, what drives it."""
    window = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in card["data_window"].items())
    trained = card["trained_on"]
    line(f"Model card: {card['target']}", style="bold")
    line(f"model: {card['model']}")
    sample = (f" (a stratified sample of {trained['of_customers']:,})"
              if trained.get("of_customers", trained["customers"]) > trained["customers"] else "")
    line(f"trained on {trained['customers']:,} customers{sample} ({trained['positive_rate']:.1%} positive); {window}")
    line(f"features used ({len(card['features_used'])}): "
         + ", ".join(f"{k} {v:.0%}" for k, v in card["top_features"].items()) + " (share of importance, top 10)")
    if card["excluded"]:
        line("excluded on request: " + ", ".join(card["excluded"]))
    for column, flag in card["leakage_flags"].items():
        verdict = "used anyway, as asked (--allow)" if flag["used"] else "not used"
        warn(f"leakage guard, {verdict}: {column}: {flag['reason']}")
    if card.get("search"):
        found = card["search"]
        line(f"search: tried {len(found['tried'])} settings in {found['seconds']:g} s (budget "
             f"{found['budget_seconds']:g} s); chose the lowest 3-fold log loss, {found['chosen']['log_loss']:.4f}")
    if card.get("reused"):
        line(f"reused: {card['reused']}")
    if card.get("fairness"):
        line(card["fairness"]["summary"] + ".")
    if not card["metrics"]:
        line(f"not evaluated: {card['evaluated_on']}")
        return
    out.print(table(f"Evaluated on {card['evaluated_on']}", ["method", "AUC", "PR-AUC", "Brier", "calibration error"],
                    [[m.get("rule", METHODS.get(key, key)), fixed(m["auc"]), fixed(m["pr_auc"]), fixed(m.get("brier")),
                      fixed(m.get("calibration_error"))] for key, m in card["metrics"].items()],
                    right=("AUC", "PR-AUC", "Brier", "calibration error")))
    model = card["metrics"]["model"]
    top = next(((k, v) for k, v in model.items() if k.startswith("precision_at_")), None)
    if top:
        line(f"Of the {top[0].removeprefix('precision_at_')} customers ranked highest, {top[1]:.0%} had the outcome "
             f"(base rate {model['base_rate']:.0%}).")
    if card.get("calibration_table"):
        columns = ["predicted range", "customers", "mean predicted", "actual rate"]
        out.print(table("Calibration: predicted vs actual", columns,
                        [[r["range"], f"{r['customers']:,}", f"{r['mean_predicted']:.0%}", f"{r['actual_rate']:.0%}"]
                         for r in card["calibration_table"]], right=tuple(columns)))
    if card.get("deciles"):
        columns = ["tenth", "mean predicted", "actual rate", "lift", "captured"]
        out.print(table("By tenth of customers, highest predicted first (lift; share of all positives captured)",
                        columns, [[d["decile"], f"{d['mean_predicted']:.0%}", f"{d['actual_rate']:.0%}",
                                   f"{d['lift']:.2f}", f"{d['capture']:.0%}"] for d in card["deciles"]],
                        right=tuple(columns)))


def _print_clv_backtest(details: dict[str, Any]) -> None:
    line(f"Backtest on {details['customers']:,} customers: fitted before {details['cutoff']}, "
         f"predicting the next {details['horizon_days']} days")
    names = {"bgnbd": "BG/NBD", "baseline_rate": "repeat last period's rate", "baseline_rfm": "RFM heuristic",
             "spend": "BG/NBD + Gamma-Gamma spend"}
    columns = ["method", "MAE", "RMSE", "correlation", "predicted total", "actual total"]
    out.print(table("Repeat purchases per customer", columns,
                    [[names.get(k, k), fixed(m["mae"]), fixed(m["rmse"]), fixed(m["correlation"]),
                      f"{m['total_predicted']:,.0f}", f"{m['total_actual']:,.0f}"] for k, m in details["metrics"].items()],
                    right=tuple(columns[1:])))
    curve = details["curve"]
    out.print(table("Cumulative repeat purchases by week", ["week", "predicted", "actual"],
                    [[p["week"], f"{p['predicted']:,.0f}", f"{p['actual']:,}"] for p in curve[:: max(1, len(curve) // 8)]],
                    right=("week", "predicted", "actual")))


def _print_label_backtest(d: dict[str, Any]) -> None:
    line(f"Backtest of {d['label']}: trained on {d['train_customers']:,} customers as of {d['horizon_days']} days "
         f"before {d['cutoff']}, tested on {d['test_customers']:,} as of {d['cutoff']} over the next "
         f"{d['horizon_days']} days")
    print_card(d["card"])
    if "rolling" in d:
        out.print(table(f"Rolling cutoffs (mean AUC {d['rolling_mean_auc']:.3f})", ["cutoff", "AUC", "rule AUC", "Brier"],
                        [[r["cutoff"], fixed(r["auc"]), fixed(r["rule_auc"]), fixed(r["brier"])] for r in d["rolling"]],
                        right=("AUC", "rule AUC", "Brier")))


@command()
def backtest(
    workspace: WorkspaceArg,
    cutoff: Annotated[str, typer.Option(help="Fit on data before this date (YYYY-MM-DD).")],
    horizon: Annotated[int, typer.Option(help="Days after the cutoff to predict and compare.")] = 180,
    model: Annotated[str, typer.Option(help=f"One of: {', '.join(BACKTEST_MODELS)}.")] = "clv",
    rolling: Annotated[int, typer.Option(help="For a label: also test at this many earlier cutoffs.")] = 1,
    search: Search = None,
    as_json: AsJson = False,
) -> None:
    """Fit before a date, predict the following days, and compare with what really happened,
    beside simple baselines."""
    from regulars import app

    result = app.backtest(workspace, cutoff=cutoff, horizon_days=horizon, model=model, rolling=rolling,
                          search_seconds=search)
    if as_json:
        return json_out(result)
    if result.model == "clv":
        _print_clv_backtest(result.details)
    else:
        _print_label_backtest(result.details)


@command()
def predict(
    workspace: WorkspaceArg,
    target: Annotated[str, typer.Option(help="The customer column to predict (e.g. Churn, Converted).")],
    positive: Annotated[str | None, typer.Option(help="The value of the target that counts as the outcome.")] = None,
    holdout: Annotated[float, typer.Option(help="Share of customers kept aside to measure accuracy.")] = 0.3,
    exclude: Annotated[list[str] | None, typer.Option(help="A column not to learn from (repeatable).")] = None,
    allow: Annotated[list[str] | None, typer.Option(help="Use a column even if the leakage guard flags it.")] = None,
    all_customers: Annotated[bool, typer.Option("--all", help="Score every customer, not only those with an "
                                                              "unknown target.")] = False,
    search: Search = None,
    as_json: AsJson = False,
) -> None:
    """Learn a column the business already records (a CRM "churned" or "converted" flag) from
    the other customer columns, show how accurate it is, and score the customers."""
    from regulars import app

    result = app.predict(workspace, target=target, positive=positive, holdout=holdout, exclude=exclude or [],
                         allow=allow or [], score_all=all_customers, search_seconds=search)
    if as_json:
        return json_out(result)
    line(f"Predicting {target} = {result.positive} ({result.rows_known:,} customers with a known value; "
         f"{result.holdout:.0%} held out to measure accuracy)")
    print_card(result.card)
    if result.card.get("no_better_than_chance"):
        warn(f"This model is {result.card['no_better_than_chance']}.")
        return
    if not result.rows_scored:
        line(f"Every customer's {target} is known, so none was scored; --all scores them all.")
        return
    out.print(table(f"Highest probability ({result.rows_scored:,} scored)", ["customer", "probability", "why"],
                    [[r["customer_id"], f"{r['probability']:.0%}", r["reasons"]] for r in result.top],
                    right=("probability",), fold=("why",)))


@command()
def engagement(
    workspace: WorkspaceArg,
    cutoff: Cutoff = None,
    learn: Annotated[bool, typer.Option("--learn", help="Learn points from which leads converted, and compare "
                                                        "tiers.")] = False,
    horizon: Annotated[int, typer.Option(help="Days before the cutoff in which a conversion counts, when "
                                              "learning.")] = 30,
    as_json: AsJson = False,
) -> None:
    """Engagement points (0-100) from recent activity, with hot / warm / cold tiers; --learn
    shows whether the tiers separate converting leads, before and after learning the points."""
    from regulars import app

    result = app.engagement(workspace, cutoff=cutoff, learn=learn, horizon_days=horizon)
    if as_json:
        return json_out(result)
    t = result.tiers
    line(f"Engagement as of {result.cutoff}: {t['hot']:,} hot, {t['warm']:,} warm, {t['cold']:,} cold")
    out.print(table("Most engaged", ["customer", "points", "tier", "why"],
                    [[r["customer_id"], f"{r['engagement']:.0f}", r["tier"], r["engagement_reason"]]
                     for r in result.hottest], right=("points",), fold=("why",)))
    learned = result.learned
    if learned:
        def rate(tier: dict[str, Any]) -> str:
            return f"{tier['conversion_rate']:.0%} of {tier['customers']:,}" if tier["customers"] else "-"

        out.print(table(f"Leads converting in the {learned['horizon_days']} days after {learned['cutoff']}, by tier",
                        ["tier", "configured points", "learned points"],
                        [[tier, rate(learned["tiers_before"][tier]), rate(learned["tiers_after"][tier])]
                         for tier in ("hot", "warm", "cold")], right=("configured points", "learned points")))
        line("Learned points (put them in [engagement] points of regulars.toml to use them): "
             + ", ".join(f"{k} {v:g}" for k, v in sorted(learned["points"].items(), key=lambda kv: -kv[1]) if v))


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


@command()
def fairness(
    workspace: WorkspaceArg,
    model: Annotated[str, typer.Option(help="churn, conversion, support or purchase.")] = "churn",
    by: Annotated[list[str] | None, typer.Option(help="An attribute to compare groups by: gender, age band, country, "
                                                      "region, acquisition source or a column of your customer "
                                                      "export (repeatable; default: the settings' fairness_by).")
                  ] = None,
    threshold: Annotated[float | None, typer.Option(help="Pick customers at this chance (default: the level a "
                                                         "playbook acts at).")] = None,
    mitigate: Annotated[str | None, typer.Option(help="Show what group thresholds would do: demographic-parity "
                                                      "(equal shares picked) or equalised-odds.")] = None,
    seed: Annotated[int, typer.Option(help="The seed of the mitigation's split (same seed, same answer).")] = 0,
    adopt: Annotated[str | None, typer.Option(help="Write the group levels into this playbook's trigger (with "
                                                   "--mitigate and one --by; only when they narrow the gap).")
                     ] = None,
    cutoff: Cutoff = None,
    as_json: AsJson = False,
) -> None:
    """Whether a model picks groups of customers alike: per group the share picked, the outcome,
    true and false positive rates, AUC and calibration, with fairlearn's measures and a verdict."""
    from regulars import app

    result = app.fairness(workspace, model=model, by=by, threshold=threshold, mitigate=mitigate, seed=seed,
                          cutoff=cutoff, adopt=adopt)
    if as_json:
        return json_out(result)
    line(f"{result.model.title()} model ({result.answered_by}), as of {result.cutoff}")
    line(result.summary + ".")
    columns = ["group", "customers", "picked", "outcome", "TPR", "FPR", "AUC", "off by"]
    for audit in result.audits:
        out.print(table(f"By {audit['attribute']}", columns,
                        [[g["group"], f"{g['customers']:,}", _pct(g["selection_rate"]), _pct(g["outcome_rate"]),
                          _pct(g["true_positive_rate"]), _pct(g["false_positive_rate"]), fixed(g["auc"], 2),
                          f"{round(100 * g['calibration_gap']):+d}"] for g in audit["groups"]],
                        right=tuple(columns[1:])))
        line("picked: share at or above the level; outcome: share it happened to; TPR / FPR: share picked of "
             "those it did / did not happen to; off by: predicted minus happened, in points", style="dim")
        ratio = audit["demographic_parity_ratio"]
        line(f"{audit['verdict'][0].upper()}{audit['verdict'][1:]}; demographic-parity ratio "
             f"{fixed(ratio, 2)}, equalised-odds ratio {fixed(audit['equalized_odds_ratio'], 2)} (1 is even).")
    for m in result.mitigation:
        before, after = m["before"], m["after"]
        rows = {g["group"]: [g["group"], _pct(g["selection_rate"])] for g in before["groups"]}
        for g in after["groups"]:
            rows.setdefault(g["group"], [g["group"], "-"]).append(_pct(g["selection_rate"]))
        out.print(table(f"Group thresholds by {m['attribute']} ({m['constraint'].replace('_', ' ')}; set on "
                        f"{m['learned_on']:,} customers, checked on {m['checked_on']:,}, seed {m['seed']})",
                        ["group", "picked now", "with group thresholds"], list(rows.values()),
                        right=("picked now", "with group thresholds")))
        line(f"Group thresholds by {m['attribute']}: {m['reading']}.")
        if m.get("levels"):
            line("Levels: " + ", ".join(f"{g} {v:.0%}" for g, v in sorted(m["levels"].items())))
    if result.adopted:
        line(f"Adopted: the playbook {result.adopted} now picks each {result.mitigation[0]['attribute']} at its own "
             "level (playbooks.yaml); `regulars playbooks DIR plan` shows whom it picks.")
