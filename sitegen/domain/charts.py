"""Charts: small, dependency-free SVG built from numbers at build time.

Pure functions: numbers and already-formatted labels in, an SVG string out. Every chart is
deterministic (fixed number formatting, element ids derived from the caller's `ident`),
escapes all text, scales with its container (viewBox, width 100%) and carries `role="img"`
with a `<title>` and `<desc>` for screen readers. Colours are presentation attributes the
theme's CSS may override (dark mode, print); meaning never rests on colour alone.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

_IDENT = re.compile(r"^[a-z][a-z0-9-]*$")

# Province tiles: code -> (column, row, short label), rough geography on a 7 × 8 grid.
GRID: dict[str, tuple[int, int, str]] = {
    "230000": (6, 0, "黑龙江"),
    "150000": (3, 1, "内蒙古"), "110000": (4, 1, "北京"), "210000": (5, 1, "辽宁"), "220000": (6, 1, "吉林"),
    "650000": (0, 2, "新疆"), "620000": (1, 2, "甘肃"), "640000": (2, 2, "宁夏"), "140000": (3, 2, "山西"),
    "130000": (4, 2, "河北"), "120000": (5, 2, "天津"),
    "630000": (1, 3, "青海"), "610000": (2, 3, "陕西"), "410000": (3, 3, "河南"), "370000": (4, 3, "山东"),
    "320000": (5, 3, "江苏"), "310000": (6, 3, "上海"),
    "540000": (0, 4, "西藏"), "510000": (1, 4, "四川"), "500000": (2, 4, "重庆"), "420000": (3, 4, "湖北"),
    "340000": (4, 4, "安徽"), "330000": (5, 4, "浙江"),
    "530000": (1, 5, "云南"), "520000": (2, 5, "贵州"), "430000": (3, 5, "湖南"), "360000": (4, 5, "江西"),
    "350000": (5, 5, "福建"),
    "450000": (2, 6, "广西"), "440000": (3, 6, "广东"),
    "460000": (3, 7, "海南"),
}  # fmt: skip

# Single-hue sequential ramp, light to dark: lightness alone tells the steps apart.
RAMP = ("#fde3e6", "#f9bcc4", "#f1909e", "#e35d74", "#c8102e", "#960b22", "#5e0615")
EMPTY_FILL, EMPTY_EDGE = "#f5f6f7", "#8a9099"
INK_DARK, INK_LIGHT = "#1f2328", "#ffffff"


@dataclass(frozen=True)
class Marker:
    """A milestone drawn on a line chart: a target `rate` to reach by `day`."""

    day: date
    rate: float
    label: str


@dataclass(frozen=True)
class Bin:
    """One class of a colour scale: rates in [low, high), or exactly `low` when low == high."""

    low: float
    high: float
    label: str
    fill: str
    ink: str  # text colour readable on `fill`

    @property
    def empty(self) -> bool:
        return self.high == 0


@dataclass(frozen=True)
class Tile:
    code: str  # province code, a key of GRID
    rate: float
    text: str  # the rate as shown, e.g. "21.1%"
    title: str  # tooltip, e.g. "浙江省：19 / 90 个县级单位"


# --- helpers ----------------------------------------------------------------------------------


def num(value: float) -> str:
    """A coordinate with at most one decimal, never "-0" (deterministic output)."""
    text = f"{value:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def percent_label(rate: float) -> str:
    """A threshold as a short label: 0.5 -> "50%", 0.125 -> "12.5%"."""
    return f"{round(rate * 1000) / 10:g}%"


def _svg(ident: str, kind: str, width: int, height: int, title: str, desc: str, body: Iterable[str]) -> str:
    if not _IDENT.match(ident):
        raise ValueError(f"chart ident must match {_IDENT.pattern}: {ident!r}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {kind}" viewBox="0 0 {width} {height}"'
        f' width="100%" role="img" aria-labelledby="{ident}-title {ident}-desc">'
        f'<title id="{ident}-title">{escape(title)}</title><desc id="{ident}-desc">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _text(x: float, y: float, text: str, cls: str, anchor: str = "start", size: int = 13, fill: str = INK_DARK) -> str:
    return (
        f'<text class="{cls}" x="{num(x)}" y="{num(y)}" text-anchor="{anchor}" font-size="{size}"'
        f' fill="{fill}">{escape(text)}</text>'
    )


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _ink(fill: str) -> str:
    return INK_DARK if contrast(fill, INK_DARK) >= contrast(fill, INK_LIGHT) else INK_LIGHT


# --- line chart of coverage over time ---------------------------------------------------------

LINE_W, LINE_H = 400, 250
_L, _R, _T, _B = 40, 14, 14, 30  # plot margins


def time_domain(first: date, milestones: Sequence[date], now: date, history_years: int = 5) -> tuple[date, date]:
    """X range of a coverage chart: from January 1 of the first data year (but at most
    `history_years` before the first milestone) to the later of now and the last milestone."""
    year = first.year
    if milestones:
        year = max(min(year, milestones[0].year), milestones[0].year - history_years)
    start = date(min(year, now.year), 1, 1)
    end = max([now, *milestones])
    return start, end


def line_chart(
    ident: str,
    points: Sequence[tuple[date, float]],
    markers: Sequence[Marker],
    *,
    start: date,
    end: date,
    now: date,
    now_label: str,
    title: str,
    desc: str,
) -> str:
    """A step line of a rate (0–1) over time, with milestone targets as dashed guides and
    diamonds. `points` are (day, rate after that day); the line runs from `start` to `now`."""
    pw, ph = LINE_W - _L - _R, LINE_H - _T - _B
    span = max((end - start).days, 1)

    def x(day: date) -> float:
        return _L + pw * min(max((day - start).days, 0), span) / span

    def y(rate: float) -> float:
        return _T + ph * (1 - min(max(rate, 0.0), 1.0))

    body: list[str] = []
    for pct in (0, 25, 50, 75, 100):
        yy = y(pct / 100)
        body.append(f'<line class="chart-grid" x1="{_L}" x2="{_L + pw}" y1="{num(yy)}" y2="{num(yy)}" stroke="#d9dce0"/>')
        body.append(_text(_L - 6, yy + 4, f"{pct}%", "chart-axis", "end", 12))
    first_year = start.year if start == date(start.year, 1, 1) else start.year + 1
    years = list(range(first_year, end.year + 1))
    step = max(1, math.ceil(len(years) / 8))
    for i, year in enumerate(years):
        xx = x(date(year, 1, 1))
        body.append(f'<line class="chart-tick" x1="{num(xx)}" x2="{num(xx)}" y1="{_T + ph}" y2="{_T + ph + 5}" stroke="#8a9099"/>')
        if i % step == 0:
            body.append(_text(xx, _T + ph + 19, str(year), "chart-axis", "middle", 12))
    for marker in markers:
        xx, yy = x(marker.day), y(marker.rate)
        body.append(
            f'<line class="chart-milestone" x1="{num(xx)}" x2="{num(xx)}" y1="{_T}" y2="{_T + ph}"'
            ' stroke="#8a9099" stroke-dasharray="4 3"/>'
        )
        body.append(
            f'<path class="chart-target" d="M{num(xx - 6)} {num(yy)}L{num(xx)} {num(yy - 6)}'
            f'L{num(xx + 6)} {num(yy)}L{num(xx)} {num(yy + 6)}Z" fill="#ffffff" stroke="#1f2328" stroke-width="2"/>'
        )
        body.append(_text(xx - 10, yy + 4 if yy > _T + 8 else yy + 16, marker.label, "chart-label", "end", 13))
    ordered = sorted(points)
    value = next((r for d, r in reversed(ordered) if d <= start), 0.0)
    path = [f"M{num(x(start))} {num(y(value))}"]
    for day, rate in ordered:
        if start < day <= now and rate != value:
            path.append(f"H{num(x(day))}V{num(y(rate))}")
            value = rate
    path.append(f"H{num(x(now))}")
    body.append(f'<path class="chart-line" d="{"".join(path)}" fill="none" stroke="#c8102e" stroke-width="2.5" stroke-linejoin="round"/>')
    nx, ny = x(now), y(value)
    body.append(f'<circle class="chart-now" cx="{num(nx)}" cy="{num(ny)}" r="4" fill="#c8102e"/>')
    label_y = ny - 9 if ny > _T + 20 else ny + 20
    body.append(_text(nx - 2, label_y, now_label, "chart-label chart-now-label", "end", 13))
    return _svg(ident, "chart-line-chart", LINE_W, LINE_H, title, desc, body)


# --- small bar: today's rate against the targets ---------------------------------------------

BAR_W, BAR_H = 100, 16


def rate_bar(ident: str, rate: float, targets: Sequence[float], *, title: str, desc: str) -> str:
    """A bar filled to `rate` (0–1) with a tick at every target rate."""
    rate = min(max(rate, 0.0), 1.0)
    body = [
        f'<rect class="chart-track" x="0" y="4" width="{BAR_W}" height="8" fill="#eef0f2" stroke="#8a9099" stroke-width="0.5"/>',
        f'<rect class="chart-fill" x="0" y="4" width="{num(BAR_W * rate)}" height="8" fill="#c8102e"/>',
    ]
    for target in targets:
        xx = min(max(BAR_W * target, 1), BAR_W - 1)
        body.append(f'<line class="chart-target-tick" x1="{num(xx)}" x2="{num(xx)}" y1="1" y2="15" stroke="#1f2328" stroke-width="1.5"/>')
    return _svg(ident, "chart-bar", BAR_W, BAR_H, title, desc, body)


# --- colour scale and province tile map ------------------------------------------------------


def coverage_scale(thresholds: Iterable[float]) -> tuple[Bin, ...]:
    """Classes for a tile map: "0%" (no coverage), then one class per interval between the
    target rates, then "100%"; coloured by evenly spaced steps of RAMP."""
    edges = sorted({t for t in thresholds if 0 < t < 1})
    bounds = [0.0, *edges, 1.0]
    intervals = list(zip(bounds, bounds[1:], strict=False))
    steps = len(intervals) + 1
    colours = [RAMP[round(i * (len(RAMP) - 1) / max(steps - 1, 1))] for i in range(steps)]
    bins = [Bin(0.0, 0.0, "0%", EMPTY_FILL, INK_DARK)]
    for i, (low, high) in enumerate(intervals):
        label = f"低于 {percent_label(high)}" if low == 0 else f"{percent_label(low)}–{percent_label(high)}"
        bins.append(Bin(low, high, label, colours[i], _ink(colours[i])))
    bins.append(Bin(1.0, 1.0, "100%", colours[-1], _ink(colours[-1])))
    return tuple(bins)


def bin_of(scale: Sequence[Bin], rate: float) -> Bin:
    if rate <= 0:
        return scale[0]
    if rate >= 1:
        return scale[-1]
    return next(b for b in scale[1:-1] if b.low <= rate < b.high)


TILE, GAP = 48, 4
LEGEND_ROW = 17


def legend(scale: Sequence[Bin], x: float, y: float, heading: str) -> str:
    """A vertical legend: heading, then a swatch and label per class."""
    parts = [f'<g class="chart-legend">{_text(x, y + 12, heading, "chart-text", "start", 13)}']
    for i, item in enumerate(scale):
        top = y + 20 + i * LEGEND_ROW
        dash = f' stroke="{EMPTY_EDGE}" stroke-dasharray="3 2"' if item.empty else ""
        parts.append(f'<rect x="{num(x)}" y="{num(top)}" width="14" height="12" fill="{item.fill}"{dash}/>')
        parts.append(_text(x + 20, top + 11, item.label, "chart-text", "start", 12))
    parts.append("</g>")
    return "".join(parts)


def tile_map(ident: str, tiles: Sequence[Tile], scale: Sequence[Bin], *, title: str, desc: str, heading: str) -> str:
    """One square per province in its rough place (GRID), coloured by `scale`, labelled with
    its short name and rate; the legend sits in the empty north-west corner."""
    cols = 1 + max(c for c, _, _ in GRID.values())
    rows = 1 + max(r for _, r, _ in GRID.values())
    cell = TILE + GAP
    body = [legend(scale, 2, 2, heading)]
    for tile in sorted(tiles, key=lambda t: t.code):
        col, row, label = GRID[tile.code]
        item = bin_of(scale, tile.rate)
        x, y = col * cell + GAP / 2, row * cell + GAP / 2
        edge = f' stroke="{EMPTY_EDGE}" stroke-dasharray="3 2"' if item.empty else ""
        body.append(
            f'<g class="chart-tile" data-region="{escape(tile.code)}"><title>{escape(tile.title)}</title>'
            f'<rect x="{num(x)}" y="{num(y)}" width="{TILE}" height="{TILE}" rx="3" fill="{item.fill}"{edge}/>'
            + _text(x + TILE / 2, y + 20, label, "chart-tile-name", "middle", 13, item.ink)
            + _text(x + TILE / 2, y + 38, tile.text, "chart-tile-rate", "middle", 12, item.ink)
            + "</g>"
        )
    return _svg(ident, "chart-tile-map", cols * cell, rows * cell, title, desc, body)
