"""Scores out: ``run``, ``scores``, ``customer``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from regulars.app import SCORE_SORTS
from regulars.cli._app import INTERNAL_ERROR, command, debugging, progress
from regulars.cli._options import AsJson, CsvFile, CustomerArg, Cutoff, Top, WorkspaceArg
from regulars.cli._render import err, json_out, known, line, num, out, pct, table, warn

__all__ = ["print_run"]



def _people(title: str, rows: list[dict[str, Any]], months: int) -> Any:
    return table(title, ["customer", "still a customer", f"{months}-month value", "why"],
                 [[r["customer_id"], pct(r["p_alive"]), num(r["clv"]), r["reason"]] for r in rows],
                 right=("still a customer", f"{months}-month value"), fold=("why",))


def _engaged(title: str, rows: list[dict[str, Any]]) -> Any:
    return table(title, ["customer", "points", "tier", "why"],
                 [[r["customer_id"], num(r["engagement"]), r.get("engagement_tier", r.get("tier")),
                   r["engagement_reason"]] for r in rows], right=("points",), fold=("why",))


def _print_clv(card: dict[str, Any]) -> None:
    bg, gg = card["count_model_fit"], card["gamma_gamma"]
    tried = card.get("competition") or []
    if len(tried) > 1:
        how = ("the one that could be fitted, though every candidate is degenerate" if card.get("degenerate")
               else "the best")
        line(f"Purchase-count model: {card['count_model']}, {how} on the last 90 days of "
             + ", ".join(f"{t['model']} (error {t['mae']:.2f})" for t in tried)
             + f"; 'same rate as before' {tried[0]['baseline_mae']:.2f}")
    if card.get("degenerate"):
        warn(card["degenerate"])
    line(f"{card['count_model']} " + ", ".join(f"{k} {v:.4g}" for k, v in bg["params"].items())
         + f" (log-likelihood {bg['log_likelihood']:.1f}); Gamma-Gamma "
         + ", ".join(f"{k} {v:.4g}" for k, v in gg["params"].items())
         + (f"; spend vs frequency correlation {gg['frequency_value_correlation']:.2f}"
            if known(gg["frequency_value_correlation"]) else ""))
    check = card.get("evaluation", {})
    if "metrics" in check:
        m = check["metrics"]
        line(f"Checked on the {check['horizon_days']} days before the cutoff (fitted without them): repeat purchases "
             f"predicted {m['bgnbd']['total_predicted']:,.0f} vs actual {m['bgnbd']['total_actual']:,.0f}; "
             f"per-customer error {m['bgnbd']['mae']:.2f} vs {m['baseline_rate']['mae']:.2f} for 'same rate as before'")
    elif "skipped" in check:
        line(check["skipped"])


#: The segment families the run shows (`regulars segments DIR list` shows every one).
RUN_FAMILIES = ("rfm", "lifecycle", "value")


def print_segment_changes(result: Any) -> None:
    since = result.segments_since
    rows = [r for r in result.segments if r["family"] in RUN_FAMILIES]
    title = "Segments" + (f": changes since run {since['run_id']} (as of {since['cutoff']})" if since else "")
    columns = ["segment", "customers"] + (["entered", "left"] if since else [])
    out.print(table(title, columns,
                    [[r["segment"], f"{r['size']:,}" if r["size"] else "empty"]
                     + ([f"{r['entered']:,}", f"{r['left']:,}"] if since else []) for r in rows],
                    right=tuple(columns[1:])))


def print_run(result: Any, top: int | None = None) -> None:
    """A run: what was scored, each model in a line, and the customers to look at first."""
    lists = {k: getattr(result, k)[:top] for k in ("most_likely_lapsed", "most_valuable", "churn_risk",
                                                    "hottest_leads", "most_engaged")}
    line(f"Run {result.run_id}: {result.customers:,} customers scored as of {result.cutoff}"
         + (f"; {result.not_profiled:,} who said no to profiling were not scored or planned"
            if result.not_profiled else ""))
    if result.expired:
        line("Removed as the retention settings ask: " + ", ".join(f"{n:,} {kind} rows" for kind, n in
                                                                result.expired.items()))
    if "clv" in result.models:
        _print_clv(result.models["clv"])
    for name, why in result.skipped.items():
        line(f"{name}: skipped: {why}")
    for label, days in result.horizons.items():
        card = result.models.get(label)
        if card and card.get("chosen"):
            c = card["chosen"]
            others = "; ".join(f"{w} {a:.2f}" for w, a in c["compared"].items() if w != c["words"])
            kept = card.get("reused")
            line(f"{label.title()} ({'trained this run' if not kept else 'kept: no significant drift' if 'on_drift' in kept else 'reused: no new data'}): "
                 f"{c['words']}, the best of the candidates on {card['evaluated_on']}: AUC {c['auc']:.2f} "
                 f"(95% interval {c['auc_interval'][0]:.2f}-{c['auc_interval'][1]:.2f})"
                 + (f"; {others}" if others else "")
                 + f". `regulars backtest --model {label}` shows the full model card")
            if card.get("fairness"):
                line(f"  {card['fairness']['summary']}. `regulars fairness --model {label}` shows each group")
            if card.get("drift"):
                line(f"  Drift: {card['drift']['summary']}.")
            if card.get("realised"):
                line(f"  Realised: {card['realised']['summary']}.")
    for said in result.model_alerts:
        warn(said)
    months = result.clv_months
    if lists["most_likely_lapsed"]:
        out.print(_people("Most likely to have lapsed (repeat customers)", lists["most_likely_lapsed"], months))
    if lists["most_valuable"]:
        out.print(_people(f"Most valuable over the next {months} months", lists["most_valuable"], months))
    if lists["most_engaged"]:
        out.print(_engaged("Most engaged right now", lists["most_engaged"]))
    if lists["churn_risk"]:
        out.print(table(f"Valuable customers likely to leave in the next {result.horizons['churn']} days",
                        ["customer", "chance of leaving", f"{months}-month value", "why"],
                        [[r["customer_id"], pct(r["churn_probability"]), num(r.get("clv")), r["churn_reasons"]]
                         for r in lists["churn_risk"]],
                        right=("chance of leaving", f"{months}-month value"), fold=("why",)))
    if lists["hottest_leads"]:
        out.print(table(f"Hottest leads: chance of a first order in the next {result.horizons['conversion']} days",
                        ["lead", "chance", "engagement", "why"],
                        [[r["customer_id"], pct(r["conversion_probability"]),
                          f"{r['engagement']:.0f} {r['engagement_tier']}" if known(r.get("engagement")) else "",
                          r["conversion_reasons"]] for r in lists["hottest_leads"]],
                        right=("chance", "engagement"), fold=("why",)))
    if result.segments:
        print_segment_changes(result)


@command()
def run(workspace: WorkspaceArg, cutoff: Cutoff = None, top: Top = 10, as_json: AsJson = False) -> None:
    """Score every customer: probability still a customer, expected orders, lifetime value,
    chance of leaving, of a lead's first order and of needing support, engagement, and why.
    Models are retrained only when the data or the cutoff changed; what does not apply to the
    shop is skipped with the reason."""
    from regulars import app

    with progress(as_json, "scoring") as step:
        result = app.run(workspace, cutoff=cutoff, top=top, step=step)
    if as_json:
        json_out(result)
    else:
        print_run(result)
    if result.failed:  # the rest was stored; scripts must still notice the failed part
        err.print("[bold red]internal error[/] ", end="")
        line(f"in {', '.join(result.failed)} (the run was stored without it); "
             + ("; ".join(f"{k}: {v}" for k, v in result.failed.items()) if debugging()
                else "run again with --debug to see the cause"), console=err)
        raise typer.Exit(code=INTERNAL_ERROR)


@command()
def scores(
    workspace: WorkspaceArg,
    sort: Annotated[str, typer.Option(help=f"One of: {', '.join(SCORE_SORTS)}.")] = "clv",
    top: Top = 20,
    csv: CsvFile = None,
    pseudonymise: Annotated[bool, typer.Option("--pseudonymise", help="For an analyst: names, emails and phones "
                                                                      "replaced by stable keyed pseudonyms.")] = False,
    as_json: AsJson = False,
) -> None:
    """Every customer's latest scores (from the last `regulars run`), sorted as asked."""
    from regulars import app
    from regulars.exports import write_safe_csv

    result = app.scores(workspace, sort=sort, top=top, only_top=csv is None, pseudonymise=pseudonymise)
    frame = result.frame
    if csv is not None:
        n = write_safe_csv(frame, csv)
        if not as_json:
            line(f"Wrote {n:,} customers' scores to {csv}"
                 + (" (names, emails and phones as pseudonyms)" if pseudonymise else ""))
    if as_json:
        return json_out(result)
    days = result.horizons
    columns = ["customer", "still a customer", f"{result.clv_months}-month value",
               f"leaves within {days['churn']} days", f"first order within {days['conversion']} days", "engagement"]
    customers = result.customers if result.customers is not None else len(frame)
    out.print(table(f"Scores by {sort} as of {result.cutoff} ({customers:,} customers)", columns,
                    [[r.customer_id, pct(r.p_alive), num(r.clv), pct(r.churn_probability),
                      pct(r.conversion_probability), num(r.engagement)] for r in frame.head(top).itertuples()],
                    right=tuple(columns[1:])))


