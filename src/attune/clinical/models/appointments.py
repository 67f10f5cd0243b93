"""Appointments: individual or couples sessions with a date, time, length and a place or a video link, and what
became of them (cancelled, missed, attended). The place and link are sealed with the client's key: where someone
goes for care is theirs to tell."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from attune.core.fields import EncryptedTextField


class AppointmentKind(models.TextChoices):
    INDIVIDUAL = "individual", "Individual"
    COUPLES = "couples", "Couples"


class AppointmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    ATTENDED = "attended", "Attended"
    CANCELLED = "cancelled", "Cancelled"
    MISSED = "missed", "Missed"


class Appointment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="appointments")
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    starts_at = models.DateTimeField()
    minutes = models.PositiveSmallIntegerField(validators=[MinValueValidator(5), MaxValueValidator(480)])
    kind = models.CharField(max_length=12, choices=AppointmentKind.choices, default=AppointmentKind.INDIVIDUAL)
    place = EncryptedTextField()
    video_link = EncryptedTextField()
    status = models.CharField(max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.SCHEDULED)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["client", "starts_at"], name="appointment_client_idx"),
            models.Index(fields=["status", "starts_at"], name="appointment_due_idx"),
        ]

    def __str__(self) -> str:
        return "appointment"

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.minutes)

    @property
    def is_upcoming(self) -> bool:
        return self.status == AppointmentStatus.SCHEDULED and self.ends_at > timezone.now()
