"""The progress chart: well-formed SVG with the cut-off line, the reliable-change band, session markers, the
missing-item rule, and escaped text; no style attributes (the CSP allows none)."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest

from attune.monitoring import charts

SVG = "{http://www.w3.org/2000/svg}"
D = datetime.date(2025, 3, 3)


def chart(**overrides: object) -> charts.Chart:
    values = {
        "title": "PCL-5 scores over time",
        "points": [
            charts.ChartPoint(D, 48),
            charts.ChartPoint(D + datetime.timedelta(days=14), 42, "prorated: 1 item skipped"),
            charts.ChartPoint(D + datetime.timedelta(days=28), None, "not scored: too many items skipped"),
            charts.ChartPoint(D + datetime.timedelta(days=42), 31),
        ],
        "low": 0,
        "high": 80,
        "cutoff": 33,
        "band": (43, 53),
        "sessions": [D, D + datetime.timedelta(days=7), D + datetime.timedelta(days=35)],
        "description": "Four results.",
        "ident": "c1",
    }
    values.update(overrides)
    return charts.Chart(**values)  # type: ignore[arg-type]


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 - our own output, parsed to check it is well-formed


def test_the_svg_parses_and_is_labelled() -> None:
    root = parse(charts.svg(chart()))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").text == "PCL-5 scores over time"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == "Four results."  # type: ignore[union-attr]


def test_it_has_the_cutoff_line_and_the_band() -> None:
    root = parse(charts.svg(chart()))
    cutoff = root.find(f".//{SVG}g[@class='chart-cutoff']")
    assert cutoff is not None and cutoff.find(f"{SVG}line") is not None
    assert "cut-off 33" in "".join(cutoff.itertext())
    band = root.find(f".//{SVG}g[@class='chart-band']")
    assert band is not None
    rect = band.find(f"{SVG}rect")
    assert rect is not None and float(rect.get("height", "0")) > 0
    assert "43 to 53" in "".join(band.itertext())
    # The band sits around the baseline: its top is higher on the page than its bottom.
    line_y = float(cutoff.find(f"{SVG}line").get("y1", "0"))  # type: ignore[union-attr]
    assert float(rect.get("y", "0")) + float(rect.get("height", "0")) < line_y


def test_session_markers_and_the_missing_item_rule_are_shown() -> None:
    root = parse(charts.svg(chart()))
    sessions = root.findall(f".//{SVG}g[@class='chart-sessions']/{SVG}path")
    assert len(sessions) == 3
    text = "".join(root.itertext())
    assert "prorated: 1 item skipped" in text and "42*" in text
    assert "not scored" in text
    assert root.find(f".//{SVG}g[@class='chart-point prorated']") is not None
    assert root.find(f".//{SVG}g[@class='chart-unscored']") is not None
    # The line breaks at the unscored result: two runs, one of two points and one of a single point.
    assert len(root.findall(f".//{SVG}polyline")) == 1


def test_text_is_escaped() -> None:
    evil = '<img src=x onerror=alert(1)> & "quoted"'
    markup = charts.svg(chart(title=evil, description=evil, ident='x" onload="alert(1)'))
    assert "<img" not in markup and 'onload="' not in markup
    root = parse(markup)
    assert root.find(f"{SVG}title").text == evil  # type: ignore[union-attr]


def test_no_style_attributes_or_scripts() -> None:
    markup = charts.svg(chart())
    assert "style=" not in markup and "<style" not in markup and "<script" not in markup


def test_a_single_point_and_no_band_or_cutoff() -> None:
    root = parse(charts.svg(chart(points=[charts.ChartPoint(D, 12)], cutoff=None, band=None, sessions=[])))
    assert root.find(f".//{SVG}g[@class='chart-cutoff']") is None
    assert root.find(f".//{SVG}g[@class='chart-band']") is None
    assert len(root.findall(f".//{SVG}circle")) == 1


def test_a_chart_needs_a_point() -> None:
    with pytest.raises(ValueError, match="at least one point"):
        charts.svg(chart(points=[]))


def test_ticks_are_round_numbers() -> None:
    assert charts.ticks(0, 80) == [0, 20, 40, 60, 80]
    assert charts.ticks(0, 27) == [0, 10, 20]
    assert charts.ticks(1, 5) == [1, 2, 3, 4, 5]
