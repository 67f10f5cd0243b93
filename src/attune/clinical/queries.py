"""Reads of the clinical record for pages and the API, starting from the policy's access objects. Lists audit
the rows they show with access.shown()."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone

from attune.clinical import charts, inputs, perms
from attune.clinical.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    ClinicalSettings,
    ExposureHomework,
    ExposurePractice,
    ExposureSituation,
    Goal,
    GoalRating,
    GoalRevision,
    GoalStatus,
    NoteAddendum,
    PlanRevision,
    SessionNote,
    TreatmentPlan,
)
from attune.core import policy, sessions
from attune.core.policy import Access
from attune.measures.scoring.change import gas_t_score
from attune.skills import journal
from attune.skills.perms import VIEW_DIARY

NOTES_PER_PAGE = 20


def notes(access: Access) -> QuerySet[SessionNote]:
    return policy.scoped(access, SessionNote.objects.all())


def note_page(access: Access, number: int | str | None) -> Page[SessionNote]:
    """One page of the client's notes, newest session first; every note listed is audited as read."""
    qs = notes(access).select_related("author", "signed_by")
    page = Paginator(qs, NOTES_PER_PAGE).get_page(number)
    access.shown("SessionNote", [n.pk for n in page.object_list], perms.VIEW_NOTES)
    return page


def addenda(access: Access, note: SessionNote) -> list[NoteAddendum]:
    """A note's addenda, oldest first, each audited as read with the note."""
    rows = list(policy.scoped(access, NoteAddendum.objects.all()).filter(note=note).select_related("author"))
    access.shown("NoteAddendum", [a.pk for a in rows], perms.VIEW_NOTES)
    return rows


def fresh(access: Access, note: SessionNote) -> SessionNote:
    """The note as saved now (after a conflict, to show beside what the writer typed)."""
    return notes(access).get(pk=note.pk)


# --- treatment plans and goals ---------------------------------------------------------------------------


def plans(access: Access) -> QuerySet[TreatmentPlan]:
    return policy.scoped(access, TreatmentPlan.objects.all())


def goals(access: Access) -> QuerySet[Goal]:
    return policy.scoped(access, Goal.objects.all())


def current_plan(access: Access) -> TreatmentPlan | None:
    """The plan of the open episode, or else of the latest episode; audited as read."""
    open_plan = plans(access).filter(episode__closed__isnull=True).select_related("episode").first()
    plan = open_plan or plans(access).select_related("episode").order_by("-episode__opened").first()
    if plan is not None:
        access.shown("TreatmentPlan", [plan.pk], perms.VIEW_PLAN)
    return plan


def linked_scripts(access: Access, plan: TreatmentPlan) -> list[journal.Ref]:
    """The scripts on the client's map linked to the plan's formulation, by the client's names for them, as this
    caller may see them (the map is the diary's: nothing when the client keeps the diary from this clinician);
    audited as read."""
    if not plan.script_ids or not access.can(VIEW_DIARY):
        return []
    wanted = [str(pk) for pk in plan.script_ids]
    found = {str(ref.id): ref for ref in journal.scripts(access)}
    refs = [found[pk] for pk in wanted if pk in found]
    access.shown("RelationshipScript", [ref.id for ref in refs], VIEW_DIARY)
    return refs


def map_scripts(access: Access) -> list[journal.Ref]:
    """The scripts on the client's map this clinician could link (none if the diary is kept from them)."""
    return journal.scripts(access) if access.can(VIEW_DIARY) else []


@dataclass(frozen=True)
class GoalCard:
    goal: Goal
    team: GoalRating | None  # the care team's latest rating: the scale's score
    own: GoalRating | None  # the client's latest view of their progress


