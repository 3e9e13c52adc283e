"""Charts as inline SVG, drawn here: nothing is loaded from the internet, the same drawing
serves the dashboard and the emailed report (so it is a shared module), and every label is
escaped (text from data is never markup). Each chart has a y axis with round ticks and
gridlines, month labels a person reads ("Jan 2024", then "Feb"), a legend of coloured keys,
and every bar and point says its value on hover (an SVG title)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from html import escape

__all__ = ["band", "bars", "flows", "forecast", "line", "ticks"]

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 240, 52, 12, 28, 30
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def ticks(top: float, most: int = 5) -> list[float]:
    """Round values from 0 to at least ``top`` (1, 2 or 5 times a power of ten apart)."""
    if not top or top <= 0 or not math.isfinite(top):
        return [0.0, 1.0]
    rough = top / most
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    return [i * step for i in range(math.ceil(top / step - 1e-9) + 1)]


def band(interval: str) -> str:
    """A band of chances as people write it: "(-0.001, 0.1]" reads "0-10%"."""
    import re

    ends = re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", interval)
    if len(ends) != 2:
        return interval
    low, high = (min(max(float(e), 0.0), 1.0) for e in ends)
    return f"{low:.0%}-{high:.0%}".replace("%-", "-")


def _short(v: float) -> str:
    for size, unit in ((1e6, "M"), (1e3, "k")):
        if abs(v) >= size:
            return f"{v / size:.1f}".rstrip("0").rstrip(".") + unit
    return f"{v:.0f}" if abs(v) >= 10 or v == int(v) else f"{v:.2g}"


def _said(label: str, first: bool) -> str:
    """A month "2024-01" as "Jan 2024" when it starts a year or the chart, else "Feb"; other labels as given."""
    found = _YEAR_MONTH.match(str(label))
    if not found:
        return str(label)
    year, month = found.group(1), int(found.group(2))
    return f"{_MONTHS[month - 1]} {year}" if first or month == 1 else _MONTHS[month - 1]


def _frame(title: str, top: float, unit: str) -> tuple[list[str], float]:
    """The SVG's opening, its gridlines and y ticks; the value at the top of the plot."""
    marks = ticks(top)
    high = marks[-1] or 1.0
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}">',
             f'<title>{escape(title)}</title>']
    for mark in marks:
        y = _y(mark, high)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
                     f'class="{"axis" if mark == 0 else "grid"}"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" class="label" text-anchor="end">'
                     f'{escape(_short(mark))}</text>')
    if unit:
        parts.append(f'<text x="{LEFT - 6}" y="{TOP - 14}" class="label" text-anchor="end">{escape(unit)}</text>')
    return parts, high


def _y(value: float, high: float) -> float:
    return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * max(value, 0) / high


def _x_labels(labels: Sequence[str], centre: Sequence[float]) -> list[str]:
    every = max(1, math.ceil(len(labels) / 12))
    return [f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" class="label" text-anchor="middle">'
            f'{escape(_said(label, i == 0))}</text>'
            for i, (label, x) in enumerate(zip(labels, centre, strict=True)) if i % every == 0]


def bars(labels: Sequence[str], values: Sequence[float | None], *, title: str, unit: str = "") -> str:
    """A bar chart with its title, round ticks, each bar's label below and value in its tooltip."""
    n = max(len(values), 1)
    parts, high = _frame(title, max((v or 0 for v in values), default=0), unit)
    step = (WIDTH - LEFT - RIGHT) / n
    centres = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = LEFT + i * step + step * 0.15
        y = _y(value or 0, high)
        centres.append(x + step * 0.35)
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{HEIGHT - BOTTOM - y:.1f}" '
                     f'class="bar"><title>{escape(_said(label, True))}: {escape(_short(value or 0))} '
                     f'{escape(unit)}</title></rect>')
    parts += _x_labels(labels, centres)
    parts.append("</svg>")
    return "".join(parts)


def line(labels: Sequence[str], series: dict[str, Sequence[float | None]], *, title: str, unit: str = "",
         top: float | None = None) -> str:
    """A line chart of one or more series over the same labels, with a legend of coloured keys
    and a point per value that says it on hover."""
    n = max(len(labels), 2)
    parts, high = _frame(title, top or max((v for vs in series.values() for v in vs if v is not None), default=0),
                         unit)
    step = (WIDTH - LEFT - RIGHT) / (n - 1)
    key_x = LEFT
    for k, (name, values) in enumerate(series.items()):
        shown = [(i, v) for i, v in enumerate(values) if v is not None]
        points = " ".join(f"{LEFT + i * step:.1f},{_y(v, high):.1f}" for i, v in shown)
        parts.append(f'<polyline points="{points}" class="series s{k}" fill="none"/>')
        for i, v in shown:
            parts.append(f'<circle cx="{LEFT + i * step:.1f}" cy="{_y(v, high):.1f}" r="3" class="point s{k}">'
                         f'<title>{escape(name)}, {escape(_said(labels[i], True))}: {escape(_short(v))} '
                         f'{escape(unit)}</title></circle>')
        if len(series) > 1:  # a legend: a coloured key and the name, side by side along the top
            parts.append(f'<rect x="{key_x}" y="6" width="12" height="12" class="key s{k}"/>'
                         f'<text x="{key_x + 16}" y="16" class="label">{escape(name)}</text>')
            key_x += 16 + 7 * len(name) + 18
    parts += _x_labels(labels, [LEFT + i * step for i in range(len(labels))])
    parts.append("</svg>")
    return "".join(parts)


