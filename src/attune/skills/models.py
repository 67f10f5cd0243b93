"""Practice records, a clinician's recommendations and the client's own grounding phrases.

The skills themselves are data files (skills/content/*.md, read by skills/library.py); rows refer to a skill by
its slug, so a clinician can add a skill without a migration.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from attune.core.fields import EncryptedTextField
from attune.core.rows import OwnerOnlyQuerySet, SharedQuerySet


class SkillPractice(models.Model):
    """One time the client practised a skill, with their distress before and after if they chose to rate it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="skill_practices")
    skill = models.CharField(max_length=60)
    key = models.UUIDField()
    fingerprint = models.CharField(max_length=64)
    occurred_at = models.DateTimeField(default=timezone.now)
    distress_before = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(100)])
    distress_after = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(100)])
    variant = models.CharField(max_length=30, blank=True)
    note = EncryptedTextField()
    shared = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)

    # The client sees all their practices; the care team only those the client shares (policy.scoped).
    objects = SharedQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-created"]
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="one_skill_practice_per_key"),
            models.CheckConstraint(
                condition=models.Q(distress_before__isnull=True) | models.Q(distress_before__lte=100),
                name="practice_distress_before_0_100",
            ),
            models.CheckConstraint(
                condition=models.Q(distress_after__isnull=True) | models.Q(distress_after__lte=100),
                name="practice_distress_after_0_100",
            ),
        ]
        indexes = [models.Index(fields=["client", "shared", "occurred_at"], name="practice_client_shared_idx")]

    def __str__(self) -> str:
        return "skill practice"

    @property
    def change(self) -> int | None:
        if self.distress_before is None or self.distress_after is None:
            return None
        return self.distress_before - self.distress_after


class SkillRecommendation(models.Model):
    """A care-team clinician suggests a skill; recommended skills come first in the client's library."""

    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="skill_recommendations")
    skill = models.CharField(max_length=60)
    recommended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(default=timezone.now)
    withdrawn = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "skill"], condition=models.Q(withdrawn__isnull=True), name="one_live_recommendation"
            )
        ]

    def __str__(self) -> str:
        return f"recommendation of {self.skill}"


class GroundingPhrase(models.Model):
    """A phrase the client wrote for themself, to read in a hard moment. Only the client sees these."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="grounding_phrases")
    text = EncryptedTextField()
    created = models.DateTimeField(default=timezone.now)

    objects = OwnerOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return "grounding phrase"