def goal_cards(access: Access, plan: TreatmentPlan) -> list[GoalCard]:
    """The plan's goals (active first) with their latest ratings, in two queries whatever their number."""
    rows = list(goals(access).filter(plan=plan).order_by("-status", "position", "created"))
    latest: dict[tuple[object, bool], GoalRating] = {}
    ratings = policy.scoped(access, GoalRating.objects.all()).filter(goal__in=rows).order_by("rated_at")
    for rating in ratings:
        latest[(rating.goal_id, rating.by_client)] = rating
    access.shown("Goal", [g.pk for g in rows], perms.VIEW_PLAN)
    return [GoalCard(g, latest.get((g.pk, False)), latest.get((g.pk, True))) for g in rows]


def gas_rho(practice_id: int) -> float:
    value = ClinicalSettings.objects.filter(practice_id=practice_id).values_list("gas_rho", flat=True).first()
    return float(value) if value is not None else inputs.DEFAULT_RHO


@dataclass(frozen=True)
class Attainment:
    """The Goal Attainment Scaling T-score of the active goals the care team has rated (None before any)."""

    t_score: float | None
    rated: int
    active: int
    rho: float

    @property
    def complete(self) -> bool:
        return self.rated == self.active and self.active > 0


def attainment(cards: list[GoalCard], rho: float) -> Attainment:
    rated = [c for c in cards if c.goal.status == GoalStatus.ACTIVE and c.team is not None]
    active = sum(1 for c in cards if c.goal.status == GoalStatus.ACTIVE)
    if not rated:
        return Attainment(None, 0, active, rho)
    score = gas_t_score([c.team.score for c in rated if c.team], [c.goal.weight for c in rated], rho=rho)
    return Attainment(score, len(rated), active, rho)


def goal_history(access: Access, goal: Goal) -> list[GoalRevision]:
    rows = list(policy.scoped(access, GoalRevision.objects.all()).filter(goal=goal).select_related("saved_by"))
    access.shown("GoalRevision", [r.pk for r in rows], perms.VIEW_PLAN)
    return rows


def goal_ratings(access: Access, goal: Goal) -> list[GoalRating]:
    rows = list(policy.scoped(access, GoalRating.objects.all()).filter(goal=goal).select_related("rated_by")[:50])
    access.shown("GoalRating", [r.pk for r in rows], perms.VIEW_PLAN)
    return rows


def plan_history(access: Access, plan: TreatmentPlan) -> list[PlanRevision]:
    rows = list(policy.scoped(access, PlanRevision.objects.all()).filter(plan=plan).select_related("saved_by")[:20])
    access.shown("PlanRevision", [r.pk for r in rows], perms.VIEW_PLAN)
    return rows


# --- exposure hierarchies ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ladder:
    """One situation of the hierarchy with its current homework and what was practised."""

    situation: ExposureSituation
    homework: ExposureHomework | None
    practices: list[ExposurePractice]
    this_week: int

    @property
    def completed(self) -> list[ExposurePractice]:
        """The practices done to the end. A practice stopped early is kept and shown, but the trend is read from
        the completed ones: stopping when she needed to never counts against her."""
        return [p for p in self.practices if not p.stopped_early]

    @property
    def first_peak(self) -> int | None:
        done = self.completed
        return done[0].distress_peak if done else None

    @property
    def latest_peak(self) -> int | None:
        done = self.completed
        return done[-1].distress_peak if done else None

    @property
    def trend(self) -> int | None:
        """How far the peak came down from the first completed practice to the latest (positive: lower now)."""
        if len(self.completed) < 2 or self.first_peak is None or self.latest_peak is None:
            return None
        return self.first_peak - self.latest_peak

    def curve(self) -> charts.Chart:
        rows = self.practices
        return charts.line_chart(
            [
                ("At the start", "start", [p.distress_start for p in rows]),
                ("At the highest point", "peak", [p.distress_peak for p in rows]),
                ("At the end", "end", [p.distress_end for p in rows]),
            ],
            [str(i + 1) for i in range(len(rows))],
        )


