"""The access policy: the one place that decides who sees which client's data.

Relationships to a client, and what each may do:
- the client themself: their own record;
- a care-team clinician (with an active clinician membership in the client's practice): the clinical record,
  and of the client's diary, practice logs and insights only the items the client chose to share;
- a supervisor of a care-team clinician: the record's outline (name, team, episodes), never clinical text;
- a practice admin: the outline, to run accounts and care teams, never clinical content;
- a partner linked for couples work: only the categories the client has shared with them;
- a researcher, or anyone else: nothing here (researchers get de-identified data elsewhere).

Deny by default: a permission not granted below is refused. No relationship gives 404; a relationship
without the permission gives 403. Every decision, permitted or denied, is written to the audit trail here,
so no view has to remember to.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from attune.core import audit
from attune.core.models import AuditEvent, SharingGrant


class Relation(enum.StrEnum):
    SELF = "client"
    CARE_TEAM = "clinician"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    PARTNER = "partner"
    NONE = "none"


class Perm(enum.StrEnum):
    VIEW = "client.view"  # preferred name, pronouns, status
    VIEW_CLINICAL = "client.view_clinical"  # encrypted clinical text such as the referral reason
    UPDATE = "client.update"
    VIEW_TEAM = "careteam.view"
    MANAGE_TEAM = "careteam.manage"
    VIEW_EPISODES = "episode.view"
    MANAGE_EPISODES = "episode.manage"
    MANAGE_GRANTS = "grant.manage"
    INVITE_CLIENT = "client.invite"
    # The diary, relationship-script maps and skills. Rows the client keeps private are filtered out for everyone
    # but the client by the apps' row-level helpers (diary/access.py); the rules below decide who gets that far.
    VIEW_DIARY = "diary.view"  # diary entries, practice logs, scripts on the map, recommendations, insights
    WRITE_DIARY = "diary.write"  # the client's own entries, practice logs, phrases and sharing choices
    DRAFT_SCRIPTS = "scripts.draft"  # draft a relationship script or a new response for the client to approve
    APPROVE_SCRIPTS = "scripts.approve"  # put a draft on the map, change what is on it, set it aside
    RECOMMEND_SKILLS = "skills.recommend"
    VIEW_SHARED = "shared.view"  # a partner's page of what the client chose to share
    MEASURES_ASSIGN = "measures.assign"  # send a questionnaire, or give one in session
    MEASURES_ANSWER = "measures.answer"  # answer: the client in the portal, a clinician in session
    MEASURES_VIEW = "measures.view"  # scores, flags and bands (outcomes, not clinical text)
    MEASURES_VIEW_ANSWERS = "measures.view_answers"  # item-level answers
    # Monitoring (schedules, alerts, progress). A client sees their own results only for the instruments their
    # clinician chose to show them (monitoring.MeasureVisibility); the rule below lets them get that far.
    MEASURES_VIEW_OWN_RESULTS = "measures.view_own_results"
    MONITORING_CONFIGURE = "monitoring.configure"  # schedules, session dates, what the client may see
    ALERTS_VIEW = "alerts.view"  # alerts about a client (a supervisor never sees acknowledgement notes)
    ALERTS_ACT = "alerts.act"  # acknowledge with a note, resolve
    # The intake (intake/). The client answers it and decides when to send it; the care team reads what was sent.
    INTAKE_SEND = "intake.send"  # send an intake to the client's portal
    INTAKE_ANSWER = "intake.answer"  # answer, skip, keep sections for the session, send: the client's own
    INTAKE_VIEW = "intake.view"  # the answers, the summary and the clinician's section notes
    INTAKE_DISCUSS = "intake.discuss"  # mark a section discussed in session, write a note on it
    INTAKE_STATUS = "intake.status"  # that an intake exists, and its status and dates: no answers


# Permissions that change data: the policy audits their denials, the service audits the write itself inside
# its transaction so that the audit row and the change commit or roll back together.
WRITE_PERMS = {
    Perm.UPDATE,
    Perm.MANAGE_TEAM,
    Perm.MANAGE_EPISODES,
    Perm.MANAGE_GRANTS,
    Perm.INVITE_CLIENT,
    Perm.MEASURES_ASSIGN,
    Perm.MEASURES_ANSWER,
    Perm.MONITORING_CONFIGURE,
    Perm.ALERTS_ACT,
}

_OUTLINE = {Perm.VIEW, Perm.VIEW_TEAM, Perm.VIEW_EPISODES}
RULES: dict[Relation, frozenset[Perm]] = {
    Relation.SELF: frozenset(
        _OUTLINE
        | {Perm.VIEW_CLINICAL, Perm.UPDATE, Perm.MANAGE_GRANTS, Perm.MEASURES_ANSWER, Perm.MEASURES_VIEW_ANSWERS}
        | {Perm.MEASURES_VIEW_OWN_RESULTS}
    ),
    Relation.CARE_TEAM: frozenset(
        _OUTLINE
        | {Perm.VIEW_CLINICAL, Perm.UPDATE, Perm.MANAGE_EPISODES}
        | {Perm.MEASURES_ASSIGN, Perm.MEASURES_ANSWER, Perm.MEASURES_VIEW, Perm.MEASURES_VIEW_ANSWERS}
        | {Perm.MONITORING_CONFIGURE, Perm.ALERTS_VIEW, Perm.ALERTS_ACT}
    ),
    Relation.SUPERVISOR: frozenset(_OUTLINE | {Perm.MEASURES_VIEW, Perm.ALERTS_VIEW}),
    Relation.ADMIN: frozenset(_OUTLINE | {Perm.MANAGE_TEAM, Perm.INVITE_CLIENT}),
    Relation.PARTNER: frozenset({Perm.VIEW_SHARED}),
    Relation.NONE: frozenset(),
}

# The diary, script maps and skills (diary/, skills/). A partner gets nothing of the diary, and supervisors and
# admins see no clinical text, so none of them has a diary permission. The client owns their diary; the care team
# reads what the client shares (rows are filtered by diary/access.py), drafts scripts and recommends skills.
WRITE_PERMS |= {Perm.WRITE_DIARY, Perm.DRAFT_SCRIPTS, Perm.APPROVE_SCRIPTS, Perm.RECOMMEND_SKILLS}
RULES[Relation.SELF] |= {Perm.VIEW_DIARY, Perm.WRITE_DIARY, Perm.DRAFT_SCRIPTS, Perm.APPROVE_SCRIPTS}
RULES[Relation.CARE_TEAM] |= {Perm.VIEW_DIARY, Perm.DRAFT_SCRIPTS, Perm.RECOMMEND_SKILLS}

# The intake (intake/): answered by the client alone, read by the care team once sent. A supervisor sees that an
# intake exists and its status, never the answers; admins and partners nothing.
WRITE_PERMS |= {Perm.INTAKE_SEND, Perm.INTAKE_ANSWER, Perm.INTAKE_DISCUSS}
RULES[Relation.SELF] |= {Perm.INTAKE_ANSWER, Perm.INTAKE_STATUS}
RULES[Relation.CARE_TEAM] |= {Perm.INTAKE_SEND, Perm.INTAKE_VIEW, Perm.INTAKE_DISCUSS, Perm.INTAKE_STATUS}
RULES[Relation.SUPERVISOR] |= {Perm.INTAKE_STATUS}

# What a partner may see when the client has shared the matching category with them.
PARTNER_SHAREABLE: dict[Perm, str] = {Perm.VIEW_CLINICAL: SharingGrant.Category.REFERRAL}


@dataclass(frozen=True)
class Access:
    """A client fetched through the policy, with the caller's relationship to them."""

    client: Any
    relation: Relation

    def can(self, perm: Perm) -> bool:
        return perm in RULES[self.relation]


