"""Exposure hierarchies: situations the client lists with their clinician, each rated 0-100 for the distress they
expect (the diary's distress scale), ordered from least to most; homework set from a situation (how long, how
often); and the client's log of each practice (distress at the start, at the peak and at the end).

A practice can stop at any time: it is logged as stopped, never as a failure, and it still counts as practice.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from attune.core.fields import EncryptedTextField


class ExposureSituation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="exposure_situations")
    description = EncryptedTextField()
    expected_distress = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    active = models.BooleanField(default=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["expected_distress", "created"]
        constraints = [
            models.CheckConstraint(condition=models.Q(expected_distress__lte=100), name="situation_distress_0_100")
        ]

    def __str__(self) -> str:
        return "exposure situation"


class ExposureHomework(models.Model):
    """Practice set from one situation: how long each time and how often a week."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="exposure_homework")
    situation = models.ForeignKey(ExposureSituation, on_delete=models.CASCADE, related_name="homework")
    minutes = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(240)])
    times_per_week = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(14)])
    guidance = EncryptedTextField()
    active = models.BooleanField(default=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return "exposure homework"


class ExposurePractice(models.Model):
    """One practice the client logged. `key` makes a resubmission (a retried post on a phone) save it once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="exposure_practices")
    homework = models.ForeignKey(ExposureHomework, on_delete=models.CASCADE, related_name="practices")
    key = models.UUIDField()
    practised_at = models.DateTimeField(default=timezone.now)
    distress_start = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    distress_peak = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    distress_end = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(100)])
    stopped_early = models.BooleanField(default=False)
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    note = EncryptedTextField()

    class Meta:
        ordering = ["practised_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="one_exposure_practice_per_key"),
            models.CheckConstraint(
                condition=models.Q(distress_start__lte=100, distress_peak__lte=100)
                & (models.Q(distress_end__isnull=True) | models.Q(distress_end__lte=100)),
                name="practice_distress_0_100",
            ),
        ]

    def __str__(self) -> str:
        return "exposure practice"