def situations(access: Access) -> QuerySet[ExposureSituation]:
    return policy.scoped(access, ExposureSituation.objects.all())


def homework_rows(access: Access) -> QuerySet[ExposureHomework]:
    return policy.scoped(access, ExposureHomework.objects.all())


def ladder(access: Access, *, only: ExposureSituation | None = None) -> list[Ladder]:
    """The hierarchy from least to most expected distress, in three queries whatever its size; audited."""
    rows = [only] if only is not None else list(situations(access).filter(active=True))
    homework = {
        h.situation_id: h for h in homework_rows(access).filter(situation__in=rows, active=True).order_by("created")
    }
    practices: dict[object, list[ExposurePractice]] = {s.pk: [] for s in rows}
    found = policy.scoped(access, ExposurePractice.objects.all()).filter(homework__situation__in=rows)
    for p in found.select_related("homework").order_by("practised_at"):
        practices[p.homework.situation_id].append(p)
    week_ago = timezone.now() - datetime.timedelta(days=7)
    access.shown("ExposureSituation", [s.pk for s in rows], perms.VIEW_EXPOSURE)
    access.shown("ExposurePractice", [p.pk for ps in practices.values() for p in ps], perms.VIEW_EXPOSURE)
    return [
        Ladder(s, homework.get(s.pk), practices[s.pk], sum(1 for p in practices[s.pk] if p.practised_at >= week_ago))
        for s in rows
    ]


# --- appointments ---------------------------------------------------------------------------------------------

APPOINTMENTS_PER_PAGE = 20
SESSIONS_LISTED = 200  # for another capability's page: a couple's sessions over years, not an unbounded list


def appointments(access: Access) -> QuerySet[Appointment]:
    return policy.scoped(access, Appointment.objects.all())


def upcoming(access: Access) -> list[Appointment]:
    """Scheduled sessions that have not ended, soonest first; audited."""
    now = timezone.now()
    rows = [
        a
        for a in appointments(access).filter(
            status=AppointmentStatus.SCHEDULED, starts_at__gte=now - datetime.timedelta(hours=8)
        )
        if a.ends_at > now
    ]
    access.shown("Appointment", [a.pk for a in rows], perms.VIEW_APPOINTMENTS)
    return rows


def sessions_of_kind(access: Access, kind: str, since: datetime.datetime | None) -> list[sessions.Session]:
    """The client's sessions of one kind for another capability (core/sessions.py), soonest first; audited.

    Couples sessions need only the couples permission, which a linked partner holds; any other kind needs the
    full appointments permission, which a partner never holds (403, audited): a partner is never shown, or told
    of, an individual session of the client."""
    perm = perms.VIEW_COUPLES_SESSIONS if kind == AppointmentKind.COUPLES else perms.VIEW_APPOINTMENTS
    access.require(perm, "Appointment")
    rows = appointments(access).filter(kind=kind)
    if since is not None:
        rows = rows.filter(starts_at__gte=since)
    found = list(rows.order_by("starts_at")[:SESSIONS_LISTED])
    access.shown("Appointment", [a.pk for a in found], perm)
    labels = dict(AppointmentStatus.choices)
    return [
        sessions.Session(
            id=a.pk,
            kind=a.kind,
            starts_at=a.starts_at,
            minutes=a.minutes,
            status=a.status,
            status_label=labels[a.status],
            place=a.place,
            video_link=a.video_link,
        )
        for a in found
    ]


def past_page(access: Access, number: int | str | None) -> Page[Appointment]:
    """Everything else (past, cancelled, missed, attended), newest first, a page at a time; audited."""
    ids = {a.pk for a in upcoming(access)}
    qs = appointments(access).exclude(pk__in=ids).order_by("-starts_at")
    page = Paginator(qs, APPOINTMENTS_PER_PAGE).get_page(number)
    access.shown("Appointment", [a.pk for a in page.object_list], perms.VIEW_APPOINTMENTS)
    return page