def _client_model() -> Any:
    from attune.care.models import Client

    return Client


def _user_id(user: Any) -> int | None:
    return user.pk if getattr(user, "is_authenticated", False) else None


def _memberships(user: Any, role: str) -> QuerySet[Any]:
    from attune.accounts.models import Membership

    return Membership.objects.filter(user=user, role=role, active=True)


def _care_team_q(user: Any) -> Q:
    from attune.care.models import CareTeamMember

    # A care-team row counts only while the clinician's membership in the client's practice is in force, so
    # deactivating a clinician revokes their access everywhere on the next request.
    team = CareTeamMember.objects.filter(client=OuterRef("pk"), clinician=user)
    in_practice = _memberships(user, "clinician").filter(practice=OuterRef("practice"))
    return Q(Exists(team)) & Q(Exists(in_practice))


def _supervisor_q(user: Any) -> Q:
    from attune.accounts.models import Membership
    from attune.care.models import CareTeamMember

    supervisees = Membership.objects.filter(
        supervisor=user, role="clinician", active=True, practice=OuterRef("client__practice")
    ).values("user")
    team = CareTeamMember.objects.filter(client=OuterRef("pk"), clinician__in=supervisees)
    in_practice = _memberships(user, "supervisor").filter(practice=OuterRef("practice"))
    return Q(Exists(team)) & Q(Exists(in_practice))