@command()
def customer(
    workspace: WorkspaceArg,
    customer_id: CustomerArg,
    as_json: AsJson = False,
) -> None:
    """One customer: profile, orders, and the latest predictions with a plain explanation."""
    from regulars import app

    result = app.customer(workspace, customer_id)
    if as_json:
        return json_out(result)
    o = result.orders
    other = ", ".join(f"{n} {what}" for n, what in ((o["refunds"], "refund" if o["refunds"] == 1 else "refunds"),
                                                      (o["cancelled"], "cancelled")) if n)
    if o["refunded"]:
        other += f"; {o['refunded']:,.2f} refunded"
    if not o["count"]:
        line(f"{result.customer_id}: no orders yet" + (f" ({other})" if other else ""), style="bold")
    else:
        line(f"{result.customer_id}: {o['count']} purchase{'' if o['count'] == 1 else 's'}, "
             f"total {o['total'] or 0:,.2f} net of refunds" + (f" ({other})" if other else "")
             + f", first {str(o['first'])[:10]}, last {str(o['last'])[:10]}", style="bold")
    s = result.scores
    if s is None:
        line("No scores yet; run `regulars run` first.")
        return
    days = result.horizons
    if known(s.get("clv")):
        alive = f"{s['p_alive']:.0%} likely still a customer; " if known(s.get("p_alive")) else ""
        line(f"As of {str(s['cutoff'])[:10]}: {alive}"
             f"{s['expected_orders_90d']:.2f} orders expected in 90 days; lifetime value {num(s['clv'])}")
        line(s["reason"])
    for label, what in (("churn", "no order"), ("conversion", "a first order"), ("support", "a support ticket")):
        if known(s.get(f"{label}_probability")):
            line(f"Chance of {what} in the next {days[label]} days: {s[f'{label}_probability']:.0%} "
                 f"({s[f'{label}_reasons']})")
    for note in result.notes:
        line(note, style="italic")
    if known(s.get("engagement")):
        line(f"Engagement {s['engagement']:.0f} points, {s['engagement_tier']}: {s['engagement_reason']}")
    if s.get("segments"):
        line("Segments: " + ", ".join(s["segments"]))
    if s.get("lifecycle_stage"):
        line(f"Lifecycle: {s['lifecycle_stage']} ({s['lifecycle_reason']})")
    if s.get("recommend_reason"):
        line(f"Offer: {s['recommend_reason']}")
    if s.get("timing_reason"):
        line(f"Reach them: {s['timing_reason']}")
    for more in result.more_scores:
        figures = ", ".join(f"{m['words']} {_figure(m['value'], m['unit'])}" for m in more["measures"])
        line(f"{more['words'][:1].upper()}{more['words'][1:]}: {figures}"
             + (f" ({more['reasons']})" if more["reasons"] else ""))


