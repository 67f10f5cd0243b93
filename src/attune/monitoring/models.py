"""Measurement over time: schedules, alerts for the care team, changes recorded for reviews, session dates,
what a client may see of their own results."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from attune.core.fields import EncryptedTextField


class Schedule(models.Model):
    """An instrument a clinician asked a client to complete on a timing. Ending it keeps the row for history."""

    class Kind(models.TextChoices):
        ONCE = "once", "Once"
        DAYS = "days", "Every few days"
        WEEKS = "weeks", "Every few weeks"
        BEFORE_SESSION = "session", "Before each session"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="schedules")
    instrument = models.CharField(max_length=40)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    every = models.PositiveSmallIntegerField(default=1)  # N of "every N days/weeks"
    starts = models.DateField(default=timezone.localdate)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(default=timezone.now)
    ended = models.DateTimeField(null=True, blank=True)
    # The questionnaire this schedule last put in the client's portal, so that ending the schedule can take it
    # back if it was never started.
    issued = models.ForeignKey(
        "questionnaires.Response", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "instrument"], condition=models.Q(ended__isnull=True), name="one_live_schedule"
            ),
            models.CheckConstraint(condition=models.Q(every__gte=1), name="schedule_every_at_least_one"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} schedule"

    @property
    def interval_days(self) -> int:
        return self.every * (7 if self.kind == self.Kind.WEEKS else 1)


class Alert(models.Model):
    """Something the care team should look at: a critical answer, a reliable deterioration, or an intake answer
    that suggests the client may not be safe (no questionnaire response: `instrument` is "intake" and `item` the
    intake question). Shaped like a FHIR DetectedIssue."""

    class Kind(models.TextChoices):
        CRITICAL = "critical", "Critical answer"
        DETERIORATION = "deterioration", "Reliable deterioration"
        INTAKE_SAFETY = "intake_safety", "Safety answer in the intake"
        # A critical item the client chose not to answer: not known, never "no risk". A gentle task for the
        # clinician to check in; nobody is notified urgently and it never escalates.
        CHECK_IN = "check_in", "Check in"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        RESOLVED = "resolved", "Resolved"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="alerts")
    response = models.ForeignKey(
        "questionnaires.Response", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    instrument = models.CharField(max_length=40)
    item = models.CharField(max_length=40, blank=True)  # the critical item's linkId
    # Deterioration: what the new score was compared with ("baseline", "previous" or both, comma-separated).
    against = models.CharField(max_length=24, blank=True)
    score = models.FloatField(null=True, blank=True)
    baseline_score = models.FloatField(null=True, blank=True)
    previous_score = models.FloatField(null=True, blank=True)
    threshold = models.FloatField(null=True, blank=True)
    raised = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    acknowledged = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ack_note = EncryptedTextField()
    resolved = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolve_note = EncryptedTextField()
    # Escalation of an unacknowledged safety alert: 0 = the primary clinician was told, 1 = the rest of the
    # care team too, 2 = the supervisors too; `stepped` is when the last step was taken (the escalation clock).
    escalation_step = models.PositiveSmallIntegerField(default=0)
    stepped = models.DateTimeField(null=True, blank=True)
    # A critical answer the client gave in the portal: the support page is shown on their next portal page,
    # wherever they go, until they say they have seen it (an autosaved answer never showed it).
    support_pending = models.BooleanField(default=False)
    client_saw_support_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised"]
        constraints = [
            # A critical answer raises one alert per response and item, however often the answer is saved.
            models.UniqueConstraint(fields=["response", "kind", "item"], name="one_alert_per_response_item"),
        ]
        indexes = [models.Index(fields=["client", "status"], name="alert_client_status_idx")]

    def __str__(self) -> str:
        return f"{self.kind} alert"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.RESOLVED

    @property
    def item_number(self) -> int | None:
        """The critical item's number as the client saw it in the questionnaire."""
        from attune.measures import library

        if not self.item or self.instrument not in library.codes():
            return None
        ids = [item["linkId"] for item in library.load(self.instrument).items]
        return ids.index(self.item) + 1 if self.item in ids else None

    @property
    def is_safety(self) -> bool:
        """A safety alert: the care team is notified and, unacknowledged, it escalates."""
        return self.kind in SAFETY_KINDS


SAFETY_KINDS = (Alert.Kind.CRITICAL, Alert.Kind.INTAKE_SAFETY)


class AlertEvent(models.Model):
    """One step in an alert's timeline: raised, whom it notified (and the outbox row), escalated, acknowledged,
    a contact attempt logged by the clinician (with an encrypted outcome note), resolved."""

    class Kind(models.TextChoices):
        RAISED = "raised", "Raised"
        NOTIFIED = "notified", "Notified"
        ESCALATED = "escalated", "Escalated"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        CONTACT = "contact", "Contact attempt"
        RESOLVED = "resolved", "Resolved"

    class Outcome(models.TextChoices):
        CALLED = "called", "Called"
        LEFT_MESSAGE = "left_message", "Left a message"
        REACHED = "reached", "Reached"
        NOT_REACHED = "not_reached", "Could not reach"

    # A sequence, so that events of the same moment keep the order they happened in.
    id = models.BigAutoField(primary_key=True)
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notification = models.ForeignKey(
        "notify.Notification", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    step = models.PositiveSmallIntegerField(null=True, blank=True)  # escalation step of a notification
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    note = EncryptedTextField()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["alert", "at"], name="alert_event_alert_at_idx")]

    def __str__(self) -> str:
        return f"alert {self.kind}"


class ChangeEvent(models.Model):
    """A change worth bringing to a progress review: reliable improvement against the baseline, or a score
    crossing the instrument's cut-off."""

    class Kind(models.TextChoices):
        IMPROVEMENT = "improvement", "Reliable improvement"
        CUTOFF = "cutoff", "Crossed the cut-off"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="change_events")
    response = models.ForeignKey("questionnaires.Response", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    instrument = models.CharField(max_length=40)
    before = models.FloatField()
    after = models.FloatField()
    threshold = models.FloatField(null=True, blank=True)
    cutoff = models.FloatField(null=True, blank=True)
    # For a cut-off crossing: "out" of the range at or beyond the cut-off, or "in" to it.
    direction = models.CharField(max_length=8, blank=True)
    recorded = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded"]
        constraints = [models.UniqueConstraint(fields=["response", "kind"], name="one_change_event_per_kind")]

    def __str__(self) -> str:
        return f"{self.kind} change"


class SessionRecord(models.Model):
    """The date of a therapy session, past or planned: for "before each session" schedules and chart markers.

    A date is recorded by hand here, or follows an appointment booked in the clinical record (`appointment_id`,
    kept in step by the clinical record's events: booked, moved, cancelled). The id is not a foreign key, since
    the appointment book is another capability's table."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="session_records")
    date = models.DateField()
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(default=timezone.now)
    appointment_id = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "date"],
                condition=models.Q(appointment_id__isnull=True),
                name="one_session_record_per_day",
            )
        ]

    def __str__(self) -> str:
        return f"session on {self.date}"

    @property
    def booked(self) -> bool:
        return self.appointment_id is not None


class MeasureVisibility(models.Model):
    """Whether a client may see their own results of one instrument. No row means no."""

    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="+")
    instrument = models.CharField(max_length=40)
    visible = models.BooleanField(default=False)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "instrument"], name="one_visibility_per_instrument")]

    def __str__(self) -> str:
        return f"{self.instrument} visibility"
