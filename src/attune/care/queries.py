"""Read helpers for client records, always starting from the policy's querysets."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from attune.accounts.models import Membership, User
from attune.care import perms
from attune.care.models import CareTeamMember, Client, Episode, SafeContact
from attune.core import policy

SORTS = {"name": ("preferred_name", "id"), "-name": ("-preferred_name", "-id"), "newest": ("-created", "id")}


def caseload(
    user: Any, *, search: str = "", status: str = "", mine: bool = False, sort: str = "name"
) -> QuerySet[Client]:
    qs: Any = policy.caseload(user) if not mine else policy.visible_to(user, relations=[policy.Relation.CARE_TEAM])
    qs = policy.annotate_relation(qs.with_status(), user)
    if search:
        qs = qs.filter(Q(preferred_name__icontains=search.strip()))
    if status == "active":
        qs = qs.filter(is_active=True)
    elif status == "discharged":
        qs = qs.filter(is_active=False)
    team = CareTeamMember.objects.select_related("clinician").order_by("-role", "added")
    current = Episode.objects.filter(closed__isnull=True)
    return (
        qs.select_related("practice")
        .prefetch_related(
            Prefetch("care_team", queryset=team),
            Prefetch("episodes", queryset=current, to_attr="open_episodes"),
        )
        .order_by(*SORTS.get(sort, SORTS["name"]))
    )


def care_team(client: Client) -> list[CareTeamMember]:
    return list(CareTeamMember.objects.filter(client=client).select_related("clinician").order_by("-role", "added"))


def episodes(client: Client) -> list[Episode]:
    return list(Episode.objects.filter(client=client).order_by("-opened"))


def current_episode(episode_list: list[Episode]) -> Episode | None:
    return next((e for e in episode_list if e.closed is None), None)


def supervisor_choices(practice_id: int) -> list[tuple[int, str]]:
    """The practice's active supervisors, for choosing a clinician's supervisor."""
    supervisors = User.objects.filter(
        memberships__practice_id=practice_id,
        memberships__role=Membership.Role.SUPERVISOR,
        memberships__active=True,
    ).order_by("display_name")
    return [(u.pk, u.display_name) for u in supervisors]


def clinician_choices(practice_id: int) -> list[tuple[int, str]]:
    """The practice's active clinicians, for choosing a care team or a primary clinician."""
    clinicians = User.objects.filter(
        memberships__practice_id=practice_id,
        memberships__role=Membership.Role.CLINICIAN,
        memberships__active=True,
    ).order_by("display_name")
    return [(u.pk, u.display_name) for u in clinicians]


def safe_contact(access: policy.Access) -> SafeContact | None:
    """The client's safe ways of contact (None: nothing said yet), for whoever holds contact.view. The read is
    audited where the record was reached (reach it with contact.view, or `shows=` it)."""
    access.require(perms.VIEW_CONTACT, "Patient", str(access.client_id))
    return SafeContact.objects.filter(client_id=access.client_id).first()