def _figure(value: Any, unit: str) -> str:
    """A registered scorer's figure as words: a chance as a percentage, other numbers rounded."""
    if not isinstance(value, (int, float)) or not known(value):
        return str(value)
    return f"{value:.0%}" if unit == "probability" else f"{value:,.2f}".rstrip("0").rstrip(".")


@command()
def recommend(
    workspace: WorkspaceArg,
    customer_id: Annotated[str | None, typer.Argument(help="The customer (any id or email linked to them).")] = None,
    product: Annotated[str | None, typer.Option(help="Instead: what sells with this product (id or name).")] = None,
    top: Annotated[int, typer.Option(help="Products to list (up to the run's recommend.keep).")] = 5,
    as_json: AsJson = False,
) -> None:
    """What to offer one customer next and why: products bought by customers like them (popular
    products when they have no history), a follow-up product and its day, and replenishment.
    With --product, what sells with a product (a till's anonymous baskets count)."""
    from regulars import app
    from regulars.errors import SettingsError

    if (customer_id is None) == (product is None):
        raise SettingsError("name a customer (regulars recommend DIR CUSTOMER) or a product (--product NAME)")
    if product is not None:
        return _print_pairs(app.sells_with(workspace, product), as_json)
    result = app.recommend(workspace, customer_id, top=top)
    if as_json:
        return json_out(result)
    line(f"{result.customer_id}: recommendations as of {result.cutoff} (run {result.run_id})", style="bold")
    if result.products:
        out.print(table("Next products (not bought before)", ["#", "product", "why"],
                        [[i + 1, p["name"] or p["product_id"], p["reason"]] for i, p in enumerate(result.products)],
                        right=("#",), fold=("why",)))
    c = result.cross_sell
    if c:
        days = int(c["cross_sell_in_days"])
        when = f"in {days} days" if days > 0 else "now" if days == 0 else f"now (its usual day was {-days} days ago)"
        line(f"Follow-up: {c['name'] or c['cross_sell_product']}, {when}")
    if result.replenishment:
        out.print(table("Due for replenishment", ["product", "bought", "usually every", "last", "due"],
                        [[r["name"] or r["product_id"], f"{r['purchases']}x", f"{r['usual_days']:.0f} days",
                          str(r["last_bought"]), str(r["due_on"])] for r in result.replenishment[:10]],
                        right=("bought", "usually every")))
    return None


def _print_pairs(result: Any, as_json: bool) -> None:
    if as_json:
        return json_out(result)
    named = result.name or result.product_id
    line(f"What sells with {named} as of {result.cutoff} (run {result.run_id})", style="bold")
    if not result.together and not result.after:
        line(f"nothing is bought with {named} often enough to say (at least 2 baskets together)")
    if result.together:
        out.print(table("Bought together", ["product", "baskets", "of its baskets", "lift"],
                        [[p["name"] or p["product_id"], f"{p['customers']:,}", pct(p["confidence"]), f"{p['lift']:.1f}x"]
                         for p in result.together], right=("baskets", "of its baskets", "lift")))
        line("lift: how much likelier the two are bought together than by chance (1.0x: no more than chance)")
    if result.after:
        out.print(table("Bought after it", ["product", "customers", "usually after"],
                        [[p["name"] or p["product_id"], f"{p['customers']:,}", f"{p['lag_days']:.0f} days"]
                         for p in result.after], right=("customers", "usually after")))
    return None
