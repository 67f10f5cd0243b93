"""The privacy centre's tables: what a client withholds from a named member of their care team, and break-glass.

Both are read by the access policy on every check (registered in PrivacyConfig.ready()), never cached: a switch
the client turns off, or an hour of break-glass that ends, takes effect on the very next request.
"""

from __future__ import annotations

import datetime
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from attune.core.fields import EncryptedTextField


class Category(models.TextChoices):
    """What a client can let a named clinician see, or not. Only categories this codebase has are listed."""

    REFERRAL = "referral", "What brings you here"
    DIARY = "diary", "Your diary, practice records and scripts"
    RESULTS = "results", "Your questionnaire results and answers"
    INTAKE = "intake", "Your answers to the first questionnaire"
    SAFETY_PLAN = "safetyplan", "Your safety plan and support network"
    PLAN = "plan", "Your treatment plan, goals, practice ladder and reviews"
    NOTES = "notes", "Session notes about you"


class WithholdingQuerySet(models.QuerySet["Withholding"]):
    def in_force(self) -> WithholdingQuerySet:
        return self.filter(ended__isnull=True)


class Withholding(models.Model):
    """The client keeps one category from one person of their care team (a FHIR Consent with decision deny).

    A row is never deleted: turning the switch back on ends it, and the rows are the history of every change.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="withholdings")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=16, choices=Category.choices)
    created = models.DateTimeField(default=timezone.now)
    ended = models.DateTimeField(null=True, blank=True)

    objects = WithholdingQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "person", "category"],
                condition=models.Q(ended__isnull=True),
                name="one_live_withholding",
            )
        ]
        indexes = [models.Index(fields=["client", "person"], name="withholding_client_person_idx")]

    def __str__(self) -> str:
        return f"withholding {self.category}"


BREAK_GLASS_MINUTES = 60


def _in_an_hour() -> object:
    return timezone.now() + timedelta(minutes=BREAK_GLASS_MINUTES)


class BreakGlass(models.Model):
    """Emergency access by a supervisor or admin to a client's clinical text: read-only, time-limited.

    The reason is free text and is sealed with the client's key; the client reads it in their access log.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="break_glass")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = EncryptedTextField()
    started = models.DateTimeField(default=timezone.now)
    expires = models.DateTimeField(default=_in_an_hour)
    ended = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started"]
        indexes = [models.Index(fields=["client", "user", "expires"], name="break_glass_lookup_idx")]

    def __str__(self) -> str:
        return "break-glass access"

    def in_force(self) -> bool:
        return self.ended is None and self.expires > timezone.now()


EXPORT_HOURS = 24


class ExportRequest(models.Model):
    """A client's request for a copy of everything linked to them, built by a background job.

    The zip is sealed with the client's own data key while it waits (so erasure makes it unreadable too), can be
    downloaded once, and is thrown away after the download or EXPORT_HOURS, whichever comes first.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Being prepared"
        READY = "ready", "Ready to download"
        DOWNLOADED = "downloaded", "Downloaded"
        EXPIRED = "expired", "No longer available"
        FAILED = "failed", "Could not be prepared"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="export_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    requested = models.DateTimeField(default=timezone.now)
    ready = models.DateTimeField(null=True, blank=True)
    downloaded = models.DateTimeField(null=True, blank=True)
    size = models.PositiveIntegerField(default=0)
    sealed = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["-requested"]

    def __str__(self) -> str:
        return f"export {self.status}"

    @property
    def expires(self) -> datetime.datetime | None:
        return self.ready + timedelta(hours=EXPORT_HOURS) if self.ready else None


COOLING_OFF_DAYS = 14


def _after_cooling_off() -> datetime.datetime:
    return timezone.now() + timedelta(days=COOLING_OFF_DAYS)


class ErasureRequest(models.Model):
    """A request to erase a client's record, by the client or by the practice on their behalf.

    It waits COOLING_OFF_DAYS (the client can withdraw it), then the practice confirms it. Confirming clears the
    identifying fields, closes the portal account and destroys the client's data key (crypto-shredding: every
    encrypted field reads as erased), unless a legal retention hold is in force, in which case the key is destroyed
    the day the last hold ends (the tick does it). The audit trail keeps its ids; a tombstone of the destroyed key
    is written outside the database so that a restore from an older backup erases the client again.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for the cooling-off period to end"
        WITHDRAWN = "withdrawn", "Withdrawn"
        HELD = "held", "Erased, except what the law requires the practice to keep"
        ERASED = "erased", "Erased"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.PROTECT, related_name="erasure_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested = models.DateTimeField(default=timezone.now)
    cooling_off_until = models.DateTimeField(default=_after_cooling_off)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.WAITING)
    withdrawn = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed = models.DateTimeField(null=True, blank=True)
    shredded = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"], condition=models.Q(status="waiting"), name="one_waiting_erasure_per_client"
            )
        ]

    def __str__(self) -> str:
        return f"erasure {self.status}"

    @property
    def cooling_off_over(self) -> bool:
        return timezone.now() >= self.cooling_off_until


class RetentionHold(models.Model):
    """What the practice must keep of a client's record by law, why, and until when. Written by a practice
    admin; shown to the client on their erasure page. Plain text only (no clinical content): the kind of record
    and the rule, e.g. "Clinical records" / "Adult health records are kept for 8 years after care ends"."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="retention_holds")
    what = models.CharField(max_length=120)
    why = models.CharField(max_length=240)
    until = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["until"]

    def __str__(self) -> str:
        return f"retention hold until {self.until}"

    def in_force(self, on: datetime.date | None = None) -> bool:
        return self.until >= (on or timezone.localdate())
