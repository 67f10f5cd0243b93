"""Charts as inline SVG, drawn on the server: no script, nothing to load, and every chart goes with a table of the
same numbers for people who do not read charts (and for screen readers). Pure functions: numbers in, geometry
out; the templates draw it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 420, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 14, 14, 30


# Colour and dash of each kind of line, as SVG presentation attributes: a PDF renderer reads these without the
# page's stylesheet. The dash differs too, so that colour is never the only cue.
STYLES = {
    "start": ("#5a7d9a", "2 4"),
    "peak": ("#b5502f", ""),
    "end": ("#1f6f64", "8 4"),
    "score": ("#1f6f64", ""),
}


@dataclass(frozen=True)
class Series:
    name: str
    css: str  # a class name the stylesheet colours (and dashes, so colour is never the only cue)
    points: str  # SVG polyline points
    dots: tuple[tuple[float, float], ...]

    @property
    def color(self) -> str:
        return STYLES.get(self.css, ("#1d2327", ""))[0]

    @property
    def dash(self) -> str:
        return STYLES.get(self.css, ("", ""))[1]


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    series: tuple[Series, ...]
    y_ticks: tuple[tuple[float, str], ...]  # (y, label)
    x_ticks: tuple[tuple[float, str, str], ...]  # (x, label, text-anchor: the ends stay inside the chart)
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int


def line_chart(
    lines: Sequence[tuple[str, str, Sequence[float | None]]],
    x_labels: Sequence[str],
    *,
    y_min: float = 0,
    y_max: float = 100,
    y_step: float = 25,
    max_labels: int = 8,
) -> Chart:
    """Lines over the same x positions. A None value leaves a gap in its line (the dot is left out)."""
    count = max(len(x_labels), 1)
    span_x = WIDTH - LEFT - RIGHT
    span_y = HEIGHT - TOP - BOTTOM

    def x_at(i: int) -> float:
        return LEFT + (span_x * i / (count - 1) if count > 1 else span_x / 2)

    def y_at(v: float) -> float:
        return TOP + span_y * (1 - (v - y_min) / ((y_max - y_min) or 1))

    series = []
    for name, css, values in lines:
        dots = tuple((round(x_at(i), 1), round(y_at(v), 1)) for i, v in enumerate(values) if v is not None)
        series.append(Series(name, css, " ".join(f"{x},{y}" for x, y in dots), dots))
    ticks = []
    value = y_min
    while value <= y_max + 1e-9:
        ticks.append((round(y_at(value), 1), f"{value:g}"))
        value += y_step
    # At most about `max_labels` labels along the bottom, so they never overlap.
    every = max(1, -(-count // max_labels))
    last = count - 1

    def anchor(i: int) -> str:
        return "start" if i == 0 and count > 1 else "end" if i == last and count > 1 else "middle"

    # Every `every`-th label and the last; one that would crowd the last is left out.
    x_ticks = tuple(
        (round(x_at(i), 1), label, anchor(i))
        for i, label in enumerate(x_labels)
        if (i % every == 0 and (i == last or last - i >= every * 0.6)) or i == last
    )
    return Chart(WIDTH, HEIGHT, tuple(series), tuple(ticks), x_ticks, LEFT, WIDTH - RIGHT, TOP, HEIGHT - BOTTOM)
