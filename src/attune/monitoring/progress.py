"""A client's progress on one instrument: the rows of the table, the change against the baseline, and the chart.

Built from completed responses (oldest first) and session dates; the words around the numbers live in the
templates, for the clinician and (in plainer words) for the client.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from attune.measures import library
from attune.monitoring import charts, rules


@dataclass(frozen=True)
class Row:
    response: Any
    when: datetime.date
    total: float | None
    note: str
    prorated: bool
    from_baseline: float | None  # total - baseline
    category: str  # against the baseline: "reliable improvement", "reliable deterioration", "no reliable change"
    is_baseline: bool
    session_before: datetime.date | None  # the last recorded session on or before this response
    # A critical item (PHQ-9 item 9) was skipped: its answer is not known, which is never "no risk".
    critical_unknown: bool = False


@dataclass(frozen=True)
class Summary:
    count: int
    baseline: Row | None
    latest: Row | None
    difference: float | None  # latest - baseline
    direction: str  # "lower", "higher", "same" or "" (nothing to compare)
    better: bool | None  # the change is in the direction the instrument counts as better
    reliable: bool
    in_range: bool | None  # the latest score is at or beyond the cut-off
    first_when: datetime.date | None = None
    last_when: datetime.date | None = None


@dataclass(frozen=True)
class Progress:
    instrument: library.Instrument
    rule: rules.ChangeRule
    rows: list[Row]
    summary: Summary
    band: tuple[float, float] | None
    sessions: list[datetime.date]
    chart: str  # SVG, or "" when the instrument has no total to draw


def _date(response: Any) -> datetime.date:
    return timezone.localdate(response.submitted)


def _rows(
    responses: Sequence[Any], rule: rules.ChangeRule, sessions: list[datetime.date], unknown: Collection[Any] = ()
) -> list[Row]:
    baseline = next((r for r in responses if r.total is not None), None)
    rows = []
    for response in responses:
        when = _date(response)
        difference = category = None
        if baseline is not None and response.total is not None:
            difference = response.total - baseline.total
            category = rules.category(baseline.total, response.total, rule)
        rows.append(
            Row(
                response=response,
                when=when,
                total=response.total,
                note=response.missing_rule,
                prorated=response.missing_rule.startswith("prorated"),
                from_baseline=difference,
                category=category or "",
                is_baseline=response is baseline,
                session_before=max((d for d in sessions if d <= when), default=None),
                critical_unknown=response.pk in unknown,
            )
        )
    return rows


def _summary(rows: list[Row], rule: rules.ChangeRule) -> Summary:
    scored = [r for r in rows if r.total is not None]
    baseline = scored[0] if scored else None
    latest = scored[-1] if scored else None
    in_range = rules.in_clinical_range(latest.total, rule) if latest and rule.cutoff is not None else None  # type: ignore[arg-type]
    dates = {"first_when": rows[0].when if rows else None, "last_when": rows[-1].when if rows else None}
    if baseline is None or latest is None or latest is baseline:
        return Summary(len(rows), baseline, latest, None, "", None, False, in_range, **dates)
    difference = float(latest.total) - float(baseline.total)  # type: ignore[arg-type]
    direction = "same" if difference == 0 else ("lower" if difference < 0 else "higher")
    better = None if difference == 0 else ((difference < 0) == rule.lower_is_better)
    reliable = latest.category != "no reliable change"
    return Summary(len(rows), baseline, latest, difference, direction, better, reliable, in_range, **dates)


def _range(instrument: library.Instrument, values: list[float]) -> tuple[float, float]:
    published = (instrument.scoring.get("total") or {}).get("range")
    if published:
        return float(published[0]), float(published[1])
    return (min(values, default=0.0), max(values, default=1.0))


def build(
    instrument: library.Instrument,
    responses: Sequence[Any],
    sessions: Sequence[datetime.date],
    *,
    for_client: bool = False,
    ident: str = "chart",
    unknown: Collection[Any] = (),
) -> Progress:
    """`unknown`: ids of the responses whose critical item was skipped (queries.critical_unknown)."""
    rule = rules.change_rule(instrument.scoring)
    session_list = sorted(sessions)
    rows = _rows(responses, rule, session_list, unknown)
    summary = _summary(rows, rule)
    band = rules.band_around(float(summary.baseline.total), rule) if summary.baseline else None  # type: ignore[arg-type]
    chart = ""
    if rows and instrument.scoring.get("total"):
        low, high = _range(instrument, [r.total for r in rows if r.total is not None])
        chart = charts.svg(
            charts.Chart(
                title=f"Your {short_title(instrument.title)} results over time"
                if for_client
                else f"{instrument.title} scores over time",
                points=[charts.ChartPoint(r.when, r.total, r.note) for r in rows],
                low=low,
                high=high,
                cutoff=None if for_client else rule.cutoff,
                band=band,
                sessions=session_list,
                description=_description(rows, rule, band, for_client),
                ident=ident,
                for_client=for_client,
            )
        )
    return Progress(instrument, rule, rows, summary, band, session_list, chart)


def short_title(title: str) -> str:
    """ "PTSD Checklist for DSM-5 (PCL-5)" -> "PCL-5": the questionnaire's short name, where it has one."""
    if title.endswith(")") and "(" in title:
        return title[title.rindex("(") + 1 : -1]
    return title


def _description(rows: list[Row], rule: rules.ChangeRule, band: Any, for_client: bool) -> str:
    first, last = charts.long_day(rows[0].when), charts.long_day(rows[-1].when)
    parts = [f"{len(rows)} result{'s' if len(rows) != 1 else ''}, from {first} to {last}."]
    if band is not None:
        parts.append("The shaded area shows changes too small to tell apart from everyday ups and downs.")
    if rule.cutoff is not None and not for_client:
        parts.append(f"The dashed line marks the cut-off of {charts.number(rule.cutoff)}.")
    parts.append("The table beside the chart gives every value.")
    return " ".join(parts)


@dataclass(frozen=True)
class ItemRow:
    number: int
    text: str
    before: float | None
    before_label: str
    after: float | None
    after_label: str
    change: float | None
    moved: bool
    large: bool  # moved by 2 points or more


def _label(item: dict[str, Any], answer: Any) -> tuple[float | None, str]:
    if answer is None:
        return None, "not asked"
    if answer.skipped:
        return None, "preferred not to answer"
    display = next((d for o, d, _c in item["options"] if o == answer.value), "")
    return answer.value, display


def compare_items(instrument: library.Instrument, before: Any, after: Any) -> list[ItemRow]:
    """Item by item, the answers of two administrations and which moved."""
    first = {a.link_id: a for a in before.answers.all()}
    second = {a.link_id: a for a in after.answers.all()}
    rows = []
    for number, item in enumerate(instrument.items, start=1):
        if not item.get("scored"):
            continue
        a_value, a_label = _label(item, first.get(item["linkId"]))
        b_value, b_label = _label(item, second.get(item["linkId"]))
        change = b_value - a_value if a_value is not None and b_value is not None else None
        text = item["text"] or f"Item {number}"
        large = change is not None and abs(change) >= 2
        rows.append(ItemRow(number, text, a_value, a_label, b_value, b_label, change, bool(change), large))
    return rows
