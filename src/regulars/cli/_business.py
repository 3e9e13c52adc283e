"""The business at a glance from the terminal: ``forecast DIR MEASURE`` (the next days or weeks
with 80% and 95% intervals, and what the model was worth on the shop's past), ``alerts DIR``
and ``targets DIR``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from regulars.cli._app import command, noun, workspace_of
from regulars.cli._options import AsJson, Cutoff, WorkspaceArg
from regulars.cli._render import json_out, line, out, table

__all__: list[str] = []


@command()
def forecast(
    workspace: WorkspaceArg,
    measure: Annotated[str, typer.Argument(help="orders, revenue, tickets, web_visits, new_customers, or demand "
                                                "(units of a product).")
                       ] = "orders",
    by: Annotated[str, typer.Option("--by", help="day or week.")] = "day",
    horizon: Annotated[int, typer.Option(help="How many days or weeks ahead.")] = 14,
    cutoff: Cutoff = None,
    product: Annotated[str | None, typer.Option(help="The product whose demand to forecast (the best seller of "
                                                     "the last 90 days when not given).")] = None,
    as_json: AsJson = False,
) -> None:
    """Forecast orders, revenue, tickets or a product's demand with 80% and 95% intervals. The
    model is chosen by comparing several on the shop's own past; --cutoff forecasts from the
    data before a date, beside what then happened, so anyone can check it."""
    from regulars import app

    found = app.forecast(workspace, measure, by=by, horizon=horizon, cutoff=cutoff, product=product)
    if as_json:
        return json_out(found)
    money = found.unit == "money"

    def shown(v: float | None) -> str:
        return "" if v is None else f"{v:,.0f}" if money or v >= 100 else f"{v:,.1f}"

    rows = [[f"{p['period']:%a %d %b %Y}" if by == "day" else f"week of {p['period']:%d %b %Y}", shown(p["value"]),
             f"{shown(p['low_80'])}-{shown(p['high_80'])}", f"{shown(p['low_95'])}-{shown(p['high_95'])}",
             shown(p.get("actual"))] for p in found.points]
    what = measure.capitalize() + (f" ({found.currency})" if money and found.currency else "")
    if found.product:
        what = f"Units of {found.product_name or found.product}" + (f" ({found.product})" if found.product_name else "")
    columns = [by, "forecast", "80% interval", "95% interval", "what happened"]
    out.print(table(f"{what} by {by} from {found.cutoff}: {found.model}", columns, rows,
                    right=tuple(columns[1:])))
    chosen = next((c for c in found.candidates if c["model"] == found.model), None)
    if chosen and found.baseline_mase is not None:
        cycle = "week" if found.season_length > 1 and by == "day" else "year" if found.season_length > 1 else by
        line(f"Tested on past {by}s: {found.model} has a MASE of {chosen['mase']:.2f}, against "
             f"{found.baseline_mase:.2f} for repeating the last {cycle} (lower is better). Its 80% intervals "
             f"held {chosen['coverage_80']:.0%} of what happened, its 95% ones {chosen['coverage_95']:.0%}.")
    for note in found.notes:
        line(note[0].upper() + note[1:] + ".")
    return None


@command()
def alerts(
    workspace: WorkspaceArg,
    since: Annotated[str | None, typer.Option(help="Only alerts running on to this date (YYYY-MM-DD) or "
                                                   "later.")] = None,
    as_json: AsJson = False,
) -> None:
    """Days a measure (orders, revenue, tickets) moved beyond the range its own history makes
    likely, found over the whole history at each run: what moved, by how much, since when."""
    from regulars import app

    found = app.alerts(workspace, since=since)
    if as_json:
        return json_out(found)
    if not found.alerts:
        line("no alerts" + (f" since {since}" if since else "") + ": every measure stayed within its expected "
             "range (alerts are looked for at each run)")
        return None
    for alert in found.alerts:
        line(alert["words"], style="red" if (alert["direction"] == "up") == (alert["measure"] == "tickets")
             else None)
    return None


def _target_rows(found: Any) -> None:
    def shown(unit: str, v: float | None) -> str:
        if v is None:
            return ""
        return f"{v * 100:.1f}%" if unit == "share" else f"{v:,.0f}" if unit in ("money", "count") else f"{v:,.2f}"

    if not found.targets:
        line("no targets: set one with `regulars targets DIR set MEASURE VALUE --by YYYY-MM-DD`")
        return
    rows = [[t["title"], f"{shown(t['unit'], t['value'])} in {t['by_date']:%b %Y}",
             shown(t["unit"], t["current"]) + (f" ({t['current_period']})" if t["current_period"] else ""),
             shown(t["unit"], t["projected"]),
             {True: "on track", False: "behind", None: "too early to tell"}[t["on_track"]]] for t in found.targets]
    columns = ["measure", "target", "now", "projected", ""]
    out.print(table("Targets (each a month's value; projected: the last six months' trend)", columns, rows,
                    right=("now", "projected")))


targets_noun = noun("targets", "Targets for the KPIs: a value to reach by a date, with progress.",
                    default=lambda workspace: _target_rows(_app().targets(workspace)))


def _app() -> Any:
    from regulars import app

    return app


@command("list", targets_noun)
def list_targets(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Every target with where its measure stands and whether it is on track."""
    found = _app().targets(workspace_of(ctx))
    return json_out(found) if as_json else _target_rows(found)


@command("set", targets_noun)
def set_target(
    ctx: typer.Context,
    measure: Annotated[str, typer.Argument(help="A KPI's name (regulars metrics DIR lists them).")],
    value: Annotated[float, typer.Argument(help="Its value to reach; a share as 0-1 (0.35 is 35%).")],
    by: Annotated[str, typer.Option("--by", help="The date (YYYY-MM-DD): the month holding it should reach "
                                                 "the value.")],
    as_json: AsJson = False,
) -> None:
    """Set a KPI's target (replacing the one before)."""
    found = _app().set_target(workspace_of(ctx), measure, value, by=by)
    return json_out(found) if as_json else _target_rows(found)


@command("clear", targets_noun)
def clear_target(
    ctx: typer.Context,
    measure: Annotated[str, typer.Argument(help="The KPI whose target to remove.")],
    as_json: AsJson = False,
) -> None:
    """Remove a KPI's target."""
    found = _app().set_target(workspace_of(ctx), measure, None)
    return json_out(found) if as_json else _target_rows(found)
