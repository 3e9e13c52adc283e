"""``forecast DIR MEASURE``: the next days or weeks of orders, revenue or tickets with their
80% and 95% intervals, the model that answered and what it was worth on the shop's past."""

from __future__ import annotations

from typing import Annotated

import typer

from regulars.cli._app import command
from regulars.cli._options import AsJson, Cutoff, WorkspaceArg
from regulars.cli._render import json_out, line, out, table

__all__: list[str] = []


@command()
def forecast(
    workspace: WorkspaceArg,
    measure: Annotated[str, typer.Argument(help="orders, revenue or tickets.")] = "orders",
    by: Annotated[str, typer.Option("--by", help="day or week.")] = "day",
    horizon: Annotated[int, typer.Option(help="How many days or weeks ahead.")] = 14,
    cutoff: Cutoff = None,
    as_json: AsJson = False,
) -> None:
    """Forecast orders, revenue or tickets with 80% and 95% intervals. The model is chosen by
    comparing several on the shop's own past; --cutoff forecasts from the data before a date,
    beside what then happened, so anyone can check it."""
    from regulars import app

    found = app.forecast(workspace, measure, by=by, horizon=horizon, cutoff=cutoff)
    if as_json:
        return json_out(found)
    money = found.unit == "money"

    def shown(v: float | None) -> str:
        return "" if v is None else f"{v:,.0f}" if money or v >= 100 else f"{v:,.1f}"

    rows = [[f"{p['period']:%a %d %b %Y}" if by == "day" else f"week of {p['period']:%d %b %Y}", shown(p["value"]),
             f"{shown(p['low_80'])}-{shown(p['high_80'])}", f"{shown(p['low_95'])}-{shown(p['high_95'])}",
             shown(p.get("actual"))] for p in found.points]
    what = measure.capitalize() + (f" ({found.currency})" if money and found.currency else "")
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
