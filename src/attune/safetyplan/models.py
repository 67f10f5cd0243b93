"""The client's safety plan, its versions and their support network.

Everything the client writes is sealed with their data key (EncryptedTextField): the two parts of the plan are
each one encrypted JSON document, the photo is encrypted too. Who sees which row is each model's QuerySet's
`for_access()`, which the policy applies to every way of reaching a row:
- the client sees everything of their own;
- the care team sees what the client shares: with "nothing" no version and no person, with "the suicide-safety part
  only" the versions that changed that part and the people (they are steps 3 and 4), with "all" everything;
- a partner reaches none of it (no permission of this app names a partner), so no query here ever runs for one.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from attune.core.fields import EncryptedTextField
from attune.core.policy import Access
from attune.safetyplan import inputs


class Sharing(models.TextChoices):
    NONE = "none", "Nothing"
    SAFETY = "safety", "The suicide-safety part only"
    ALL = "all", "All of the plan"


def _sharing_of(access: Access) -> str:
    """What the client shares of their plan with this caller (the client: everything)."""
    if access.is_self:
        return Sharing.ALL
    plan = SafetyPlan.objects.filter(client_id=access.client_id).values_list("sharing", flat=True).first()
    return plan or Sharing.NONE


M = TypeVar("M", bound=models.Model)


class PlanQuerySet(QuerySet[M]):
    def for_access(self, access: Access) -> QuerySet[M]:
        # The plan row itself: the care team learns that a plan exists even when nothing of it is shared (the
        # sharing page tells the client so); its parts are hidden by `visible_parts`.
        return self.filter(client_id=access.client_id)


class VersionQuerySet(QuerySet[M]):
    def for_access(self, access: Access) -> QuerySet[M]:
        rows = self.filter(client_id=access.client_id)
        sharing = _sharing_of(access)
        if sharing == Sharing.ALL:
            return rows
        if sharing == Sharing.SAFETY:
            return rows.filter(touches_safety=True)
        return rows.none()


class NetworkQuerySet(QuerySet[M]):
    def for_access(self, access: Access) -> QuerySet[M]:
        rows = self.filter(client_id=access.client_id)
        return rows if _sharing_of(access) != Sharing.NONE else rows.none()


def visible_parts(access: Access, plan: SafetyPlan | None) -> set[str]:
    """The parts of the plan this caller may read: both for the client, the shared ones for the care team."""
    if access.is_self:
        return {inputs.SAFETY, inputs.RELATIONSHIP}
    sharing = plan.sharing if plan is not None else Sharing.NONE
    return {
        Sharing.NONE: set(),
        Sharing.SAFETY: {inputs.SAFETY},
        Sharing.ALL: {inputs.SAFETY, inputs.RELATIONSHIP},
    }[Sharing(sharing)]


def _load(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


class SafetyPlan(models.Model):
    """One client's plan: the current text of both parts, the client's sharing choice and the last review."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.OneToOneField("care.Client", on_delete=models.CASCADE, related_name="safety_plan")
    sharing = models.CharField(max_length=8, choices=Sharing.choices, default=Sharing.NONE)
    safety = EncryptedTextField()  # JSON: the six steps and the reasons for living
    relationship = EncryptedTextField()  # JSON: the relationship-safety part
    photo = EncryptedTextField()  # base64 JPEG, or empty
    reviewed_on = models.DateField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When a safety concern was last raised about the client (a critical answer, an intake safety answer): the
    # care team's page suggests going through the plan together until it is marked reviewed after that.
    concern_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=0)

    objects = PlanQuerySet.as_manager()

    def __str__(self) -> str:
        return "safety plan"

    @property
    def review_suggested(self) -> bool:
        if self.concern_at is None:
            return False
        return self.reviewed_on is None or timezone.localtime(self.concern_at).date() > self.reviewed_on

    @property
    def safety_data(self) -> dict[str, Any]:
        return _load(self.safety)

    @property
    def relationship_data(self) -> dict[str, Any]:
        return _load(self.relationship)


class PlanVersion(models.Model):
    """Every saved change of the plan: a copy of both parts as they stood after it. A restore is a new version."""

    class Change(models.TextChoices):
        EDIT = "edit", "Changed"
        RESTORE = "restore", "Earlier version brought back"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="safety_plan_versions")
    plan = models.ForeignKey(SafetyPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    change = models.CharField(max_length=8, choices=Change.choices, default=Change.EDIT)
    step = models.CharField(max_length=16, blank=True)  # which step an edit was about (a code, never text)
    touches_safety = models.BooleanField(default=False)
    touches_relationship = models.BooleanField(default=False)
    by_client = models.BooleanField(default=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    safety = EncryptedTextField()
    relationship = EncryptedTextField()
    created = models.DateTimeField(default=timezone.now)

    objects = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="one_plan_version_per_number")]

    def __str__(self) -> str:
        return "safety plan version"

    @property
    def safety_data(self) -> dict[str, Any]:
        return _load(self.safety)

    @property
    def relationship_data(self) -> dict[str, Any]:
        return _load(self.relationship)


class SupportPerson(models.Model):
    """Someone in the client's support network, usable in steps 3 and 4 of the plan."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="support_people")
    name = EncryptedTextField()
    how_they_help = EncryptedTextField()
    phone = EncryptedTextField()
    reach = EncryptedTextField()  # other ways to reach them, in the client's words
    knows_about_therapy = models.CharField(max_length=8, blank=True)
    safe_to_contact = models.CharField(max_length=8, blank=True)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)

    objects = NetworkQuerySet.as_manager()

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return "support person"
