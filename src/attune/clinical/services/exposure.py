"""Writes of exposure hierarchies: the care team lists situations and sets homework; the client logs a practice.
Each takes the client reached through the policy, checks its permission (a refusal is audited), and writes the
change and its audit event in one transaction. Logging a practice is idempotent on its key."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from attune.clinical import inputs, perms
from attune.clinical.models import ExposureHomework, ExposurePractice, ExposureSituation
from attune.core import policy
from attune.core.models import AuditEvent
from attune.core.policy import Access
from attune.skills.inputs import DISTRESS_MAX, DISTRESS_MIN


def _distress(name: str, value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not DISTRESS_MIN <= value <= DISTRESS_MAX:
        raise ValidationError({name: "Choose a number from 0 to 100."})


def add_situation(access: Access, description: str, expected_distress: int) -> ExposureSituation:
    perm = perms.PLAN_EXPOSURE
    access.require(perm)
    description = description.strip()
    if not description:
        raise ValidationError({"description": "Describe the situation in the words you agreed."})
    if len(description) > inputs.SITUATION_LIMIT:
        raise ValidationError({"description": f"Please keep this under {inputs.SITUATION_LIMIT} characters."})
    _distress("expected_distress", expected_distress)
    with transaction.atomic():
        if ExposureSituation.objects.filter(client_id=access.client_id).count() >= inputs.SITUATIONS_PER_CLIENT:
            raise ValidationError(f"A hierarchy holds up to {inputs.SITUATIONS_PER_CLIENT} situations.")
        situation = ExposureSituation(
            client_id=access.client_id, description=description, expected_distress=expected_distress
        )
        situation.save()
        access.record(AuditEvent.Action.CREATE, "ExposureSituation", situation.pk, perm)
    return situation


def set_homework(
    access: Access, situation: ExposureSituation, minutes: int, times_per_week: int, guidance: str = ""
) -> ExposureHomework:
    """Homework from one situation; it replaces the situation's earlier homework (which keeps its practices)."""
    perm = perms.PLAN_EXPOSURE
    access.require(perm, "ExposureSituation", str(situation.pk))
    if not inputs.MINUTES_MIN <= minutes <= inputs.MINUTES_MAX:
        raise ValidationError({"minutes": f"Choose {inputs.MINUTES_MIN} to {inputs.MINUTES_MAX} minutes."})
    if not inputs.TIMES_MIN <= times_per_week <= inputs.TIMES_MAX:
        raise ValidationError({"times_per_week": f"Choose {inputs.TIMES_MIN} to {inputs.TIMES_MAX} times a week."})
    guidance = guidance.strip()
    if len(guidance) > inputs.GUIDANCE_LIMIT:
        raise ValidationError({"guidance": f"Please keep this under {inputs.GUIDANCE_LIMIT} characters."})
    with transaction.atomic():
        ExposureHomework.objects.filter(client_id=access.client_id, situation=situation, active=True).update(
            active=False
        )
        homework = ExposureHomework(
            client_id=access.client_id,
            situation=situation,
            minutes=minutes,
            times_per_week=times_per_week,
            guidance=guidance,
            assigned_by_id=access.actor_id,
        )
        homework.save()
        access.record(AuditEvent.Action.CREATE, "ExposureHomework", homework.pk, perm)
    return homework


@dataclass
class PracticeInput:
    distress_start: int
    distress_peak: int
    distress_end: int | None = None
    stopped_early: bool = False
    minutes: int | None = None
    note: str = ""
    practised_at: datetime.datetime | None = None


def log_practice(
    access: Access, homework: ExposureHomework, key: uuid.UUID, data: PracticeInput
) -> tuple[ExposurePractice, bool]:
    """Log one practice; (practice, created). Sending the same key again returns the practice already saved.

    Stopping early is a choice the client may always make: the practice is kept as practice, with the end
    distress left out if she did not rate it."""
    perm = perms.LOG_EXPOSURE
    access.require(perm, "ExposureHomework", str(homework.pk))
    existing = policy.scoped(access, ExposurePractice.objects.all()).filter(key=key).first()
    if existing is not None:
        return existing, False
    _distress("distress_start", data.distress_start)
    _distress("distress_peak", data.distress_peak)
    if data.distress_end is not None:
        _distress("distress_end", data.distress_end)
    elif not data.stopped_early:
        raise ValidationError({"distress_end": "Choose how distressed you felt at the end."})
    if data.distress_peak < max(data.distress_start, data.distress_end or 0):
        raise ValidationError({"distress_peak": "The highest point can't be lower than the start or the end."})
    if data.minutes is not None and not 0 <= data.minutes <= inputs.MINUTES_MAX:
        raise ValidationError({"minutes": f"Choose 0 to {inputs.MINUTES_MAX} minutes."})
    note = data.note.strip()
    if len(note) > inputs.PRACTICE_NOTE_LIMIT:
        raise ValidationError({"note": f"Please keep this under {inputs.PRACTICE_NOTE_LIMIT} characters."})
    when = data.practised_at or timezone.now()
    if when > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"practised_at": "This time is in the future."})
    try:
        with transaction.atomic():
            practice = ExposurePractice(
                client_id=access.client_id,
                homework=homework,
                key=key,
                practised_at=when,
                distress_start=data.distress_start,
                distress_peak=data.distress_peak,
                distress_end=data.distress_end,
                stopped_early=data.stopped_early,
                minutes=data.minutes,
                note=note,
            )
            practice.save()
            access.record(AuditEvent.Action.CREATE, "ExposurePractice", practice.pk, perm)
    except IntegrityError:  # the same key saved concurrently: theirs stands
        return ExposurePractice.objects.get(client_id=access.client_id, key=key), False
    return practice, True
