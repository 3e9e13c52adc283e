"""The business at a glance as pages show it (the dashboard's Business page and the report):
the KPIs of the last complete month beside the month before, each forecast's chart with its
record in words, and the cohorts' heatmap width; from what ``app.business`` read."""

from __future__ import annotations

from typing import Any

from regulars import _charts

__all__ = ["SURVEY_WORDS", "glance_view", "hours_words"]

#: How each survey is called on a page.
SURVEY_WORDS = {"nps": "NPS", "csat": "CSAT", "ces": "CES", "win-back": "why did you stop"}

_TITLES = {"orders": "Orders a day", "revenue": "Revenue a day", "tickets": "Support tickets a day"}


def hours_words(v: float | None) -> str:
    """A service time in hours as an owner reads it: minutes under an hour, days beyond two."""
    if v is None or v != v:
        return ""
    if v < 1:
        return f"{v * 60:.0f} min"
    return f"{v:.1f} h" if v < 48 else f"{v / 24:.1f} days"


def _forecast_charts(forecasts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per forecast: its chart (the last periods kept, then those ahead) and its record in words."""
    out = []
    for f in forecasts:
        measure = f["measure"]
        weekly = f["grain"] == "week"
        title = (f"Units of {f.get('product_name') or f.get('product')} a week" if measure == "demand"
                 else _TITLES[measure])
        shown = (f"{title}: the last {len(f['history'])} weeks and the next {len(f['points'])}" if weekly
                 else f"{title}: the last six weeks and the next two")
        labels = [str(h["period"])[5:] for h in f["history"]] + [str(p["period"])[5:] for p in f["points"]]
        unit = (f.get("currency") or "") if f["unit"] == "money" else ""
        chosen = next((c for c in f["candidates"] if c["model"] == f["model"]), None)
        if chosen and f.get("baseline_mase") is not None:
            record = (f"{f['model']}, chosen by testing on past {'weeks' if weekly else 'fortnights'}: MASE "
                      f"{chosen['mase']:.2f} against {f['baseline_mase']:.2f} for repeating the last "
                      f"{'year' if weekly and f['season_length'] > 1 else 'week'} (lower is better); its 80% intervals "
                      f"held {chosen['coverage_80']:.0%} of what happened, its 95% ones {chosen['coverage_95']:.0%}")
        else:
            record = f"{f['model']}"
        notes = "; ".join(f["notes"])
        notes = notes[:1].upper() + notes[1:]
        out.append({"measure": measure, "title": title, "record": record, "notes": notes,
                    "chart": _charts.forecast(labels, [h["value"] for h in f["history"]], f["points"],
                                              title=shown, unit=unit)})
    return out


def _kpi_rows(kpis: dict[str, Any], measures: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """The KPIs of the last complete month beside the month before, with the change."""
    done = [r for r in kpis.get("series", []) if not r.get("through")]
    if not done:
        return []
    now, before = done[-1], done[-2] if len(done) > 1 else {}
    rows = []
    for name, k in measures.items():
        if now.get(name) is None:
            continue
        of = now.get(f"{name}_of") or {}
        rows.append({**k, "now": now[name], "before": before.get(name), "low": of.get("low"), "high": of.get("high"),
                     "hits": of.get("hits"), "n": of.get("n")})
    return [{**r, "month": now["label"], "month_before": before.get("label")} for r in rows]



def _journeys(found: dict[str, Any] | None) -> dict[str, Any]:
    """The paths as kept, and the stage flows' chart (when two runs give flows)."""
    found = found or {}
    stages = found.get("stages") or {}
    chart = None
    if stages.get("flows"):
        order = [r["stage"] for r in stages.get("stages", [])]
        chart = _charts.flows(stages["flows"], order, before=str(stages["from_cutoff"]), after=str(stages["to_cutoff"]),
                              title=f"Customers by lifecycle stage: the run of {stages['from_cutoff']} (left) "
                                    f"and of {stages['to_cutoff']} (right)")
    return {"paths": found.get("paths"), "stages": stages, "chart": chart}


def glance_view(found: dict[str, Any], sliced: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """What a page needs beside ``found`` (``BusinessResult.to_dict()``): figures, KPI rows,
    forecast charts, cohorts and how many months of them fit; ``sliced``: the monthly KPI
    series of a slice (``MetricsResult.series``), shown instead of the shop's."""
    figures = found.get("figures") or {}
    cohorts = figures.get("cohorts") or []
    series = (figures.get("kpis") or {}).get("series") or []
    if series and series[-1].get("through"):  # the latest month is under way: its share would read low
        cohorts = [{**c, "retention": c["retention"][:-1]} for c in cohorts if len(c["retention"]) > 1]
    kpis = {"series": sliced} if sliced is not None else figures.get("kpis") or {}
    return {"figures": figures, "kpis": _kpi_rows(kpis, found.get("measures") or {}),
            "forecasts": _forecast_charts(list((figures.get("forecasts") or {}).values())),
            "demand": _forecast_charts(figures.get("demand") or []), "cohorts": cohorts,
            "width": min(7, max((len(c["retention"]) for c in cohorts), default=0)),
            "journeys": _journeys(figures.get("journeys"))}
