"""Demo clinical record for Dana, seeded idempotently (rows have fixed ids).

alice's DAP note of a session a week ago, signed that day, with an addendum she signed a day later; and a draft
note of today's session. Her practice ladder of three situations, the first practised five times with its
peak distress coming down (once stopped early). The plan of Dana's open episode with three weighted goals agreed
with her (weights 2, 2 and 1); alice's latest ratings (+1, 0, +1) give a goal attainment T-score of 58 by the
real computation (50 + 10 * 3 / sqrt(0.7 * 9 + 0.3 * 25) = 58.08), and Dana's own view of each. Everything is
invented and
described in general, respectful terms.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.utils import timezone

from attune.care.models import Episode
from attune.clinical.models import (
    Appointment,
    AppointmentStatus,
    ExposureHomework,
    ExposurePractice,
    ExposureSituation,
    Goal,
    GoalRating,
    NoteAddendum,
    NoteStatus,
    NoteTemplate,
    ProgressReview,
    SessionNote,
    TreatmentPlan,
)

NAMESPACE = uuid.UUID("0b7a39e6-5a55-4d36-a2b4-8d3c7f2f1e42")


def demo_id(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, name)


def seed(clients: dict[str, Any], users: dict[str, Any], now: datetime.datetime | None = None) -> None:
    dana, alice = clients.get("dana"), users.get("alice")
    if dana is None or alice is None:
        return
    now = now or timezone.now()
    _notes(dana, alice, now)
    _plan(dana, alice, now)
    _exposure(dana, alice, now)
    _appointments(dana, alice, now)
    _review(dana, alice, now)


def _notes(dana: Any, alice: Any, now: datetime.datetime) -> None:
    signed_at = now - datetime.timedelta(days=7)
    signed_id = demo_id("note-signed")
    if not SessionNote.objects.filter(pk=signed_id).exists():
        SessionNote(
            id=signed_id,
            client=dana,
            author=alice,
            template=NoteTemplate.DAP,
            session_date=timezone.localtime(signed_at).date(),
            data=(
                "Dana described a week with four moments where she went quiet when plans changed at short notice. "
                "Twice she tried asking for ten minutes before answering, and said it helped. We practised paced "
                "breathing together and looked at her diary entries she had chosen to share."
            ),
            assessment=(
                "Dana is noticing the pattern she calls the Shield earlier, often at the first body cue. The new "
                "response is taking hold in lower-stakes moments; higher-stakes ones still feel out of reach."
            ),
            plan=(
                "Keep logging Shield moments. Try asking for time once in a conversation with a friend. Next "
                "session: agree goals for the coming months together."
            ),
            status=NoteStatus.SIGNED,
            signed_at=signed_at,
            signed_by=alice,
            version=3,
            created=signed_at - datetime.timedelta(hours=1),
            updated=signed_at,
        ).save()
    addendum_id = demo_id("note-signed-addendum")
    if not NoteAddendum.objects.filter(pk=addendum_id).exists():
        NoteAddendum(
            id=addendum_id,
            client=dana,
            note_id=signed_id,
            author=alice,
            text=(
                "Correction: the breathing practice in session was the longer out-breath pattern, not box "
                "breathing. Dana asked that we begin next time with a few minutes of grounding."
            ),
            signed_at=signed_at + datetime.timedelta(days=1),
        ).save()
    draft_id = demo_id("note-draft")
    if not SessionNote.objects.filter(pk=draft_id).exists():
        SessionNote(
            id=draft_id,
            client=dana,
            author=alice,
            template=NoteTemplate.DAP,
            session_date=timezone.localtime(now).date(),
            data="Began with grounding, as Dana asked.",
        ).save()


# (title, levels -2..+2, weight, interventions, alice's rating, Dana's own view)
GOALS = [
    (
        "Ask for a pause when plans change, instead of going quiet",
        (
            "I go quiet every time and it stays with me all evening",
            "I sometimes notice I am going quiet but can't say anything",
            "I ask for ten minutes at least half the time",
            "I ask for a pause most times, even with people I don't know well",
            "Asking for a pause feels ordinary, in any company",
        ),
        2,
        ["grounding", "consent_literacy"],
        1,
        1,
    ),
    (
        "Feel steady enough in crowded places to stay as long as I choose",
        (
            "I leave crowded places straight away",
            "I can stay a few minutes with grounding",
            "I can stay half an hour, using grounding when I need it",
            "I can stay as long as I want most of the time",
            "Crowded places no longer shape my plans",
        ),
        2,
        ["exposure", "breathwork"],
        0,
        0,
    ),
    (
        "Tell one friend about what I'm working on",
        (
            "I keep it all to myself",
            "I have thought about who I might tell",
            "I have told one friend a little of it",
            "I have told one friend and asked for their support",
            "I have a few people I can lean on",
        ),
        1,
        ["support_network"],
        1,
        2,
    ),
]


def _plan(dana: Any, alice: Any, now: datetime.datetime) -> None:
    episode = Episode.objects.filter(client=dana, closed__isnull=True).first()
    if episode is None or TreatmentPlan.objects.filter(pk=demo_id("plan")).exists():
        return
    plan = TreatmentPlan(
        id=demo_id("plan"),
        client=dana,
        episode=episode,
        formulation_client=(
            "When plans change suddenly or someone sounds impatient, I shut down to keep myself safe. It used to "
            "protect me; now it costs me closeness. I want to stay present and say what I need."
        ),
        formulation_clinician=(
            "Withdrawal (her name for it is the Shield) works as protection learned in a coercive relationship. "
            "Body cues arrive first; grounding and a rehearsed request for time give her a new response. Graded "
            "exposure for crowded spaces; consent literacy and support network alongside."
        ),
        created=now - datetime.timedelta(days=84),
        updated=now - datetime.timedelta(days=84),
    )
    plan.save()
    for position, (title, levels, weight, interventions, team, own) in enumerate(GOALS):
        goal = Goal(
            id=demo_id(f"goal-{position}"),
            client=dana,
            plan=plan,
            position=position,
            title=title,
            level_minus2=levels[0],
            level_minus1=levels[1],
            level_0=levels[2],
            level_plus1=levels[3],
            level_plus2=levels[4],
            weight=weight,
            target_date=(now + datetime.timedelta(days=90)).date(),
            interventions=interventions,
            created=plan.created,
            updated=plan.created,
        )
        goal.save()
        rated = now - datetime.timedelta(days=1)
        for by_client, score, who in ((False, team, alice), (True, own, dana.user)):
            GoalRating(
                id=demo_id(f"goal-{position}-rating-{by_client}"),
                client=dana,
                goal=goal,
                score=score,
                by_client=by_client,
                rated_by=who,
                rated_at=rated,
            ).save()


# Dana's practice ladder: (situation, expected distress, homework minutes and times a week or None, practices as
# (days ago, start, peak, end, stopped early)). The crowded café's peak comes down over five practices; the
# second one she stopped when she needed to.
LADDER = [
    ("Sitting in a busy café for a while", 35, (20, 3), [
        (20, 30, 65, None, True), (16, 30, 60, 35, False), (12, 25, 50, 30, False), (7, 25, 45, 25, False),
        (3, 20, 35, 20, False),
    ]),
    ("Standing near the doors on a crowded bus", 55, None, []),
    ("Saying 'I need a minute' when plans change", 70, None, []),
]  # fmt: skip


def _exposure(dana: Any, alice: Any, now: datetime.datetime) -> None:
    if ExposureSituation.objects.filter(pk=demo_id("situation-0")).exists():
        return
    for n, (description, expected, homework, practices) in enumerate(LADDER):
        situation = ExposureSituation(
            id=demo_id(f"situation-{n}"), client=dana, description=description, expected_distress=expected,
            created=now - datetime.timedelta(days=25),
        )  # fmt: skip
        situation.save()
        if homework is None:
            continue
        set_ = ExposureHomework(
            id=demo_id(f"homework-{n}"), client=dana, situation=situation, minutes=homework[0],
            times_per_week=homework[1], assigned_by=alice, created=now - datetime.timedelta(days=21),
            guidance="Order something you like, sit where you can see the door, and notice your breath.",
        )  # fmt: skip
        set_.save()
        for i, (days, start, peak, end, stopped) in enumerate(practices):
            ExposurePractice(
                id=demo_id(f"practice-{n}-{i}"), client=dana, homework=set_, key=demo_id(f"practice-key-{n}-{i}"),
                practised_at=now - datetime.timedelta(days=days), distress_start=start, distress_peak=peak,
                distress_end=end if end is not None else peak, stopped_early=stopped,
                minutes=8 if stopped else homework[0],
            ).save()  # fmt: skip


def _appointments(dana: Any, alice: Any, now: datetime.datetime) -> None:
    """Twelve weekly sessions so far (one missed, one cancelled by Dana), today's, and the next two booked."""
    if Appointment.objects.filter(pk=demo_id("appointment-0")).exists():
        return
    today = timezone.localtime(now).replace(hour=10, minute=0, second=0, microsecond=0)
    for week in range(-12, 3):
        status = AppointmentStatus.ATTENDED if week < 0 else AppointmentStatus.SCHEDULED
        if week == -7:
            status = AppointmentStatus.MISSED
        elif week == -4:
            status = AppointmentStatus.CANCELLED
        Appointment(
            id=demo_id(f"appointment-{week + 12}"), client=dana, clinician=alice,
            starts_at=today + datetime.timedelta(weeks=week), minutes=50,
            kind="couples" if week == 2 else "individual",
            place="" if week == 1 else "Room 2, 14 Harbour Street",
            video_link="https://video.example.org/r/room-2" if week == 1 else "", status=status,
        ).save()  # fmt: skip


def _review(dana: Any, alice: Any, now: datetime.datetime) -> None:
    """The review alice wrote at the twelfth session."""
    episode = Episode.objects.filter(client=dana, closed__isnull=True).first()
    if episode is None or ProgressReview.objects.filter(pk=demo_id("review")).exists():
        return
    ProgressReview(
        id=demo_id("review"), client=dana, episode=episode, review_date=timezone.localtime(now).date(), author=alice,
        narrative=(
            "Twelve weeks in. Dana names the Shield at the first body cue and asks for a pause about half the time. "
            "Graded exposure in cafés is habituating; the bus is next. Continue weekly, review again in twelve weeks."
        ),
        client_summary=(
            "You have been noticing the moments you go quiet much earlier, and asking for a pause more often. "
            "Sitting in a busy café feels steadier than it did. Next we will try the bus, at your pace."
        ),
    ).save()  # fmt: skip
