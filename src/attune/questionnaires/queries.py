"""Read helpers for questionnaires. Callers have reached the client through the access policy."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet
from django.utils import timezone

from attune.care.models import Client
from attune.questionnaires.models import Response

ClientRef = Client | uuid.UUID


def open_for(client: ClientRef) -> QuerySet[Response]:
    return Response.objects.filter(client=client, status__in=[Response.Status.ASSIGNED, Response.Status.IN_PROGRESS])


def open_instruments(client: ClientRef) -> set[str]:
    """The instruments of which one is open (waiting or started) for this client."""
    return set(open_for(client).values_list("instrument", flat=True))


def portal_open(client: ClientRef) -> QuerySet[Response]:
    """What waits in the client's portal; a questionnaire the client set aside shows again on its date."""
    postponed = Q(postponed_until__gt=timezone.localdate())
    return open_for(client).filter(mode=Response.Mode.PORTAL).exclude(postponed).order_by("created")


def portal_postponed(client: ClientRef) -> QuerySet[Response]:
    """What the client set aside, soonest back first."""
    return (
        open_for(client)
        .filter(mode=Response.Mode.PORTAL, postponed_until__gt=timezone.localdate())
        .order_by("postponed_until")
    )


def completed_for(client: ClientRef) -> QuerySet[Response]:
    return (
        Response.objects.filter(client=client, status=Response.Status.COMPLETED)
        .prefetch_related("answers")
        .order_by("-submitted")
    )
