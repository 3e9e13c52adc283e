"""Charts as inline SVG, drawn here: nothing is loaded from the internet, the same drawing
serves the dashboard and the emailed report (so it is a shared module), and every label is
escaped (text from data is never markup)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

__all__ = ["bars", "line"]

WIDTH, HEIGHT, PAD = 640, 220, 36


def _scale(values: Sequence[float]) -> float:
    top = max((v for v in values if v is not None), default=0.0)
    return top if top > 0 else 1.0


def _short(v: float) -> str:
    for size, unit in ((1e6, "M"), (1e3, "k")):
        if abs(v) >= size:
            return f"{v / size:.1f}{unit}"
    return f"{v:.0f}" if abs(v) >= 10 else f"{v:.2g}"


def bars(labels: Sequence[str], values: Sequence[float | None], *, title: str, unit: str = "") -> str:
    """A bar chart with its title, each bar's label below and value in its tooltip."""
    n, top = max(len(values), 1), _scale([v or 0 for v in values])
    step = (WIDTH - 2 * PAD) / n
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}">',
             f'<title>{escape(title)}</title>',
             f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" class="axis"/>',
             f'<text x="{PAD}" y="14" class="label">{escape(_short(top))} {escape(unit)}</text>']
    for i, (label, value) in enumerate(zip(labels, values)):
        h = 0 if value is None else (HEIGHT - 2 * PAD) * max(value, 0) / top
        x = PAD + i * step + step * 0.15
        parts.append(f'<rect x="{x:.1f}" y="{HEIGHT - PAD - h:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
                     f'class="bar"><title>{escape(label)}: {escape(_short(value or 0))} {escape(unit)}</title></rect>')
        if n <= 12 or i % max(n // 12, 1) == 0:
            parts.append(f'<text x="{x + step * 0.35:.1f}" y="{HEIGHT - PAD + 14}" class="label" '
                         f'text-anchor="middle">{escape(label[-5:])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def line(labels: Sequence[str], series: dict[str, Sequence[float | None]], *, title: str, unit: str = "",
         top: float | None = None) -> str:
    """A line chart of one or more series over the same labels, with a legend."""
    n = max(len(labels), 2)
    top = top or _scale([v for values in series.values() for v in values if v is not None])
    step = (WIDTH - 2 * PAD) / (n - 1)
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}">',
             f'<title>{escape(title)}</title>',
             f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" class="axis"/>',
             f'<text x="{PAD}" y="14" class="label">{escape(_short(top))} {escape(unit)}</text>']
    for k, (name, values) in enumerate(series.items()):
        points = [f"{PAD + i * step:.1f},{HEIGHT - PAD - (HEIGHT - 2 * PAD) * v / top:.1f}"
                  for i, v in enumerate(values) if v is not None]
        parts.append(f'<polyline points="{" ".join(points)}" class="series s{k}" fill="none"/>')
        parts.append(f'<text x="{WIDTH - PAD}" y="{16 + 14 * k}" class="label s{k}" '
                     f'text-anchor="end">{escape(name)}</text>')
    for i, label in enumerate(labels):
        if len(labels) <= 12 or i % max(len(labels) // 12, 1) == 0:
            parts.append(f'<text x="{PAD + i * step:.1f}" y="{HEIGHT - PAD + 14}" class="label" '
                         f'text-anchor="middle">{escape(str(label)[-5:])}</text>')
    parts.append("</svg>")
    return "".join(parts)
