"""Treatment plans and goals with Goal Attainment Scaling.

A plan belongs to one episode of care: the formulation in the client's words and in the clinician's, and goals
agreed with the client. Each goal has its five Goal Attainment Scale levels described in words the client agreed
(-2 much less than expected .. +2 much more), a weight, a target date and the interventions chosen for it.
Nothing is lost when a plan or goal changes: every save of the plan, and every revision or setting aside of a
goal, writes a revision row holding what it said before (sealed with the client's key).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from attune.core.fields import EncryptedTextField


class Intervention(models.TextChoices):
    GROUNDING = "grounding", "Grounding and body awareness"
    BREATHWORK = "breathwork", "Breathwork and pauses"
    CONSENT = "consent_literacy", "Consent literacy"
    REFRAMING = "reframing", "Reframing safety cues"
    EXPOSURE = "exposure", "Graded exposure"
    NARRATIVE = "narrative", "Narrative work"
    MINDFULNESS = "mindfulness", "Mindfulness"
    COUPLES = "couples", "Couples sessions"
    SAFETY = "safety_planning", "Safety planning"
    SUPPORT = "support_network", "Support network"


# The five levels of a goal's scale: (score, field, the client's plain words for what the level means).
LEVELS: tuple[tuple[int, str, str], ...] = (
    (-2, "level_minus2", "A lot less than we hoped"),
    (-1, "level_minus1", "A bit less than we hoped"),
    (0, "level_0", "Where we hoped to be"),
    (1, "level_plus1", "A bit more than we hoped"),
    (2, "level_plus2", "A lot more than we hoped"),
)
LEVEL_FIELDS = tuple(name for _, name, _ in LEVELS)
GOAL_TEXT_FIELDS = ("title", *LEVEL_FIELDS)


class TreatmentPlan(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="treatment_plans")
    episode = models.OneToOneField("care.Episode", on_delete=models.CASCADE, related_name="treatment_plan")
    formulation_client = EncryptedTextField()
    formulation_clinician = EncryptedTextField()
    # Relationship scripts on the client's map ("the Shield") linked to the formulation, by id: the map is the
    # diary's, read through the skills engine's journal hook (skills/journal.py), so there is no foreign key.
    script_ids = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return "treatment plan"


class PlanRevision(models.Model):
    """What the plan's formulation said before a save."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    formulation_client = EncryptedTextField()
    formulation_clinician = EncryptedTextField()
    script_ids = models.JSONField(default=list, blank=True)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["plan", "version"], name="one_plan_revision_per_version")]

    def __str__(self) -> str:
        return "plan revision"


class GoalStatus(models.TextChoices):
    ACTIVE = "active", "Working on it"
    SET_ASIDE = "set_aside", "Set aside"


class Goal(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="goals")
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="goals")
    position = models.PositiveSmallIntegerField(default=0)
    title = EncryptedTextField()
    level_minus2 = EncryptedTextField()
    level_minus1 = EncryptedTextField()
    level_0 = EncryptedTextField()
    level_plus1 = EncryptedTextField()
    level_plus2 = EncryptedTextField()
    weight = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(5)])
    target_date = models.DateField(null=True, blank=True)
    interventions = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.ACTIVE)
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "created"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weight__gte=1, weight__lte=5), name="goal_weight_1_5"),
        ]

    def __str__(self) -> str:
        return "goal"

    @property
    def is_active(self) -> bool:
        return self.status == GoalStatus.ACTIVE

    def levels(self) -> list[tuple[int, str, str]]:
        """(score, the client's plain words for the level, this goal's description of it), from -2 to +2."""
        return [(score, words, getattr(self, name)) for score, name, words in LEVELS]

    def interventions_display(self) -> list[str]:
        labels = dict(Intervention.choices)
        return [labels.get(code, code) for code in self.interventions]


class GoalRevision(models.Model):
    """What a goal said (and its weight, target and status) before a revision or a change of status."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="+")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    title = EncryptedTextField()
    level_minus2 = EncryptedTextField()
    level_minus1 = EncryptedTextField()
    level_0 = EncryptedTextField()
    level_plus1 = EncryptedTextField()
    level_plus2 = EncryptedTextField()
    weight = models.PositiveSmallIntegerField()
    target_date = models.DateField(null=True, blank=True)
    interventions = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=GoalStatus.choices)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["goal", "version"], name="one_goal_revision_per_version")]

    def __str__(self) -> str:
        return "goal revision"


class GoalRating(models.Model):
    """Where a goal stands on its scale, by the client (their own view) or a clinician (the scale's score)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="goal_ratings")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="ratings")
    score = models.SmallIntegerField(validators=[MinValueValidator(-2), MaxValueValidator(2)])
    by_client = models.BooleanField()
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    rated_at = models.DateTimeField(default=timezone.now)
    note = EncryptedTextField()

    class Meta:
        ordering = ["-rated_at"]
        constraints = [models.CheckConstraint(condition=models.Q(score__gte=-2, score__lte=2), name="rating_minus2_2")]
        indexes = [models.Index(fields=["goal", "by_client", "rated_at"], name="rating_goal_idx")]

    def __str__(self) -> str:
        return "goal rating"


class ClinicalSettings(models.Model):
    """A practice's choices for the clinical record: the correlation between goals assumed by the Goal
    Attainment Scaling T-score (0.3 by convention)."""

    practice = models.OneToOneField("care.Practice", on_delete=models.CASCADE, related_name="clinical_settings")
    gas_rho = models.DecimalField(max_digits=3, decimal_places=2, default=0.3)

    def __str__(self) -> str:
        return "clinical settings"
