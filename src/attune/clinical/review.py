"""The figures of a progress review, computed from the record as it stood on the review's date: goal attainment,
measure trajectories with reliable and clinically significant change (clinical version only), practice on the
exposure ladder, and sessions attended. A fixed number of queries whatever the number of results."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from attune.care.records import record_of
from attune.clinical import charts, perms, queries
from attune.clinical.models import Appointment, AppointmentStatus, ProgressReview
from attune.core import disclosure, policy, timeline
from attune.core.policy import Access
from attune.measures import library
from attune.measures.scoring.change import ChangeResult, instrument_change
from attune.questionnaires.models import Response


@dataclass(frozen=True)
class MeasureLine:
    code: str
    title: str
    points: list[tuple[datetime.date, float]]
    change: ChangeResult | None

    @property
    def first(self) -> float:
        return self.points[0][1]

    @property
    def latest(self) -> float:
        return self.points[-1][1]

    def by_month(self) -> list[tuple[str, str]]:
        """The chart's numbers a month to a row ("January 2026", "6 Jan: 18; 13 Jan: 17; ..."): the printed
        review's table, a dozen rows for a year of weekly results rather than fifty-two."""
        months: dict[tuple[int, int], list[str]] = {}
        for day, value in self.points:
            months.setdefault((day.year, day.month), []).append(f"{day:%-d %b}: {value:g}")
        return [(datetime.date(y, m, 1).strftime("%B %Y"), "; ".join(v)) for (y, m), v in months.items()]

    def chart(self) -> charts.Chart:
        top = max(max(v for _, v in self.points), 1)
        step = 10 if top > 40 else 5
        ceiling = step * -(-top // step)
        labels = [d.strftime("%-d %b") for d, _ in self.points]
        ticks = step if ceiling / step <= 6 else step * 2
        # Six dates along the bottom: each text in a chart is drawn on its own (in the PDF too), and the table
        # under the chart has every date.
        return charts.line_chart([(self.title, "score", [v for _, v in self.points])], labels, y_max=ceiling,
                                 y_step=ticks, max_labels=6)  # fmt: skip


@dataclass
class Figures:
    attainment: queries.Attainment
    cards: list[queries.GoalCard]
    measures: list[MeasureLine] = field(default_factory=list)
    ladder: list[queries.Ladder] = field(default_factory=list)
    sessions: dict[str, int] = field(default_factory=dict)
    # Alerts raised (or resolved) in the episode up to the review's date, and how each was resolved: lines from
    # the kernel's timeline (monitoring registers them), with plain words for the client's version.
    alerts: list[timeline.Item] = field(default_factory=list)
    # What the client chose to share, in their own words, from every capability that keeps a sharing choice
    # (the privacy centre's switches, the diary's default, the safety plan): core.disclosure.decisions.
    sharing: list[disclosure.Decision] = field(default_factory=list)


def _measures(access: Access, review: ProgressReview) -> list[MeasureLine]:
    start = review.episode.opened
    end = datetime.datetime.combine(review.review_date, datetime.time.max, tzinfo=timezone.get_current_timezone())
    rows = (
        policy.scoped(access, Response.objects.all())
        .filter(
            status=Response.Status.COMPLETED,
            scored=True,
            total__isnull=False,
            submitted__date__gte=start,
            submitted__lte=end,
        )
        .order_by("submitted")
        .values_list("pk", "instrument", "submitted", "total")
    )
    by_code: dict[str, list[tuple[datetime.date, float]]] = {}
    shown = []
    for pk, code, submitted, total in rows:
        if total is None or submitted is None:  # excluded by the filter; here for the type checker
            continue
        by_code.setdefault(code, []).append((timezone.localtime(submitted).date(), float(total)))
        shown.append(pk)
    access.shown("QuestionnaireResponse", shown, perms.VIEW_REVIEWS)
    lines = []
    for code, points in sorted(by_code.items()):
        try:
            change = instrument_change(code, points[0][1], points[-1][1]) if len(points) > 1 else None
        except ValueError:  # no published threshold for this instrument
            change = None
        lines.append(MeasureLine(code, library.load(code).title, points, change))
    return lines


def _sessions(access: Access, review: ProgressReview) -> dict[str, int]:
    start = review.episode.opened
    rows = policy.scoped(access, Appointment.objects.all()).filter(
        starts_at__date__gte=start, starts_at__date__lte=review.review_date
    )
    counts = {status: 0 for status in AppointmentStatus.values}
    for status in rows.values_list("status", flat=True):
        counts[status] += 1
    return counts


def figures(access: Access, review: ProgressReview, *, clinical: bool) -> Figures:
    plan = queries.current_plan(access)
    cards = queries.goal_cards(access, plan) if plan is not None else []
    attainment = queries.attainment(cards, queries.gas_rho(record_of(access).practice_id))
    result = Figures(attainment=attainment, cards=[c for c in cards if c.goal.is_active])
    result.ladder = [step for step in queries.ladder(access) if step.practices]
    result.sessions = _sessions(access, review)
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(review.episode.opened, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(review.review_date + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    result.alerts = [a for a in timeline.between(access, start, end, headings={"Alerts"}) if clinical or a.plain]
    result.sharing = disclosure.decisions(access)
    if clinical:
        result.measures = _measures(access, review)
    return result