def _admin_q(user: Any) -> Q:
    return Q(Exists(_memberships(user, "admin").filter(practice=OuterRef("practice"))))


def _partner_q(user: Any) -> Q:
    from attune.care.models import PartnerLink

    return Q(Exists(PartnerLink.objects.filter(client=OuterRef("pk"), partner=user, ended__isnull=True)))


def _relation_q(user: Any) -> dict[Relation, Q]:
    return {
        Relation.SELF: Q(user=user),
        Relation.CARE_TEAM: _care_team_q(user),
        Relation.SUPERVISOR: _supervisor_q(user),
        Relation.ADMIN: _admin_q(user),
        Relation.PARTNER: _partner_q(user),
    }


def visible_to(user: Any, *, relations: Iterable[Relation] | None = None) -> QuerySet[Any]:
    """Every client the user has a live relationship with (optionally only some kinds of relationship)."""
    client_model = _client_model()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return client_model.objects.none()
    wanted = set(relations) if relations is not None else set(RULES) - {Relation.NONE}
    condition = Q()
    for relation, q in _relation_q(user).items():
        if relation in wanted:
            condition |= q
    if not condition:
        return client_model.objects.none()
    return client_model.objects.filter(condition)


def caseload(user: Any) -> QuerySet[Any]:
    """The clients whose outline this user may list: their own care team's, a supervisor's team's, an admin's."""
    return visible_to(user, relations=[Relation.CARE_TEAM, Relation.SUPERVISOR, Relation.ADMIN])


