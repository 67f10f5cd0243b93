""" "Since the last session": what a clinician can pull into a draft session note. The window runs from the client's
last session before this note's session (an attended appointment or a signed note, whichever is later; failing
both, the start of the episode, or four weeks) to the end of the note's session day. The lines come from every
capability through the kernel's timeline registry (core/timeline.py): the clinical record imports none of them.
Its own lines (exposure practice) are registered there like anyone else's."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from attune.care.models import Episode
from attune.clinical import perms
from attune.clinical.models import (
    SECTIONS,
    Appointment,
    AppointmentStatus,
    ExposurePractice,
    NoteStatus,
    NoteTemplate,
    SessionNote,
)
from attune.core import policy, timeline
from attune.core.policy import Access
from attune.core.timeline import Item

# The section of each template that the summary goes into.
PULL_INTO = {
    NoteTemplate.SOAP: "objective",
    NoteTemplate.DAP: "data",
    NoteTemplate.BIRP: "behaviour",
    NoteTemplate.FREE: "body",
}
FALLBACK_DAYS = 28


@dataclass(frozen=True)
class Summary:
    start: datetime.date
    section: str
    heading: str
    items: list[Item]

    @property
    def text(self) -> str:
        return timeline.as_text(self.items, self.start)


def _aware(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def last_session(access: Access, note: SessionNote) -> datetime.date | None:
    """The day of the client's last session before this note's session."""
    day = note.session_date
    attended = (
        policy.scoped(access, Appointment.objects.all())
        .filter(status=AppointmentStatus.ATTENDED, starts_at__lt=_aware(day))
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    signed = (
        policy.scoped(access, SessionNote.objects.all())
        .filter(status=NoteStatus.SIGNED, session_date__lt=day)
        .exclude(pk=note.pk)
        .order_by("-session_date")
        .values_list("session_date", flat=True)
        .first()
    )
    found = [d for d in (timezone.localdate(attended) if attended else None, signed) if d is not None]
    return max(found) if found else None


def summary(access: Access, note: SessionNote) -> Summary:
    """What happened since the last session, as this clinician may see it (each line audited as read)."""
    access.require(perms.WRITE_NOTES, "SessionNote", str(note.pk))
    start = last_session(access, note)
    if start is None:
        opened = (
            Episode.objects.filter(client_id=access.client_id, opened__lte=note.session_date)
            .order_by("-opened")
            .values_list("opened", flat=True)
            .first()
        )
        start = opened or note.session_date - datetime.timedelta(days=FALLBACK_DAYS)
    end = min(_aware(note.session_date + datetime.timedelta(days=1)), timezone.now())
    items = timeline.between(access, _aware(start), end)
    section = PULL_INTO[NoteTemplate(note.template)]
    heading = next(h for name, h, _ in SECTIONS[note.template] if name == section)
    return Summary(start, section, heading, items)


def exposure(access: Access, start: datetime.datetime, end: datetime.datetime) -> list[Item]:
    """The clinical record's own lines: practice on the exposure ladder, with distress at start, peak and end."""
    if not access.can(perms.VIEW_EXPOSURE):
        return []
    rows = list(
        policy.scoped(access, ExposurePractice.objects.select_related("homework__situation"))
        .filter(practised_at__gte=start, practised_at__lt=end)
        .order_by("practised_at")
    )
    items = []
    for p in rows:
        end_text = "stopped early" if p.stopped_early else f"end {p.distress_end}"
        text = (
            f"{timezone.localtime(p.practised_at):%a %-d %b}: exposure practice, “{p.homework.situation.description}”"
            f" (distress start {p.distress_start}, peak {p.distress_peak}, {end_text})"
        )
        items.append(Item(p.practised_at, "Practice", text))
    access.shown("ExposurePractice", [p.pk for p in rows], perms.VIEW_EXPOSURE)
    return items
