"""Each practice's crisis resources: the lines and services its clients are shown at once after an answer that
needs support. Admins manage them (no clinical content); every capability that shows support reads them here."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import Http404

from attune.care.models import CrisisResource
from attune.core.models import AuditEvent
from attune.core.policy import PracticeAccess

ENTITY = "HealthcareService"
REASON = "crisis_resources.manage"
FIELDS = ("name", "phone", "text_line", "web_url", "hours", "region", "position")


def resources_for(practice_id: int) -> list[CrisisResource]:
    """The practice's crisis resources, in the order the admins chose."""
    return list(CrisisResource.objects.filter(practice_id=practice_id).order_by("position", "name"))


def resource_in(practice: PracticeAccess, resource_id: object) -> CrisisResource:
    """One of this practice's resources, or 404."""
    text = str(resource_id)
    resource = (
        CrisisResource.objects.filter(practice=practice.practice_id, pk=int(text)).first()
        if text.isdigit() and len(text) < 19
        else None
    )
    if resource is None:
        raise Http404("No such crisis resource")
    return resource


def add(practice: PracticeAccess, **fields: Any) -> CrisisResource:
    values = {k: v for k, v in fields.items() if k in FIELDS}
    with transaction.atomic():
        resource = CrisisResource.objects.create(practice_id=practice.practice_id, **values)
        practice.record(AuditEvent.Action.CREATE, ENTITY, resource.pk, REASON)
    return resource


def update(practice: PracticeAccess, resource_id: object, **fields: Any) -> CrisisResource:
    with transaction.atomic():
        resource = resource_in(practice, resource_id)
        for name in FIELDS:
            if name in fields:
                setattr(resource, name, fields[name])
        resource.save()
        practice.record(AuditEvent.Action.UPDATE, ENTITY, resource.pk, REASON)
    return resource


def remove(practice: PracticeAccess, resource_id: object) -> None:
    with transaction.atomic():
        resource = resource_in(practice, resource_id)
        pk = resource.pk
        resource.delete()
        practice.record(AuditEvent.Action.DELETE, ENTITY, pk, REASON)
