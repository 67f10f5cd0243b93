"""The printed review's charts and tables, kept light for the PDF: a year of weekly results is a dozen table rows
(a month to a row, every number still there), at most about six dates along the bottom, and a label never printed
over the last one."""

from __future__ import annotations

import datetime
import itertools

from attune.clinical import charts
from attune.clinical.review import MeasureLine


def _weekly(weeks: int) -> MeasureLine:
    start = datetime.date(2026, 1, 5)
    points = [(start + datetime.timedelta(weeks=n), float(40 - n // 2)) for n in range(weeks)]
    return MeasureLine("pcl5", "PTSD Checklist", points, None)


def test_a_year_of_weekly_results_is_a_row_a_month_with_every_number() -> None:
    line = _weekly(52)
    rows = line.by_month()
    assert len(rows) == 12 and rows[0][0] == "January 2026"
    assert rows[0][1] == "5 Jan: 40; 12 Jan: 40; 19 Jan: 39; 26 Jan: 39"
    assert sum(len(values.split("; ")) for _, values in rows) == 52


def test_at_most_six_dates_and_none_crowding_the_last() -> None:
    chart = _weekly(52).chart()
    xs = [x for x, _, _ in chart.x_ticks]
    assert len(xs) <= 7 and chart.x_ticks[-1][1] == "28 Dec"
    # Eight labels a chart (the default) over 52 weeks: every seventh, and the one two weeks before the last is
    # left out rather than printed over it.
    wide = charts.line_chart([("a", "score", list(range(52)))], [f"w{n}" for n in range(52)])
    xs = [x for x, _, _ in wide.x_ticks]
    gaps = [b - a for a, b in itertools.pairwise(xs)]
    assert [label for _, label, _ in wide.x_ticks][-2:] == ["w42", "w51"]
    assert min(gaps) >= 0.6 * max(gaps)


def test_a_short_chart_labels_every_point() -> None:
    chart = charts.line_chart([("a", "score", [1, 2, 3])], ["1 Jan", "8 Jan", "15 Jan"], max_labels=6)
    assert [label for _, label, _ in chart.x_ticks] == ["1 Jan", "8 Jan", "15 Jan"]
