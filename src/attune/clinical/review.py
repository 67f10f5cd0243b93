"""The figures of a progress review, computed from the record as it stood on the review's date: goal attainment,
measure trajectories (the clinical version: every questionnaire, with reliable and clinically significant change;
the client's version: only the results her care team chose to show her, by their plain names, in words), practice
on the exposure ladder, and sessions attended. A fixed number of queries whatever the number of results."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from attune.care.records import record_of
from attune.clinical import charts, perms, queries
from attune.clinical.models import Appointment, AppointmentStatus, ProgressReview
from attune.core import disclosure, policy, timeline
from attune.core.policy import Access
from attune.measures import library, plain
from attune.measures.scoring.change import ChangeResult, change_spec, instrument_change
from attune.questionnaires.models import Response


@dataclass(frozen=True)
class MeasureLine:
    code: str
    title: str
    points: list[tuple[datetime.date, float]]
    change: ChangeResult | None
    lower_is_better: bool = True
    anchor: str = ""  # the chart's id in the page: the code for the care team, a neutral one in the client's version

    @property
    def first(self) -> float:
        return self.points[0][1]

    @property
    def latest(self) -> float:
        return self.points[-1][1]

    @property
    def latest_date(self) -> datetime.date:
        return self.points[-1][0]

    @property
    def difference(self) -> float | None:
        """Latest minus first; None with one result (nothing to compare)."""
        return self.latest - self.first if len(self.points) > 1 else None

    @property
    def direction(self) -> str:
        difference = self.difference or 0
        return "same" if difference == 0 else ("lower" if difference < 0 else "higher")

    @property
    def better(self) -> bool | None:
        """Whether the change is the way the instrument counts as better (None: no change)."""
        difference = self.difference or 0
        return None if difference == 0 else (difference < 0) == self.lower_is_better

    @property
    def reliable(self) -> bool:
        return self.change is not None and self.change.category != "no reliable change"

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


def _measures(access: Access, review: ProgressReview, *, for_client: bool = False) -> list[MeasureLine]:
    """Every questionnaire of the episode up to the review's date; for the client's version, only those her care
    team chose to show her (measures.plain.shown_to_client), titled by their plain names."""
    start = review.episode.opened
    end = datetime.datetime.combine(review.review_date, datetime.time.max, tzinfo=timezone.get_current_timezone())
    responses = Response.objects.all()
    if for_client:
        shown_codes = plain.shown_to_client(access.client_id)
        if not shown_codes:
            return []
        responses = responses.filter(instrument__in=shown_codes)
    rows = (
        policy.scoped(access, responses)
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
    lines: list[MeasureLine] = []
    for code, points in sorted(by_code.items()):
        try:
            change = instrument_change(code, points[0][1], points[-1][1]) if len(points) > 1 else None
        except ValueError:  # no published threshold for this instrument
            change = None
        instrument = library.load(code)
        title = plain.name(code, instrument.title) if for_client else instrument.title
        anchor = f"answers-{len(lines) + 1}" if for_client else code
        lines.append(MeasureLine(code, title, points, change, change_spec(instrument).lower_is_better, anchor))
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


def figures(access: Access, review: ProgressReview, *, clinical: bool, with_measures: bool = True) -> Figures:
    """The review's figures for one audience. `with_measures=False` leaves the results out (unread, unaudited) for
    a caller that does not show them (the API's client version)."""
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
    if with_measures:
        result.measures = _measures(access, review, for_client=not clinical)
    return result
