"""How a user is related to a client, as the access policy (core/policy.py) asks it.

The kernel names the relationships and decides what each may do; this module, which knows care teams, practice
memberships and partner links, answers the queries that find them. Every relationship is worked out from rows
in force on each request: a care-team row counts only while the clinician's membership in the client's practice
is active, a supervisor's only while they supervise an active care-team clinician, a partner's only while the
link has not ended, and sharing grants only while neither revoked nor expired (deny overrides permit).
"""

from __future__ import annotations

import uuid

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from attune.accounts.models import Membership
from attune.care.models import CareTeamMember, Client, PartnerLink, Practice
from attune.core.models import SharingGrant
from attune.core.policy import Relation


def _memberships(user: AbstractBaseUser, role: str) -> QuerySet[Membership]:
    return Membership.objects.filter(user_id=user.pk, role=role, active=True)


def _care_team_q(user: AbstractBaseUser) -> Q:
    # A care-team row counts only while the clinician's membership in the client's practice is in force, so
    # deactivating a clinician revokes their access everywhere on the next request.
    team = CareTeamMember.objects.filter(client=OuterRef("pk"), clinician_id=user.pk)
    in_practice = _memberships(user, Membership.Role.CLINICIAN).filter(practice=OuterRef("practice"))
    return Q(Exists(team)) & Q(Exists(in_practice))


def _supervisor_q(user: AbstractBaseUser) -> Q:
    supervisees = Membership.objects.filter(
        supervisor_id=user.pk, role=Membership.Role.CLINICIAN, active=True, practice=OuterRef("client__practice")
    ).values("user")
    team = CareTeamMember.objects.filter(client=OuterRef("pk"), clinician__in=supervisees)
    in_practice = _memberships(user, Membership.Role.SUPERVISOR).filter(practice=OuterRef("practice"))
    return Q(Exists(team)) & Q(Exists(in_practice))


def _admin_q(user: AbstractBaseUser) -> Q:
    return Q(Exists(_memberships(user, Membership.Role.ADMIN).filter(practice=OuterRef("practice"))))


def _partner_q(user: AbstractBaseUser) -> Q:
    return Q(Exists(PartnerLink.objects.filter(client=OuterRef("pk"), partner_id=user.pk, ended__isnull=True)))


class CareRelations:
    """The relationship queries of the access policy (registered in CareConfig.ready)."""

    def conditions(self, user: AbstractBaseUser) -> dict[Relation, Q]:
        return {
            Relation.SELF: Q(user_id=user.pk),
            Relation.CARE_TEAM: _care_team_q(user),
            Relation.SUPERVISOR: _supervisor_q(user),
            Relation.ADMIN: _admin_q(user),
            Relation.PARTNER: _partner_q(user),
        }

    def clients(self) -> QuerySet[Model]:
        return Client.objects.select_related("practice")

    def shared_categories(self, client_id: uuid.UUID, user: AbstractBaseUser) -> set[str]:
        now = timezone.now()
        grants = SharingGrant.objects.filter(
            Q(grantee_user_id=user.pk) | Q(grantee_role="partner"),
            client_id=client_id,
            revoked__isnull=True,
            start__lte=now,
        ).filter(Q(end__isnull=True) | Q(end__gt=now))
        permitted: set[str] = set()
        denied: set[str] = set()
        for category, decision in grants.values_list("category", "decision"):
            (permitted if decision == SharingGrant.Decision.PERMIT else denied).add(category)
        return permitted - denied

    def practices(self, user: AbstractBaseUser, role: str) -> QuerySet[Model]:
        return Practice.objects.filter(memberships__user_id=user.pk, memberships__role=role, memberships__active=True)

    def is_member(self, user: AbstractBaseUser, practice_id: int) -> bool:
        return Membership.objects.filter(user_id=user.pk, practice_id=practice_id, active=True).exists()
