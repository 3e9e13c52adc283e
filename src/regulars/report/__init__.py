"""The report: one self-contained HTML file (inline styles, SVG charts drawn here, no external
requests) an owner can open or receive by email: KPIs with trends, segment changes, customers at
risk, playbook results."""

from __future__ import annotations

from regulars._lazy import lazy_names

__all__ = ["render_report"]

__getattr__, __dir__ = lazy_names("regulars.report", {"_render": ("render_report",)})
