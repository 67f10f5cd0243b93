"""Writes of appointments, and the tick that reminds clients of them.

A reminder is written to the outbox (notify.services.enqueue) in the same transaction as nothing else: the tick
owns its transactions, one per appointment, and the dedupe key (appointment and start time) makes running it again
harmless and gives a moved session a reminder of its own. The message is notify's one neutral sentence; the
client's channels, sender label and quiet hours are notify's to apply.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from attune.clinical import inputs, perms
from attune.clinical.models import Appointment, AppointmentKind, AppointmentStatus
from attune.core import events, policy
from attune.core.models import AuditEvent
from attune.core.policy import Access
from attune.notify import services as notify


@dataclass
class AppointmentInput:
    starts_at: datetime.datetime
    minutes: int
    kind: str = AppointmentKind.INDIVIDUAL
    place: str = ""
    video_link: str = ""


def _check(data: AppointmentInput) -> tuple[str, str]:
    if data.kind not in AppointmentKind.values:
        raise ValidationError({"kind": "Choose individual or couples."})
    if not inputs.APPOINTMENT_MINUTES_MIN <= data.minutes <= inputs.APPOINTMENT_MINUTES_MAX:
        raise ValidationError({"minutes": "Choose a length from 5 minutes to 8 hours."})
    place, link = data.place.strip(), data.video_link.strip()
    if not place and not link:
        raise ValidationError({"place": "Give a place or a video link."})
    if len(place) > inputs.PLACE_LIMIT:
        raise ValidationError({"place": f"Please keep this under {inputs.PLACE_LIMIT} characters."})
    if link and (len(link) > inputs.LINK_LIMIT or urlsplit(link).scheme != "https" or not urlsplit(link).netloc):
        raise ValidationError({"video_link": "Give the full https:// link of the video call."})
    if data.starts_at < timezone.now() - datetime.timedelta(days=1):
        raise ValidationError({"starts_at": "This time has passed."})
    return place, link


def book(access: Access, data: AppointmentInput) -> Appointment:
    perm = perms.MANAGE_APPOINTMENTS
    access.require(perm)
    place, link = _check(data)
    with transaction.atomic():
        appointment = Appointment(
            client_id=access.client_id,
            clinician_id=access.actor_id,
            starts_at=data.starts_at,
            minutes=data.minutes,
            kind=data.kind,
            place=place,
            video_link=link,
        )
        appointment.save()
        access.record(AuditEvent.Action.CREATE, "Appointment", appointment.pk, perm)
        events.publish(_booked(appointment))
    return appointment


def _booked(row: Appointment) -> events.AppointmentBooked:
    return events.AppointmentBooked(
        client_id=row.client_id,
        appointment_id=row.pk,
        date=timezone.localdate(row.starts_at),
        clinician_id=row.clinician_id,
    )


def reschedule(access: Access, appointment: Appointment, starts_at: datetime.datetime, minutes: int) -> Appointment:
    """Move a booked session to another time (and length). Only a session still booked can move; the reminder
    follows it (its dedupe key carries the start time)."""
    perm = perms.MANAGE_APPOINTMENTS
    access.require(perm, "Appointment", str(appointment.pk))
    if not inputs.APPOINTMENT_MINUTES_MIN <= minutes <= inputs.APPOINTMENT_MINUTES_MAX:
        raise ValidationError({"minutes": "Choose a length from 5 minutes to 8 hours."})
    if starts_at < timezone.now():
        raise ValidationError({"starts_at": "Choose a time that is still ahead."})
    with transaction.atomic():
        row = policy.scoped(access, Appointment.objects.all()).select_for_update().get(pk=appointment.pk)
        if row.status != AppointmentStatus.SCHEDULED:
            raise ValidationError("Only a booked session can be moved; book a new one instead.")
        if row.starts_at == starts_at and row.minutes == minutes:
            return row
        row.starts_at = starts_at
        row.minutes = minutes
        row.updated = timezone.now()
        row.save()
        access.record(AuditEvent.Action.UPDATE, "Appointment", row.pk, perm)
        events.publish(
            events.AppointmentRescheduled(
                client_id=row.client_id,
                appointment_id=row.pk,
                date=timezone.localdate(row.starts_at),
                clinician_id=row.clinician_id,
            )
        )
    return row


def set_status(access: Access, appointment: Appointment, status: str) -> Appointment:
    """Cancel a session, or record that it was attended or missed (only once it has begun)."""
    perm = perms.MANAGE_APPOINTMENTS
    access.require(perm, "Appointment", str(appointment.pk))
    if status not in AppointmentStatus.values:
        raise ValidationError({"status": "Choose what became of the session."})
    with transaction.atomic():
        row = policy.scoped(access, Appointment.objects.all()).select_for_update().get(pk=appointment.pk)
        if status in {AppointmentStatus.ATTENDED, AppointmentStatus.MISSED} and row.starts_at > timezone.now():
            raise ValidationError({"status": "A session is attended or missed only once its time has come."})
        was = row.status
        row.status = status
        row.updated = timezone.now()
        row.save()
        access.record(AuditEvent.Action.UPDATE, "Appointment", row.pk, perm)
        # Attended and missed sessions keep their date (a session that was due still happened or was due);
        # a cancelled one drops out of the session dates, and comes back if it is put back on.
        if status == AppointmentStatus.CANCELLED and was != AppointmentStatus.CANCELLED:
            events.publish(events.AppointmentCancelled(client_id=row.client_id, appointment_id=row.pk))
        elif was == AppointmentStatus.CANCELLED and status != AppointmentStatus.CANCELLED:
            events.publish(_booked(row))
    return row


def remind_upcoming(now: datetime.datetime) -> int:
    """For the worker tick: one reminder to the client for each session starting within the next day."""
    soon = Appointment.objects.filter(
        status=AppointmentStatus.SCHEDULED,
        starts_at__gt=now,
        starts_at__lte=now + datetime.timedelta(hours=inputs.REMIND_BEFORE_HOURS),
        client__user__isnull=False,
    ).values_list("pk", "starts_at", "client__user_id")
    count = 0
    for pk, starts_at, user_id in soon.iterator():
        with transaction.atomic():
            written = notify.enqueue(
                recipient_id=user_id,
                purpose="reminder",
                target=reverse("clinical:my_appointments"),
                dedupe_key=f"appointment:{pk}:{int(starts_at.timestamp())}",
            )
        count += bool(written)
    return count
