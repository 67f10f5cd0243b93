"""Progress charts as server-rendered SVG: plain data in, an SVG string out. Framework-free.

The chart is drawn in a 360-unit-wide view box (about one unit per pixel on a phone; it scales up on wider
screens and prints crisply). Presentation uses SVG attributes and CSS classes only: the Content-Security-Policy
allows no style attributes. Every piece of text written into the SVG is escaped here, so the caller may insert
the result into a page as it is.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

WIDTH, HEIGHT = 360, 232
LEFT, RIGHT, TOP, BOTTOM = 36, 12, 14, 176  # the plot area
INK, MUTED, ACCENT, BAND, CUT = "#1f2a30", "#55626a", "#1d5c63", "#dcebeb", "#8a3b12"


@dataclass(frozen=True)
class ChartPoint:
    when: datetime.date
    value: float | None  # None: the response was not scored (too many items skipped)
    note: str = ""  # the missing-item rule when it applied, e.g. "prorated: 1 item skipped"

    @property
    def prorated(self) -> bool:
        return self.note.startswith("prorated")


@dataclass(frozen=True)
class Chart:
    title: str
    points: Sequence[ChartPoint]
    low: float
    high: float
    cutoff: float | None = None
    cutoff_label: str = "cut-off"
    band: tuple[float, float] | None = None  # scores in here are within reliable change of the baseline
    sessions: Sequence[datetime.date] = field(default_factory=tuple)
    description: str = ""
    ident: str = "chart"  # unique on the page: ids of the title and description derive from it
    for_client: bool = False  # the client's own chart: everyday words in its hover text too


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _day(when: datetime.date) -> str:
    return f"{when.day} {when:%b}"


def long_day(when: datetime.date) -> str:
    return f"{when.day} {when:%B %Y}"


class _Scale:
    def __init__(self, chart: Chart) -> None:
        dates = [p.when for p in chart.points]
        first, last = min(dates), max(dates)
        self.sessions = [d for d in chart.sessions if first - datetime.timedelta(days=7) <= d <= last]
        first = min([first, *self.sessions])
        span = max((last - first).days, 0)
        self.first, self.span = first, span
        self.low, self.high = chart.low, chart.high if chart.high > chart.low else chart.low + 1

    def x(self, when: datetime.date) -> float:
        if self.span == 0:
            return (LEFT + WIDTH - RIGHT) / 2
        inner = WIDTH - RIGHT - LEFT - 24
        return LEFT + 12 + inner * (when - self.first).days / self.span

    def y(self, value: float) -> float:
        value = min(max(value, self.low), self.high)
        return BOTTOM - (BOTTOM - TOP) * (value - self.low) / (self.high - self.low)


def ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round values for the y axis, about `count` steps from low to high."""
    raw = (high - low) / count if high > low else 1
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.ceil(low / step) * step
    values, value = [], start
    while value <= high + 1e-9:
        values.append(round(value, 6))
        value += step
    return values


def svg(chart: Chart) -> str:
    if not chart.points:
        raise ValueError("a chart needs at least one point")
    scale = _Scale(chart)
    title_id, desc_id = f"{chart.ident}-title", f"{chart.ident}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" class="chart" role="img" '
        f'aria-labelledby="{_e(title_id)} {_e(desc_id)}" font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="{_e(title_id)}">{_e(chart.title)}</title>',
        f'<desc id="{_e(desc_id)}">{_e(chart.description)}</desc>',
    ]
    parts += _band(chart, scale) + _axes(chart, scale) + _cutoff(chart, scale)
    parts += _sessions(scale) + _series(chart, scale)
    parts.append("</svg>")
    return "".join(parts)


def _band(chart: Chart, scale: _Scale) -> list[str]:
    if chart.band is None:
        return []
    top, bottom = scale.y(max(chart.band)), scale.y(min(chart.band))
    left, right = LEFT, WIDTH - RIGHT
    return [
        f'<g class="chart-band"><title>{_e(_band_words(chart))}: {_e(number(min(chart.band)))} to '
        f"{_e(number(max(chart.band)))}</title>",
        f'<rect x="{left}" y="{top:.1f}" width="{right - left}" height="{max(bottom - top, 0.5):.1f}" fill="{BAND}"/>',
        f'<line x1="{left}" y1="{top:.1f}" x2="{right}" y2="{top:.1f}" stroke="{ACCENT}" stroke-width="0.75" '
        'stroke-dasharray="2 3"/>',
        f'<line x1="{left}" y1="{bottom:.1f}" x2="{right}" y2="{bottom:.1f}" stroke="{ACCENT}" stroke-width="0.75" '
        'stroke-dasharray="2 3"/>',
        "</g>",
    ]


