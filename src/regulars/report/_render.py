"""The report's HTML from the figures the application gathers (a pure function: data in, text out)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from regulars import _charts
from regulars._glance import SURVEY_WORDS, hours_words

__all__ = ["render_report"]

HERE = Path(__file__).parent


def _env() -> Any:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(["html"]))
    env.filters["pct"] = lambda v, d=0: "" if v is None else f"{v * 100:.{d}f}%"
    env.filters["money"] = lambda v: "" if v is None else f"{v:,.2f}"
    env.filters["num"] = lambda v, d=0: "" if v is None else f"{v:,.{d}f}"
    env.filters["kpi"] = _kpi
    env.filters["hours"] = hours_words
    return env


def _kpi(v: float | None, unit: str) -> str:
    """A KPI's value as its unit reads: 35.2%, 1,234.00, +12 (NPS), 1,234."""
    if v is None:
        return ""
    return {"share": f"{v * 100:.1f}%", "money": f"{v:,.2f}", "score": f"{v:+.0f}", "count": f"{v:,.0f}"}.get(
        unit, f"{v:,.2f}")


def render_report(shop: str, overview: dict[str, Any], segments: dict[str, Any] | None,
                  results: dict[str, Any], made_at: str, business: dict[str, Any] | None = None,
                  voice: dict[str, Any] | None = None, service: dict[str, Any] | None = None,
                  surveys: list[dict[str, Any]] | None = None, model_alerts: list[str] | None = None) -> str:
    """The report as one HTML document; every value from data is escaped. ``voice``, ``service``
    and ``surveys``: what customers said, how fast the shop answered, the surveys' results (each
    left out when the shop has none); ``model_alerts``: what the models' drift or realised
    accuracy asks a person to know."""
    months = [m["month"] for m in overview["monthly"]]
    charts = {
        "revenue": _charts.bars(months, [m["revenue"] for m in overview["monthly"]], title="Revenue per month",
                                unit=overview.get("currency") or ""),
        "buyers": _charts.line(months, {"buyers": [m["buyers"] for m in overview["monthly"]],
                                        "of whom bought before": [m["repeat_buyers"] for m in overview["monthly"]]},
                               title="Buyers per month"),
    }
    moved = sorted((s for s in (segments or {}).get("segments", []) if s.get("entered") is not None),
                   key=lambda s: -abs((s["entered"] or 0) - (s["left"] or 0)))[:12]
    from regulars._glance import glance_view

    business = business or {"alerts": [], "targets": []}
    return _env().get_template("report.html").render(shop=shop, o=overview, charts=charts, moved=moved,
                                                     business=business, glance=glance_view(business),
                                                     segments=segments, results=results, made_at=made_at,
                                                     voice=voice, service=service, surveys=surveys or [],
                                                     model_alerts=model_alerts or [],
                                                     survey_words=SURVEY_WORDS,
                                                     styles=(HERE / "templates" / "report.css").read_text())
