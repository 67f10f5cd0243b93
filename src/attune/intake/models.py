"""The trauma-informed intake: one per client per episode, its answers (free text encrypted), and its sections
(kept by the client to talk about in person; marked discussed, with the clinician's own encrypted note)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from attune.core.fields import EncryptedTextField


class Intake(models.Model):
    """An intake sent to a client. Shaped like a FHIR QuestionnaireResponse of the intake definition."""

    class Status(models.TextChoices):
        SENT = "sent", "Waiting to start"
        IN_PROGRESS = "in-progress", "In progress"
        SUBMITTED = "submitted", "Received"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="intakes")
    episode = models.ForeignKey("care.Episode", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    definition = models.CharField(max_length=40, default="intake")
    version = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SENT)
    welcome_seen = models.BooleanField(default=False)
    position = models.CharField(max_length=40, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(default=timezone.now)
    started = models.DateTimeField(null=True, blank=True)
    updated = models.DateTimeField(default=timezone.now)
    submitted = models.DateTimeField(null=True, blank=True)
    submission_key = models.UUIDField(null=True, blank=True, unique=True)
    # Instruments given or offered inside the intake, answered through the questionnaire engine.
    screen = models.ForeignKey(
        "questionnaires.Response", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    baseline = models.ForeignKey(
        "questionnaires.Response", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(fields=["client", "episode"], name="one_intake_per_episode"),
            models.UniqueConstraint(
                fields=["client"], condition=~models.Q(status="submitted"), name="one_open_intake_per_client"
            ),
        ]

    def __str__(self) -> str:
        return "intake"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.SUBMITTED


class IntakeAnswer(models.Model):
    """One answer, saved the moment it is given. `skipped` is an explicit "prefer not to answer"."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="answers")
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="+")
    link_id = models.CharField(max_length=40)
    codes = models.JSONField(default=list, blank=True)
    text = EncryptedTextField()
    skipped = models.BooleanField(default=False)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["intake", "link_id"], name="one_intake_answer_per_item")]

    def __str__(self) -> str:
        return f"answer to {self.link_id}"


class IntakeSection(models.Model):
    """A section of one intake: opened by the client, kept to talk about in person, discussed in session."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="sections")
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="+")
    link_id = models.CharField(max_length=40)
    opened = models.DateTimeField(null=True, blank=True)
    in_person = models.BooleanField(default=False)
    in_person_at = models.DateTimeField(null=True, blank=True)
    discussed = models.DateTimeField(null=True, blank=True)
    discussed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = EncryptedTextField()  # the clinician's own note; the care team's only
    note_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note_updated = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["intake", "link_id"], name="one_row_per_intake_section")]

    def __str__(self) -> str:
        return f"intake section {self.link_id}"
