"""``metrics DIR [NAME]``: the shop's KPIs per period with their change, and one KPI's history
with its interval and formula."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from regulars.cli._app import command
from regulars.cli._options import AsJson, WorkspaceArg
from regulars.cli._render import json_out, line, out, table

__all__: list[str] = []


def _shown(value: Any, unit: str) -> str:
    if value is None:
        return ""
    if unit == "share":
        return f"{value * 100:.1f}%"
    if unit == "score":
        return f"{value:+.0f}"
    if unit == "money":
        return f"{value:,.2f}"
    if unit == "count":
        return f"{value:,}"
    return f"{value:,.2f}"


def _period(row: dict[str, Any]) -> str:
    """The period's name, and the day a period still under way runs to."""
    return row["label"] + (f" (to {row['through']:%d %b})" if row.get("through") else "")


def _change(now: Any, before: Any, unit: str) -> str:
    """Against the period before: points for a share, per cent otherwise."""
    if now is None or before is None:
        return ""
    if unit == "share":
        return f"{(now - before) * 100:+.1f} pts"
    if unit == "score":
        return f"{now - before:+.0f} pts"
    return f"{(now - before) / before * 100:+.0f}%" if before else ""


@command()
def metrics(
    workspace: WorkspaceArg,
    name: Annotated[str | None, typer.Argument(help="One measure (e.g. retention_rate) for its history, "
                                                    "interval and formula; every KPI without it.")] = None,
    by: Annotated[str, typer.Option("--by", help="day, week, month or quarter.")] = "month",
    periods: Annotated[int, typer.Option(help="How many periods up to the latest sale.")] = 6,
    segment: Annotated[str | None, typer.Option(help="Only this segment's members (as of the latest run): "
                                                     "their purchases, tickets and answers.")] = None,
    channel: Annotated[str | None, typer.Option(help="Only sales through this channel (web, shop, ...).")] = None,
    source: Annotated[str | None, typer.Option(help="Only customers from this acquisition source.")] = None,
    country: Annotated[str | None, typer.Option(help="Only customers in this country.")] = None,
    as_json: AsJson = False,
) -> None:
    """The shop's KPIs per period (revenue, orders, average order value, new and returning
    customers, repeat-purchase, retention and churn rates, purchase frequency), each with its
    formula and its change against the period before."""
    from regulars import app

    found = app.metrics(workspace, name, by=by, periods=periods if name or as_json else max(periods, 2),
                        segment=segment, channel=channel, source=source, country=country)
    if as_json:
        return json_out(found)
    if not found.series:
        line("no sales yet: load orders (regulars ingest DIR FILE) and the KPIs follow")
        return None
    sliced = [f"of {segment}"] if segment else []
    sliced += [f"{k} {v}" for k, v in (found.only or {}).items()]
    money = (", " + ", ".join(sliced) if sliced else "") + (f" (money in {found.currency})" if found.currency else "")
    if name:
        kpi = found.kpis[0]
        rows, before = [], None
        for row in found.series:
            value, of = row[name], row.get(f"{name}_of") or {}
            change = "" if row.get("through") else _change(value, before, kpi["unit"])  # a part against a whole
            if of.get("low") is None:
                interval = ""
            elif kpi["unit"] == "score":
                interval = f"{of['low']:+.0f} to {of['high']:+.0f}"
            else:
                interval = f"{of['low'] * 100:.1f}-{of['high'] * 100:.1f}%"
            counted = f"{of['hits']:,} of {of['n']:,}" if "hits" in of else f"{of['n']:,} answers" if of else ""
            rows.append([_period(row), _shown(value, kpi["unit"]), change, interval, counted])
            before = value
        out.print(table(f"{kpi['title']} by {by}{money}", [by, "value", "change", "95% interval", "counted"], rows,
                        right=("value", "change", "95% interval", "counted")))
        line(f"{kpi['title']} = {kpi['formula']}")
    else:
        last, previous = found.series[-1], found.series[-2] if len(found.series) > 1 else {}
        rows = [[k["title"], _shown(previous.get(k["name"]), k["unit"]), _shown(last[k["name"]], k["unit"]),
                 "" if last.get("through") else _change(last[k["name"]], previous.get(k["name"]), k["unit"])]
                for k in found.kpis]
        columns = ["measure", _period(previous) if previous else "", _period(last), "change"]
        out.print(table(f"KPIs by {by}{money}", columns, rows, right=tuple(columns[1:])))
        line("`regulars metrics DIR NAME` shows one measure's history, interval and formula")
    if found.other_currency_orders:
        line(f"{found.other_currency_orders:,} sales in other currencies are left out")
    return None


@command()
def cohorts(
    workspace: WorkspaceArg,
    by: Annotated[str, typer.Option("--by", help="day, week, month or quarter.")] = "month",
    source: Annotated[bool, typer.Option("--source", help="One cohort per acquisition source (lead_source) "
                                                          "instead of per first-purchase period.")] = False,
    on_or_after: Annotated[bool, typer.Option("--on-or-after", help="Unbounded retention: bought in that period "
                                                                    "or any later one.")] = False,
    last: Annotated[int, typer.Option(help="How many of the latest cohorts.")] = 12,
    as_json: AsJson = False,
) -> None:
    """Who came back: each cohort's customers and the share who bought again 1, 2, ... periods
    after their first purchase (N-period retention, or --on-or-after for unbounded)."""
    from regulars import app

    found = app.cohorts(workspace, by=by, source=source, last=last)
    if as_json:
        return json_out(found)
    if not found.cohorts:
        line("no customers with purchases yet: load orders and the cohorts follow")
        return None
    kind = "retention_on_or_after" if on_or_after else "retention"
    shown = min(7, max(len(c[kind]) for c in found.cohorts))  # what fits 80 columns
    columns = ["source" if source else "cohort", "customers", *[str(k) for k in range(shown)]]
    rows = [[c["cohort"], f"{c['customers']:,}", *[f"{x * 100:.0f}%" for x in c[kind][:shown]]]
            for c in found.cohorts]
    words = "in that period or later" if on_or_after else "in that period"
    out.print(table(f"Customers who bought again {words}, by {by}s since their first purchase", columns, rows,
                    right=tuple(columns[1:])))
    return None


