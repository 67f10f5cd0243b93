"""The trigger and skills diary and relationship-script maps.

Free text is sealed with the client's data key (EncryptedTextField), so every model here has a UUID primary key
and a `client` foreign key. Codes (trigger kinds, body cues, responses) stay in plain columns: insights count
them in SQL. Who sees which row is each model's QuerySet's `for_access()`, which the policy applies to every
way of reaching a row (policy.scoped, locate, row_of): a row with a `shared` flag is invisible to everyone but
the client while it is False, and a script or new response the client drafted stays theirs alone until it is on
their map.
"""

from __future__ import annotations

import uuid
from typing import TypeVar

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from attune.core.fields import EncryptedTextField
from attune.core.policy import Access
from attune.core.rows import SharedQuerySet


class TriggerKind(models.TextChoices):
    PHRASE = "phrase", "A phrase or words"
    TONE = "tone", "A tone of voice"
    PLACE = "place", "A place or space"
    TOUCH = "touch", "Touch"
    SENSE = "sense", "A smell or sound"
    MEMORY = "memory", "A memory or image"
    SITUATION = "situation", "A situation"
    OTHER = "other", "Something else"


class BodyCue(models.TextChoices):
    TENSION = "tension", "Tension"
    HEAT = "heat", "Heat"
    RACING_HEART = "racing_heart", "Racing heart"
    RACING_THOUGHTS = "racing_thoughts", "Racing thoughts"
    NUMBNESS = "numbness", "Numbness"
    NAUSEA = "nausea", "Nausea"
    FREEZING = "freezing", "Freezing"
    SHALLOW_BREATH = "shallow_breath", "Shallow breath"
    OTHER = "other", "Something else"


class BodyArea(models.TextChoices):
    HEAD = "head", "Head"
    THROAT = "throat", "Jaw and throat"
    SHOULDERS = "shoulders", "Shoulders"
    CHEST = "chest", "Chest"
    STOMACH = "stomach", "Stomach"
    ARMS = "arms", "Arms and hands"
    HIPS = "hips", "Hips and pelvis"
    LEGS = "legs", "Legs and feet"


class AutomaticResponse(models.TextChoices):
    WITHDRAWING = "withdrawing", "Withdrawing"
    SHUTTING_DOWN = "shutting_down", "Shutting down"
    RIGID = "rigid", "Going rigid"
    APPEASING = "appeasing", "Appeasing"
    CONTROL = "control", "Taking control"
    TESTING = "testing", "Testing boundaries"
    JOKING = "joking", "Joking it off"
    SILENT = "silent", "Going silent"
    BRAVADO = "bravado", "Bravado"
    OTHER = "other", "Something else"


class MapStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ON_MAP = "on_map", "On the map"
    SET_ASIDE = "set_aside", "Set aside"


M = TypeVar("M", bound=models.Model)


class MapQuerySet(QuerySet[M]):
    def for_access(self, access: Access) -> QuerySet[M]:
        """The client sees their whole map; anyone else what is on it (or set aside) and the clinicians' drafts."""
        rows = self.filter(client_id=access.client_id)
        if access.is_self:
            return rows
        return rows.filter(~Q(status=MapStatus.DRAFT) | Q(drafted_by_client=False))


class DiaryPreferences(models.Model):
    """The client's default for new entries: shared with their care team or kept to themself."""

    client = models.OneToOneField("care.Client", on_delete=models.CASCADE, related_name="diary_preferences")
    share_by_default = models.BooleanField(default=False)
    updated = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return "diary preferences"