def _axes(chart: Chart, scale: _Scale) -> list[str]:
    parts = ['<g class="chart-axes">']
    for value in ticks(scale.low, scale.high):
        y = scale.y(value)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#e4e0d9" stroke-width="0.75"/>'
        )
        parts.append(
            f'<text x="{LEFT - 5}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">{_e(number(value))}</text>'
        )
    parts.append(f'<line x1="{LEFT}" y1="{BOTTOM}" x2="{WIDTH - RIGHT}" y2="{BOTTOM}" stroke="{MUTED}"/>')
    dates = sorted({p.when for p in chart.points})
    labelled = [dates[0], dates[-1]] if len(dates) > 1 else dates
    if len(dates) >= 3:
        labelled.insert(1, dates[len(dates) // 2])
    for index, when in enumerate(labelled):
        anchor = (
            "middle" if len(labelled) == 1 else ("start" if index == 0 else "end" if when == dates[-1] else "middle")
        )
        x = scale.x(when)
        parts.append(
            f'<text x="{x:.1f}" y="{BOTTOM + 34}" text-anchor="{anchor}" fill="{MUTED}">{_e(_day(when))}</text>'
        )
    parts.append("</g>")
    return parts


def _cutoff(chart: Chart, scale: _Scale) -> list[str]:
    if chart.cutoff is None or not scale.low <= chart.cutoff <= scale.high:
        return []
    y = scale.y(chart.cutoff)
    label = f"{chart.cutoff_label} {number(chart.cutoff)}"
    # The label sits at the left end, on the side of the line away from the first result, so they never overlap.
    first = next((p.value for p in chart.points if p.value is not None), None)
    below = first is not None and first >= chart.cutoff
    text_y = y + 13 if below else y - 5
    return [
        f'<g class="chart-cutoff"><title>{_e(label)}</title>',
        f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="{CUT}" stroke-width="1.5" '
        'stroke-dasharray="6 4"/>',
        f'<text x="{LEFT + 24}" y="{text_y:.1f}" text-anchor="start" fill="{CUT}">{_e(label)}</text>',
        "</g>",
    ]


def _sessions(scale: _Scale) -> list[str]:
    if not scale.sessions:
        return []
    parts = ['<g class="chart-sessions">']
    for when in scale.sessions:
        x = scale.x(when)
        tip = _e(f"Session, {long_day(when)}")
        parts.append(f'<path d="M{x:.1f} {BOTTOM + 6} l-5 9 h10 z" fill="{MUTED}"><title>{tip}</title></path>')
    parts.append("</g>")
    return parts


def _series(chart: Chart, scale: _Scale) -> list[str]:
    parts = ['<g class="chart-series">']
    segment: list[str] = []
    segments: list[list[str]] = []
    for point in chart.points:
        if point.value is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append(f"{scale.x(point.when):.1f},{scale.y(point.value):.1f}")
    if segment:
        segments.append(segment)
    for run in segments:
        if len(run) > 1:
            parts.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{ACCENT}" stroke-width="2"/>')
    label_all = len(chart.points) <= 12
    for index, point in enumerate(chart.points):
        parts.append(_marker(point, scale, label_all or index == len(chart.points) - 1, chart.for_client))
    parts.append("</g>")
    return parts


def _band_words(chart: Chart) -> str:
    if chart.for_client:
        return "Everyday ups and downs around your first result"
    return "Within reliable change of the baseline"


def _marker(point: ChartPoint, scale: _Scale, labelled: bool, for_client: bool = False) -> str:
    x = scale.x(point.when)
    if point.value is None:
        cross = BOTTOM - 6
        tip = f"{long_day(point.when)}: not scored" + (f" ({point.note})" if point.note else "")
        return (
            f'<g class="chart-unscored"><title>{_e(tip)}</title>'
            f'<path d="M{x - 4:.1f} {cross - 4:.1f} l8 8 m0 -8 l-8 8" stroke="{CUT}" stroke-width="2"/></g>'
        )
    y = scale.y(point.value)
    skipped = "worked out with a question skipped" if for_client else point.note
    tip = f"{long_day(point.when)}: {number(point.value)}" + (f" ({skipped})" if point.prorated else "")
    fill = "#ffffff" if point.prorated else ACCENT
    parts = [
        f'<g class="chart-point{" prorated" if point.prorated else ""}"><title>{_e(tip)}</title>',
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{fill}" stroke="{ACCENT}" stroke-width="2"/>',
    ]
    if labelled:
        text = number(point.value) + ("*" if point.prorated else "")
        parts.append(f'<text x="{x:.1f}" y="{y - 9:.1f}" text-anchor="middle" fill="{INK}">{_e(text)}</text>')
    parts.append("</g>")
    return "".join(parts)
