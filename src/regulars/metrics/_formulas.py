"""docs/metrics.md, the formulas page: each KPI's formula from the registry, then how cohorts,
the funnel, journeys, message engagement, forecasts and alerts are worked out, in the words of
the modules that work them out (so the page cannot drift from the code)."""

from __future__ import annotations

from regulars.metrics import _anomalies, _cohorts, _forecast, _funnel, _journeys, _messages, _web
from regulars.metrics._kpis import GRAINS, KPIS

__all__ = ["formulas_page"]

#: The page's sections after the KPIs: title, the module that says how, and what answers it.
_SECTIONS = (
    ("Web visits", _web, "`regulars metrics DIR web_visits` (and `conversion_rate`, `cart_abandonment_rate`)"),
    ("Cohorts", _cohorts, "`regulars cohorts DIR [--source] [--on-or-after]` and `GET /api/v1/cohorts`"),
    ("The funnel", _funnel, "`regulars funnel DIR [--window DAYS] [--strict]` and `GET /api/v1/funnel`"),
    ("Journeys", _journeys, "`regulars journeys DIR` and `GET /api/v1/journeys`"),
    ("Message engagement", _messages, "`regulars messages DIR [--days N]` and `GET /api/v1/messages`"),
    ("Forecasts", _forecast, "`regulars forecast DIR orders|revenue|tickets|demand --by day|week` and "
     "`GET /api/v1/forecast/{measure}`"),
    ("Alerts", _anomalies, "`regulars alerts DIR [--since DATE]` and `GET /api/v1/alerts`"),
)


def formulas_page() -> str:
    """docs/metrics.md: every KPI's formula, unit and periods, written from ``KPIS``, then how the
    other figures are worked out, from their modules' own descriptions (a test keeps the file in
    step; ``make docs`` writes it)."""
    units = {"money": "money, in the shop's main currency", "count": "a count", "share": "a share (0-100%), "
             "with Wilson's 95% interval", "number": "a number", "score": "points, with a 95% interval"}
    lines = ["# The KPIs and their formulas", "",
             "Written by `make docs` from `regulars.metrics.KPIS`; do not edit by hand. Each is worked out per "
             f"period ({', '.join(GRAINS)}) from the first sale to the last, from purchases: completed orders net "
             "of their refunds, a refund counted in the month of the purchase it refunds, anonymous sales "
             "included in revenue and orders. A customer is a person: records linked by email, phone or a "
             "platform id count once. `regulars metrics DIR [NAME] --by month`, `GET /api/v1/metrics` and "
             "`GET /api/v1/metrics/{name}` answer them; `--segment`, `--channel`, `--source` and `--country` "
             "(the same query parameters) count only a segment's members (as of the latest run), a channel's "
             "sales, or the customers from a source or country.", "",
             "| measure | name | formula | unit |", "| --- | --- | --- | --- |"]
    lines += [f"| {k.title} | `{k.name}` | {k.formula} | {units[k.unit]} |" for k in KPIS.values()]
    for title, module, command in _SECTIONS:
        lines += ["", f"## {title}", "", _paragraphs(module.__doc__ or ""), "", f"Answered by {command}."]
    return "\n".join(lines) + "\n"


def _paragraphs(doc: str) -> str:
    """A module's description as Markdown paragraphs (its lines joined, blank lines kept)."""
    return "\n\n".join(" ".join(part.split()) for part in doc.strip().split("\n\n")).replace("``", "`")