def forecast(labels: Sequence[str], history: Sequence[float | None], ahead: Sequence[dict[str, float]], *,
             title: str, unit: str = "") -> str:
    """What happened, then the forecast with its 95% and 80% intervals as shaded bands (each
    point says its value and interval on hover); ``labels`` name the history's periods, then
    the forecast's."""
    n = max(len(labels), 2)
    top = max([*(v for v in history if v is not None), *(p["high_95"] for p in ahead)], default=0)
    parts, high = _frame(title, top, unit)
    step = (WIDTH - LEFT - RIGHT) / (n - 1)
    first = len(history)

    def x(i: int) -> float:
        return LEFT + i * step

    for level, css in (("95", "band95"), ("80", "band80")):
        upper = [f"{x(first + i):.1f},{_y(p[f'high_{level}'], high):.1f}" for i, p in enumerate(ahead)]
        lower = [f"{x(first + i):.1f},{_y(p[f'low_{level}'], high):.1f}" for i, p in enumerate(ahead)]
        parts.append(f'<polygon points="{" ".join(upper + lower[::-1])}" class="{css}"/>')
    seen = [(i, v) for i, v in enumerate(history) if v is not None]
    parts.append(f'<polyline points="{" ".join(f"{x(i):.1f},{_y(v, high):.1f}" for i, v in seen)}" '
                 f'class="series s0" fill="none"/>')
    ahead_line = " ".join(f"{x(first + i):.1f},{_y(p['value'], high):.1f}" for i, p in enumerate(ahead))
    parts.append(f'<polyline points="{ahead_line}" class="series s1 dashed" fill="none"/>')
    for i, p in enumerate(ahead):
        parts.append(f'<circle cx="{x(first + i):.1f}" cy="{_y(p["value"], high):.1f}" r="2.5" class="point s1">'
                     f'<title>{escape(str(labels[first + i]))}: {escape(_short(p["value"]))} {escape(unit)} '
                     f'(80%: {escape(_short(p["low_80"]))}-{escape(_short(p["high_80"]))}, 95%: '
                     f'{escape(_short(p["low_95"]))}-{escape(_short(p["high_95"]))})</title></circle>')
    key_x = LEFT
    for k, name in enumerate(("what happened", "forecast", "80% and 95% intervals")):
        css = f"key s{k}" if k < 2 else "key band80"
        parts.append(f'<rect x="{key_x}" y="6" width="12" height="12" class="{css}"/>'
                     f'<text x="{key_x + 16}" y="16" class="label">{escape(name)}</text>')
        key_x += 16 + 7 * len(name) + 18
    parts += _x_labels(labels, [x(i) for i in range(len(labels))])
    parts.append("</svg>")
    return "".join(parts)


def flows(moves: Sequence[dict[str, object]], order: Sequence[str], *, title: str, before: str, after: str) -> str:
    """A flow chart (a two-column Sankey) of how many moved from each stage ``was`` on the left
    to each stage ``now`` on the right (``moves``: was, now, customers); stages in ``order``
    first, any other after; a band's width is its count, and it says it on hover."""
    total = sum(int(m["customers"]) for m in moves) or 1  # type: ignore[call-overload]
    named = list(dict.fromkeys([*[s for s in order if any(s in (m["was"], m["now"]) for m in moves)],
                                *[str(m[k]) for m in moves for k in ("was", "now")]]))
    height, gap, top, left, right = 360, 6, 34, 190, WIDTH - 190  # room for a label at a phone's font size
    room = height - top - 10 - gap * len(named)
    scale = room / total

    def column(key: str) -> dict[str, float]:
        sizes = {s: sum(int(m["customers"]) for m in moves if m[key] == s) for s in named}  # type: ignore
        y, at = float(top), {}
        for s in named:
            if sizes[s]:
                at[s] = y
                y += sizes[s] * scale + gap
        return at

    was_at, now_at = column("was"), column("now")
    parts = [f'<svg class="chart flows" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}">',
             f'<title>{escape(title)}</title>',
             f'<text x="{left - 8}" y="16" class="label" text-anchor="end">{escape(before)}</text>',
             f'<text x="{right + 8}" y="16" class="label">{escape(after)}</text>']
    out_y, in_y = dict(was_at), dict(now_at)
    for m in sorted(moves, key=lambda m: (named.index(str(m["was"])), named.index(str(m["now"])))):
        w = int(m["customers"]) * scale  # type: ignore[call-overload]
        y0, y1 = out_y[str(m["was"])], in_y[str(m["now"])]
        out_y[str(m["was"])] += w
        in_y[str(m["now"])] += w
        mid = (left + right) / 2
        colour = named.index(str(m["now"])) % 7
        parts.append(f'<path class="flow f{colour}" d="M{left},{y0:.1f} C{mid},{y0:.1f} {mid},{y1:.1f} {right},{y1:.1f} '
                     f'L{right},{y1 + w:.1f} C{mid},{y1 + w:.1f} {mid},{y0 + w:.1f} {left},{y0 + w:.1f} Z">'
                     f'<title>{escape(str(m["was"]))} → {escape(str(m["now"]))}: {int(m["customers"]):,}</title></path>')
    for at, x, anchor in ((was_at, left - 8, "end"), (now_at, right + 8, "start")):
        side = "was" if at is was_at else "now"
        for s, y in at.items():
            n = sum(int(m["customers"]) for m in moves if m[side] == s)  # type: ignore[call-overload]
            parts.append(f'<rect x="{left - 4 if side == "was" else right}" y="{y:.1f}" width="4" '
                         f'height="{max(n * scale, 1):.1f}" class="bar"></rect>')
            parts.append(f'<text x="{x}" y="{y + n * scale / 2 + 4:.1f}" class="label" text-anchor="{anchor}">'
                         f'{escape(s)} {n:,}</text>')
    return "".join(parts) + "</svg>"