@command()
def funnel(
    workspace: WorkspaceArg,
    days: Annotated[int, typer.Option(help="Customers whose first visit is in this many days.")] = 90,
    window: Annotated[float, typer.Option(help="Days after the first visit each stage may be reached in.")] = 14,
    strict: Annotated[bool, typer.Option("--strict", help="A stage counts only if no other funnel stage comes "
                                                          "between it and the one before.")] = False,
    as_json: AsJson = False,
) -> None:
    """Where visitors drop out: visit, product view, cart, checkout, purchase, repeat purchase,
    each within the window of the first visit, with the median time between stages."""
    from regulars import app

    found = app.funnel(workspace, days=days, window=window, strict=strict)
    if as_json:
        return json_out(found)
    rows = [[s["stage"], f"{s['customers']:,}", "" if s["of_entered"] is None else f"{s['of_entered'] * 100:.1f}%",
             "" if not i or s["of_previous"] is None else f"{s['of_previous'] * 100:.1f}%",
             "" if s["median_hours"] is None else _hours(s["median_hours"])]
            for i, s in enumerate(found.stages)]
    columns = ["stage", "customers", "of all", "of the stage before", "median time"]
    out.print(table(f"First visits {found.since} to {found.until}, each followed for {found.window_days:g} days"
                    + (" (strict order)" if found.strict else ""), columns, rows, right=tuple(columns[1:])))
    return None


def _hours(hours: float) -> str:
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} days"


@command()
def messages(
    workspace: WorkspaceArg,
    days: Annotated[int, typer.Option(help="Days after a message its opens, clicks and unsubscribes count in.")] = 7,
    last: Annotated[int, typer.Option(help="How many of the latest campaigns (every playbook is shown).")] = 10,
    as_json: AsJson = False,
) -> None:
    """How people answered the email and SMS sent, per playbook and campaign: delivered, opened,
    clicked, unsubscribed and complained, as shares of what was delivered."""
    from regulars import app

    found = app.messages(workspace, days=days)
    if as_json:
        return json_out(found)
    books = [r for r in found.rows if r["kind"] == "playbook"]
    shown = books + [r for r in found.rows if r["kind"] != "playbook"][:last]

    def rate(r: dict[str, Any], name: str) -> str:
        return "" if r.get(f"{name}_rate") is None else f"{r[f'{name}_rate'] * 100:.1f}%"

    columns = ["playbook or campaign", "by", "delivered", "opened", "clicked", "unsub.", "spam"]
    rows = [[r["name"], r["channel"], f"{r['delivered']:,}", *[rate(r, n) for n in
                                                              ("opened", "clicked", "unsubscribed", "complained")]]
            for r in shown]
    out.print(table(f"Messages and what their readers did within {found.days} days", columns, rows,
                    right=tuple(columns[2:])))
    if len(shown) < len(found.rows):
        line(f"{len(found.rows) - len(shown):,} older campaigns left out (--last, or --json for all)")
    return None


@command()
def journeys(workspace: WorkspaceArg, as_json: AsJson = False) -> None:
    """The paths people take before their first purchase and before they stop buying, and how
    customers moved between lifecycle stages from the run before to the latest."""
    from regulars import app

    found = app.journeys(workspace)
    if as_json:
        return json_out(found)
    if found.paths:
        p = found.paths
        for key, heading in (("first_purchase", f"Before a first purchase ({p['look_days']} days before it)"),
                             ("churn", f"Before they stopped buying (no purchase for {p['quiet_days']} days)")):
            said = p[key]
            if not said["paths"]:
                line(f"{heading}: {said['people']:,} people, none with a recorded step")
                continue
            rows = [[r["path"], f"{r['people']:,}", f"{r['share'] * 100:.1f}%"] for r in said["paths"]]
            out.print(table(f"{heading}: {said['people']:,} people", ["path", "people", "share"], rows,
                            right=("people", "share")))
    else:
        line("no paths: they are made of web events and tickets, and none are loaded")
    s = found.stages
    if s and s["stages"]:
        seen = s["runs"] > 1  # one run says nothing of how long anyone has been in a stage
        rows = [[r["stage"], f"{r['customers']:,}", *([f"{r['median_days']:.0f}" + (
            " or more" if r["since_first_run"] * 2 > r["customers"] else "")] if seen else [])] for r in s["stages"]]
        columns = ["stage", "customers", *(["days in it (median)"] if seen else [])]
        out.print(table(f"Lifecycle stages at the run of {s['to_cutoff']}", columns, rows, right=tuple(columns[1:])))
        moved = [f for f in s["flows"] if f["was"] != f["now"]][:10]
        if not seen:
            line("the flows between stages, and how long customers stay in each, appear after the second run")
        elif moved:
            rows = [[f["was"], f["now"], f"{f['customers']:,}"] for f in moved]
            out.print(table(f"Who moved between the runs of {s['from_cutoff']} and {s['to_cutoff']}",
                            ["from", "to", "customers"], rows, right=("customers",)))
        else:
            line(f"nobody moved between stages from the run of {s['from_cutoff']} to that of {s['to_cutoff']}")
    return None
