"""Read helpers for questionnaires, always scoped through the access policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from attune.care.records import record_of
from attune.core import policy
from attune.questionnaires import perms
from attune.questionnaires.models import Response


def open_for(client: Any) -> QuerySet[Response]:
    return Response.objects.filter(client=client, status__in=[Response.Status.ASSIGNED, Response.Status.IN_PROGRESS])


def portal_open(client: Any) -> QuerySet[Response]:
    """What waits in the client's portal; a questionnaire the client set aside shows again on its date."""
    postponed = Q(postponed_until__gt=timezone.localdate())
    return open_for(client).filter(mode=Response.Mode.PORTAL).exclude(postponed).order_by("created")


def completed_for(client: Any) -> QuerySet[Response]:
    return (
        Response.objects.filter(client=client, status=Response.Status.COMPLETED)
        .prefetch_related("answers")
        .order_by("-submitted")
    )


def scores_for(user: Any, client_id: Any) -> tuple[policy.Access, list[Response]]:
    access = policy.get_client_for(user, client_id, perms.VIEW)
    return access, list(completed_for(record_of(access)))
