"""Geometry for the insights charts, rendered as inline SVG by templates (diary/_charts.html).

Only numbers and labels are produced here; the templates escape the labels, and colours come from CSS classes
(the Content-Security-Policy allows no inline styles). Charts are drawn in a 360-unit-wide view box, so that on a
phone one unit is about one pixel and the text stays readable; on wider screens they scale up to a maximum width.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from attune.diary.stats import SkillEffect

WIDTH = 360
LABEL_WIDTH = 118
ROW = 28


@dataclass(frozen=True)
class Cell:
    x: float
    y: float
    width: float
    height: float
    value: int
    level: int  # 0-4, for the shading class

    @property
    def text_x(self) -> float:
        return self.x + self.width / 2

    @property
    def text_y(self) -> float:
        return self.y + self.height / 2 + 4


@dataclass(frozen=True)
class GridRow:
    label: str
    y: float
    cells: tuple[Cell, ...]
    total: int

    @property
    def text_y(self) -> float:
        return self.y + (ROW - 4) / 2 + 4


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    anchor: str = "middle"


def _fit(ticks: list[Tick]) -> list[Tick]:
    """Keep the last label inside the chart: it ends at the right edge instead of spilling over it."""
    if ticks and ticks[-1].x + 20 > WIDTH:
        ticks[-1] = Tick(WIDTH - 1, ticks[-1].label, "end")
    return ticks


@dataclass
class Grid:
    """Rows of labels against weeks, each cell shaded by its count and showing the number."""

    height: float
    rows: list[GridRow]
    ticks: list[Tick]
    weeks: list[datetime.date]
    width: int = WIDTH


def _level(value: int, peak: int) -> int:
    if value <= 0 or peak <= 0:
        return 0
    return min(4, 1 + (3 * value) // peak)


def grid(rows: list[tuple[str, list[int]]], weeks: list[datetime.date]) -> Grid:
    columns = max(1, len(weeks))
    cell_width = (WIDTH - LABEL_WIDTH) / columns
    peak = max((max(counts) for _label, counts in rows if counts), default=0)
    out = []
    for index, (label, counts) in enumerate(rows):
        y = 18 + index * ROW
        cells = tuple(
            Cell(LABEL_WIDTH + i * cell_width + 1, y, cell_width - 2, ROW - 4, value, _level(value, peak))
            for i, value in enumerate(counts)
        )
        out.append(GridRow(label, y, cells, sum(counts)))
    # Label every third week (and the last), so the dates do not collide on a phone.
    ticks = [
        Tick(LABEL_WIDTH + i * cell_width + cell_width / 2, f"{week.day} {week:%b}")
        for i, week in enumerate(weeks)
        if (len(weeks) - 1 - i) % 3 == 0
    ]
    return Grid(height=18 + len(rows) * ROW + 4, rows=out, ticks=_fit(ticks), weeks=weeks)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str

    @property
    def middle(self) -> float:
        return self.x + self.width / 2

    @property
    def value_y(self) -> float:
        return self.y - 3

    @property
    def text_y(self) -> float:
        return self.y + self.height / 2 + 4

    @property
    def end(self) -> float:
        return self.x + self.width + 4


@dataclass
class Bars:
    height: float
    baseline: float
    bars: list[Bar]
    ticks: list[Tick] = field(default_factory=list)
    width: int = WIDTH

    @property
    def tick_y(self) -> float:
        return self.baseline + 15


def weekly_bars(values: list[int], weeks: list[datetime.date], height: float = 150) -> Bars:
    baseline = height - 22
    room = baseline - 18
    peak = max(values, default=0) or 1
    slot = (WIDTH - 16) / max(1, len(values))
    bars = [
        Bar(
            x=8 + i * slot + slot * 0.15,
            y=baseline - room * value / peak,
            width=slot * 0.7,
            height=room * value / peak,
            value=value,
            label=f"{week.day} {week:%b}",
        )
        for i, (value, week) in enumerate(zip(values, weeks, strict=True))
    ]
    ticks = [Tick(b.x + b.width / 2, b.label) for i, b in enumerate(bars) if (len(bars) - 1 - i) % 3 == 0]
    return Bars(height=height, baseline=baseline, bars=bars, ticks=_fit(ticks))


def horizontal_bars(items: list[tuple[str, int]]) -> Bars:
    peak = max((v for _l, v in items), default=0) or 1
    room = WIDTH - LABEL_WIDTH - 36
    bars = [
        Bar(x=LABEL_WIDTH, y=6 + i * ROW, width=room * value / peak, height=ROW - 8, value=value, label=label)
        for i, (label, value) in enumerate(items)
    ]
    return Bars(height=8 + len(items) * ROW, baseline=0, bars=bars)


@dataclass(frozen=True)
class ForestRow:
    label: str
    y: float
    effect: SkillEffect
    x_mean: float = 0
    x_low: float = 0
    x_high: float = 0

    @property
    def y_mid(self) -> float:
        return self.y + 12

    @property
    def text_y(self) -> float:
        return self.y + 16


@dataclass
class Forest:
    """Mean drop in distress per skill with its 95% interval, on a shared scale with a line at zero."""

    height: float
    rows: list[ForestRow]
    x_zero: float
    ticks: list[Tick]
    width: int = WIDTH

    @property
    def axis_y(self) -> float:
        return self.height - 16

    @property
    def tick_y(self) -> float:
        return self.height - 3


def forest(effects: list[tuple[str, SkillEffect]]) -> Forest:
    shown = [(label, e) for label, e in effects if e.interval is not None]
    bounds = [0.0] + [v for _l, e in shown if e.interval for v in (e.interval.low, e.interval.high)]
    low, high = min(bounds), max(bounds)
    low, high = (low - 5, high + 5) if high > low else (-10.0, 10.0)
    left, right = LABEL_WIDTH + 6, WIDTH - 12

    def x(value: float) -> float:
        return left + (value - low) / (high - low) * (right - left)

    rows = []
    for i, (label, effect) in enumerate(shown):
        interval: Any = effect.interval
        rows.append(
            ForestRow(
                label, 10 + i * 34, effect, x(interval.mean), x(max(low, interval.low)), x(min(high, interval.high))
            )
        )
    step = 10 if high - low <= 60 else 20
    ticks = [
        Tick(x(v), f"{v:+d}" if v else "0") for v in range(int(low) // step * step, int(high) + 1, step) if low <= v
    ]
    return Forest(height=24 + len(rows) * 34, rows=rows, x_zero=x(0), ticks=ticks)