def annotate_relation(qs: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """Adds one boolean per relationship, so the relation of many rows is known without a query per row."""
    return qs.annotate(**{f"rel_{r.name.lower()}": q for r, q in _relation_q(user).items()})


# The strongest relationship wins when a user has several (an admin who is also on the care team).
_PRECEDENCE = [Relation.SELF, Relation.CARE_TEAM, Relation.SUPERVISOR, Relation.ADMIN, Relation.PARTNER]


def relation_of(annotated_client: Any) -> Relation:
    for relation in _PRECEDENCE:
        if getattr(annotated_client, f"rel_{relation.name.lower()}", False):
            return relation
    return Relation.NONE


def partner_grants(client_id: uuid.UUID, user: Any) -> set[str]:
    """Categories the client currently shares with this partner. Evaluated on every request, never cached:
    deny overrides permit, and expired or revoked grants count for nothing."""
    now = timezone.now()
    grants = SharingGrant.objects.filter(
        Q(grantee_user=user) | Q(grantee_role="partner"),
        client_id=client_id,
        revoked__isnull=True,
        start__lte=now,
    ).filter(Q(end__isnull=True) | Q(end__gt=now))
    permitted: set[str] = set()
    denied: set[str] = set()
    for category, decision in grants.values_list("category", "decision"):
        (permitted if decision == SharingGrant.Decision.PERMIT else denied).add(category)
    return permitted - denied


def allows(access: Access, perm: Perm, user: Any) -> bool:
    if access.can(perm):
        return True
    if access.relation is Relation.PARTNER and perm in PARTNER_SHAREABLE:
        return PARTNER_SHAREABLE[perm] in partner_grants(access.client.pk, user)
    return False


def _audit_action(perm: Perm) -> str:
    if perm in WRITE_PERMS:
        return AuditEvent.Action.UPDATE
    return AuditEvent.Action.READ


def deny(user: Any, entity_type: str, entity_id: str, perm: Perm, *, client_id: Any = None, relation: str = "") -> None:
    audit.record(
        audit.Entry(
            action=_audit_action(perm),
            outcome=AuditEvent.Outcome.DENIED,
            agent_id=_user_id(user),
            agent_role=relation or Relation.NONE,
            entity_type=entity_type,
            entity_id=entity_id,
            client_id=client_id,
            purpose="TREAT",
            reason=f"{'not-permitted' if client_id else 'no-relationship'}:{perm}",
        )
    )


def _parse_uuid(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (ValueError, TypeError):
        return None


def get_client_for(user: Any, client_id: Any, perm: Perm) -> Access:
    """Fetch one client for this user and check one permission: 404 without a relationship, 403 without the
    permission. A read that is allowed is audited here; a write is audited by the service that makes it."""
    pk = _parse_uuid(client_id)
    access = _find(user, pk) if pk is not None else None
    if access is None:
        deny(user, "Patient", str(client_id)[:64], perm)
        raise Http404("No such client")
    client = access.client
    if not allows(access, perm, user):
        deny(user, "Patient", str(client.pk), perm, client_id=client.pk, relation=access.relation)
        raise PermissionDenied("You do not have access to this part of the record")
    if perm not in WRITE_PERMS:
        record_access(user, access, AuditEvent.Action.READ, "Patient", str(client.pk), perm)
    return access


def _find(user: Any, pk: uuid.UUID) -> Access | None:
    """The client with this id and the user's strongest relationship to them, or None without one.

    A client's own record is the commonest lookup (every portal page and diary write) and the strongest
    relationship, so it is tried first with one plain query; everyone else gets one query that works out every
    relationship at once.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    client_model = _client_model()
    own = client_model.objects.select_related("practice").filter(pk=pk, user=user).first()
    if own is not None:
        return Access(own, Relation.SELF)
    client = annotate_relation(client_model.objects.filter(pk=pk), user).select_related("practice").first()
    if client is None or relation_of(client) is Relation.NONE:
        return None
    return Access(client, relation_of(client))


def record_access(user: Any, access: Access, action: str, entity_type: str, entity_id: str, perm: Perm) -> None:
    audit.record(
        audit.Entry(
            action=action,
            outcome=AuditEvent.Outcome.SUCCESS,
            agent_id=_user_id(user),
            agent_role=access.relation,
            entity_type=entity_type,
            entity_id=entity_id,
            client_id=access.client.pk,
            purpose="PATRQT" if access.relation is Relation.SELF else "TREAT",
            reason=str(perm),
        )
    )


def record_list(user: Any, clients: Iterable[Any], relation_for: Any = relation_of) -> None:
    """One read event per client shown in a list, written in one insert."""
    entries = [
        audit.Entry(
            action=AuditEvent.Action.READ,
            outcome=AuditEvent.Outcome.SUCCESS,
            agent_id=_user_id(user),
            agent_role=relation_for(client),
            entity_type="Patient",
            entity_id=str(client.pk),
            client_id=client.pk,
            purpose="TREAT",
            reason="client.list",
        )
        for client in clients
    ]
    audit.record(*entries)


def practices_where(user: Any, role: str) -> QuerySet[Any]:
    """Practices in which the user holds this role, in force."""
    from attune.care.models import Practice

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Practice.objects.none()
    return Practice.objects.filter(memberships__user=user, memberships__role=role, memberships__active=True)


def practice_for(user: Any, practice_id: Any, role: str) -> Any:
    """One practice in which the user holds the role: 403 for other members of that practice, 404 (both
    audited) for everyone else."""
    from attune.accounts.models import Membership

    practice = practices_where(user, role).filter(pk=practice_id).first() if str(practice_id).isdigit() else None
    if practice is None:
        member = (
            str(practice_id).isdigit()
            and _user_id(user) is not None
            and Membership.objects.filter(user_id=user.pk, practice_id=practice_id, active=True).exists()
        )
        audit.record(
            audit.Entry(
                action=AuditEvent.Action.EXECUTE,
                outcome=AuditEvent.Outcome.DENIED,
                agent_id=_user_id(user),
                agent_role=Relation.NONE,
                entity_type="Organization",
                entity_id=str(practice_id)[:64],
                reason=f"no-role:{role}",
            )
        )
        if member:
            raise PermissionDenied("This page is for the practice's admins")
        raise Http404("No such practice")
    return practice
