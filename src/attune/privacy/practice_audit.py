"""The practice's audit trail for its admins: filtered, paginated, exported, and the chain's verification.

An admin sees the events about the practice's clients and the events by its members: ids, codes and names of
people and clients (the outline an admin already sees), never clinical text (the trail holds none). The page
reads the trail through its public rows (core.models.AuditEvent) and verifies it with core.audit.verify().
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone

from attune.accounts.models import Membership, User
from attune.care.models import Client
from attune.core import audit
from attune.core.models import AuditEvent
from attune.core.policy import PracticeAccess

PAGE_SIZE = 50
EXPORT_LIMIT = 50_000


@dataclass(frozen=True)
class AuditFilter:
    actor: int | None = None
    client: str = ""
    action: str = ""
    outcome: int | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None


def members(access: PracticeAccess) -> list[tuple[int, str]]:
    people = User.objects.filter(memberships__practice_id=access.practice_id).distinct().order_by("display_name")
    return [(u.pk, u.display_name) for u in people]


def clients(access: PracticeAccess) -> list[tuple[str, str]]:
    return [(str(c.pk), c.preferred_name) for c in Client.objects.filter(practice_id=access.practice_id)]


def events(access: PracticeAccess, wanted: AuditFilter) -> QuerySet[AuditEvent]:
    client_ids = Client.objects.filter(practice_id=access.practice_id).values("pk")
    member_ids = Membership.objects.filter(practice_id=access.practice_id).values("user_id")
    rows = AuditEvent.objects.filter(Q(client_id__in=client_ids) | Q(agent_id__in=member_ids))
    if wanted.actor is not None:
        rows = rows.filter(agent_id=wanted.actor)
    if wanted.client:
        rows = rows.filter(client_id=wanted.client)
    if wanted.action:
        rows = rows.filter(action=wanted.action)
    if wanted.outcome is not None:
        rows = rows.filter(outcome=wanted.outcome)
    zone = timezone.get_current_timezone()
    if wanted.since is not None:
        rows = rows.filter(recorded__gte=datetime.datetime.combine(wanted.since, datetime.time.min, zone))
    if wanted.until is not None:
        after = wanted.until + datetime.timedelta(days=1)
        rows = rows.filter(recorded__lt=datetime.datetime.combine(after, datetime.time.min, zone))
    return rows.order_by("-id")


def _named(access: PracticeAccess, rows: list[AuditEvent]) -> list[dict[str, Any]]:
    people = dict(
        User.objects.filter(pk__in={r.agent_id for r in rows if r.agent_id}).values_list("pk", "display_name")
    )
    names = dict(
        Client.objects.filter(
            practice_id=access.practice_id, pk__in={r.client_id for r in rows if r.client_id}
        ).values_list("pk", "preferred_name")
    )
    return [
        {
            "event": r,
            "who": people.get(r.agent_id, "") if r.agent_id else "the system",
            "client": names.get(r.client_id, "") if r.client_id else "",
        }
        for r in rows
    ]


def page_of(
    access: PracticeAccess, wanted: AuditFilter, number: int | str | None
) -> tuple[Page[Any], list[dict[str, Any]]]:
    page = Paginator(events(access, wanted), PAGE_SIZE).get_page(number)
    return page, _named(access, list(page.object_list))


COLUMNS = [
    "id",
    "recorded",
    "actor",
    "actor_id",
    "role",
    "action",
    "outcome",
    "entity_type",
    "entity_id",
    "client",
    "client_id",
    "purpose",
    "reason",
    "network",
]


def export_csv(access: PracticeAccess, wanted: AuditFilter) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    rows = list(events(access, wanted)[:EXPORT_LIMIT])
    for row in _named(access, rows):
        e: AuditEvent = row["event"]
        writer.writerow(
            [
                e.pk,
                e.recorded.isoformat(),
                row["who"],
                e.agent_id or "",
                e.agent_role,
                e.get_action_display(),
                e.get_outcome_display(),
                e.entity_type,
                e.entity_id,
                row["client"],
                e.client_id or "",
                e.purpose,
                e.reason,
                e.agent_network,
            ]
        )
    return out.getvalue()


def verify() -> audit.VerifyResult:
    return audit.verify()