class RelationshipScript(models.Model):
    """One pattern on the client's map, under the client's own name for it ("the Shield").

    Either the client or a clinician drafts it; only the client puts it on the map. A draft the client started
    stays theirs alone until they do; a clinician's draft is visible to the care team from the start.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="scripts")
    status = models.CharField(max_length=12, choices=MapStatus.choices, default=MapStatus.DRAFT)
    drafted_by_client = models.BooleanField(default=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = EncryptedTextField()
    trigger_kinds = models.JSONField(default=list, blank=True)
    triggers = EncryptedTextField()
    body_cues = models.JSONField(default=list, blank=True)
    automatic_responses = models.JSONField(default=list, blank=True)
    automatic_words = EncryptedTextField()
    protects = EncryptedTextField()
    costs = EncryptedTextField()
    approved_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = MapQuerySet.as_manager()

    class Meta:
        ordering = ["created", "id"]
        indexes = [models.Index(fields=["client", "status"], name="script_client_status_idx")]

    def __str__(self) -> str:
        return "relationship script"


class NewResponse(models.Model):
    """A response the client chooses to practise instead of the script's automatic one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="new_responses")
    script = models.ForeignKey(RelationshipScript, on_delete=models.CASCADE, related_name="new_responses")
    status = models.CharField(max_length=12, choices=MapStatus.choices, default=MapStatus.DRAFT)
    drafted_by_client = models.BooleanField(default=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = EncryptedTextField()
    approved_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)

    objects = MapQuerySet.as_manager()

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return "new response"


class DiaryEntry(models.Model):
    """One logged moment. `key` is the client-generated idempotency key of the first submission and
    `fingerprint` a keyed hash of that submission, so that a replay can be told from a different payload
    without keeping a guessable hash of the text."""

    class Response(models.TextChoices):
        USUAL = "usual", "My usual response"
        NEW = "new", "A new response I'm practising"
        OTHER = "other", "Something else"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="diary_entries")
    key = models.UUIDField()
    fingerprint = models.CharField(max_length=64)
    occurred_at = models.DateTimeField(default=timezone.now)
    trigger_kind = models.CharField(max_length=16, choices=TriggerKind.choices)
    trigger_words = EncryptedTextField()
    distress_before = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    distress_after = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(100)])
    body_cues = models.JSONField(default=list, blank=True)
    body_areas = models.JSONField(default=list, blank=True)
    script = models.ForeignKey(
        RelationshipScript, null=True, blank=True, on_delete=models.SET_NULL, related_name="entries"
    )
    response = models.CharField(max_length=8, choices=Response.choices, blank=True)
    new_response = models.ForeignKey(
        NewResponse, null=True, blank=True, on_delete=models.SET_NULL, related_name="entries"
    )
    what_i_did = EncryptedTextField()
    skill = models.CharField(max_length=60, blank=True)
    note = EncryptedTextField()
    shared = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = SharedQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-created"]
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="one_diary_entry_per_key"),
            models.CheckConstraint(condition=models.Q(distress_before__lte=100), name="entry_distress_before_0_100"),
            models.CheckConstraint(
                condition=models.Q(distress_after__isnull=True) | models.Q(distress_after__lte=100),
                name="entry_distress_after_0_100",
            ),
        ]
        indexes = [models.Index(fields=["client", "shared", "occurred_at"], name="entry_client_shared_idx")]

    def __str__(self) -> str:
        return "diary entry"

    @property
    def change(self) -> int | None:
        """How far distress came down (positive) or went up (negative), when both were recorded."""
        if self.distress_after is None:
            return None
        return self.distress_before - self.distress_after


class ResponsePractice(models.Model):
    """A "tried it" in a new response's practice log."""

    class Outcome(models.TextChoices):
        HELPED = "helped", "It helped"
        PARTLY = "partly", "It helped a little"
        HARD = "hard", "It was hard this time"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="response_practices")
    new_response = models.ForeignKey(NewResponse, on_delete=models.CASCADE, related_name="practices")
    key = models.UUIDField()
    fingerprint = models.CharField(max_length=64)
    occurred_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, blank=True)
    note = EncryptedTextField()
    shared = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)

    objects = SharedQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-created"]
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="one_response_practice_per_key")]

    def __str__(self) -> str:
        return "practice of a new response"
