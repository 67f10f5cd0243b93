"""The access policy: the one place that decides who sees which client's data.

It decides three things, and audits every decision it makes:
- **the relationship** between a user and a client (the client themself, a care-team clinician, a supervisor of
  one, a practice admin, a linked partner, or none). The kernel names the relationships; the record layer
  (`care/relations.py`) registers the queries that find them, because only it knows care teams and partner links;
- **the permission**: each app declares its own permissions in its `perms.py` with `declare()`, saying which
  relationships hold them and which sharing category lets a partner hold one. Deny by default: a relationship
  not named in a permission's declaration is refused, and an undeclared permission cannot be asked for;
- **the answer**: no relationship -> 404, exactly as for a record that does not exist; a relationship without
  the permission -> 403. Both are written to the audit trail as denials.

Records are reached only through `client()`, `own()` and `locate()`. Each returns an `Access` that only this
module can build, so a service that takes an `Access` knows its caller came through here. Reads allowed by a
read permission are audited inside these helpers, so no view writes a read audit by hand; writes are audited by
the service that makes them, inside its transaction, with `Access.record()`.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar, cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from attune.core import audit
from attune.core.models import AuditEvent

__all__ = [
    "Access",
    "ClientRecord",
    "Http404",
    "Perm",
    "PermissionDenied",
    "Relation",
    "Relations",
    "UserLike",
    "client",
    "declare",
    "locate",
    "own",
]

UserLike = AbstractBaseUser | AnonymousUser


class Relation(enum.StrEnum):
    SELF = "client"
    CARE_TEAM = "clinician"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    PARTNER = "partner"
    NONE = "none"


# The strongest relationship wins when a user has several (an admin who is also on the care team).
PRECEDENCE = (Relation.SELF, Relation.CARE_TEAM, Relation.SUPERVISOR, Relation.ADMIN, Relation.PARTNER)


class ClientRecord(Protocol):
    """What the kernel knows of a client record (care.models.Client is one)."""

    @property
    def pk(self) -> uuid.UUID: ...

    @property
    def practice_id(self) -> int: ...

    @property
    def user_id(self) -> int | None: ...


# --- permissions, declared by each app ----------------------------------------------------------------------


@dataclass(frozen=True)
class Perm:
    """One permission. `holders` are the relationships that hold it; a partner also holds it while the client
    shares `partner_category` with them. A write permission's use is audited by the service that writes."""

    code: str
    holders: frozenset[Relation]
    write: bool = False
    partner_category: str = ""
    doc: str = ""
    # A category the client may keep from a named member of their care team (the privacy centre's switches).
    category: str = ""

    def __str__(self) -> str:
        return self.code


_REGISTRY: dict[str, Perm] = {}


def declare(
    code: str,
    holders: Iterable[Relation],
    *,
    write: bool = False,
    partner_category: str = "",
    doc: str = "",
    category: str = "",
) -> Perm:
    """Declare a permission (from an app's perms.py). Codes are unique across the project. A read permission
    with a `category` is one the client may withhold from a named clinician of their care team."""
    if code in _REGISTRY:
        raise ValueError(f"permission {code!r} is declared twice")
    holders = frozenset(holders)
    if Relation.NONE in holders:
        raise ValueError("no permission can be held without a relationship")
    perm = Perm(code, holders, write, partner_category, doc, category)
    _REGISTRY[code] = perm
    return perm


def declared() -> Mapping[str, Perm]:
    """Every declared permission, by code (for the docs and the tests)."""
    return dict(_REGISTRY)


# --- relationships, found by the record layer ---------------------------------------------------------------


class Relations(Protocol):
    """The queries that find relationships. care/relations.py provides them; the kernel only asks."""

    def conditions(self, user: AbstractBaseUser) -> dict[Relation, Q]:
        """One condition on the client table per relationship the user may hold."""
        ...

    def clients(self) -> QuerySet[Model]:
        """Every client record, unfiltered (the base of every lookup)."""
        ...

    def shared_categories(self, client_id: uuid.UUID, user: AbstractBaseUser) -> set[str]:
        """Categories the client shares with this user right now (evaluated on every call, never cached)."""
        ...

    def practices(self, user: AbstractBaseUser, role: str) -> QuerySet[Model]:
        """The practices in which the user holds this role, in force."""
        ...

    def is_member(self, user: AbstractBaseUser, practice_id: int) -> bool:
        """Whether the user holds any role in force in this practice."""
        ...


_relations: Relations | None = None

# Break-glass: the relationships that may ask for emergency access, and the query that says whether it is in
# force (registered by the app that keeps the requests, so the kernel knows no table of it).
BREAK_GLASS_RELATIONS = frozenset({Relation.SUPERVISOR, Relation.ADMIN})
_break_glass: Callable[[uuid.UUID, AbstractBaseUser], bool] | None = None


_withheld: Callable[[uuid.UUID, AbstractBaseUser], set[str]] | None = None


def use_withheld(categories: Callable[[uuid.UUID, AbstractBaseUser], set[str]]) -> None:
    """Called once by the privacy app's AppConfig.ready(): the categories a client keeps from this person right
    now (evaluated on every check, never cached)."""
    global _withheld
    _withheld = categories


def use_break_glass(in_force: Callable[[uuid.UUID, AbstractBaseUser], bool]) -> None:
    """Called once by the privacy app's AppConfig.ready(): whether a user's break-glass access to a client is in
    force now (evaluated on every check, never cached, so expiry takes effect on the next request)."""
    global _break_glass
    _break_glass = in_force


def use_relations(relations: Relations) -> None:
    """Called once by the record layer's AppConfig.ready()."""
    global _relations
    _relations = relations


def _provider() -> Relations:
    if _relations is None:
        raise RuntimeError("no relationship provider registered (is attune.care installed?)")
    return _relations


def _signed_in(user: UserLike | None) -> AbstractBaseUser | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return cast(AbstractBaseUser, user)


def _user_id(user: UserLike | None) -> int | None:
    return cast(int, user.pk) if user is not None and user.is_authenticated else None


# --- the access object ------------------------------------------------------------------------------------

_SEAL = object()


@dataclass(frozen=True)
class Access:
    """A client reached through the policy, by this user, with their relationship. Only the policy builds one."""

    user: AbstractBaseUser
    client: ClientRecord
    relation: Relation
    _seal: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._seal is not _SEAL:
            raise TypeError("an Access comes from the policy (client, own or locate), not from a constructor")

    @property
    def client_id(self) -> uuid.UUID:
        return self.client.pk

    @property
    def actor_id(self) -> int:
        return cast(int, self.user.pk)

    @property
    def is_self(self) -> bool:
        return self.relation is Relation.SELF

    def can(self, perm: Perm) -> bool:
        if self.relation in perm.holders:
            return not self.withheld(perm)
        if self.relation is Relation.PARTNER and perm.partner_category:
            return perm.partner_category in _provider().shared_categories(self.client_id, self.user)
        return self.by_break_glass(perm)

    def withheld(self, perm: Perm) -> bool:
        """Whether the client keeps this permission's category from this member of their care team."""
        if self.relation is not Relation.CARE_TEAM or not perm.category or _withheld is None:
            return False
        return perm.category in self._withheld_categories()

    def _withheld_categories(self) -> frozenset[str]:
        # Read once per Access: an Access lives for one request (the policy builds a new one for each), so a
        # switch the client turns takes effect on the next request, while a page that asks about ten of its
        # panels costs one query, not ten. The client's own Access (the one that turns switches) never reads it.
        cached = self.__dict__.get("_withheld_cache")
        if cached is None:
            assert _withheld is not None
            cached = frozenset(_withheld(self.client_id, self.user))
            object.__setattr__(self, "_withheld_cache", cached)
        return cast(frozenset[str], cached)

    def by_break_glass(self, perm: Perm) -> bool:
        """Whether this caller holds `perm` only through break-glass: a supervisor or admin with emergency
        access in force (given a reason, stepped up, time-limited) reads what the care team reads, never writes."""
        return (
            self.relation in BREAK_GLASS_RELATIONS
            and self.relation not in perm.holders
            and not perm.write
            and Relation.CARE_TEAM in perm.holders
            and _break_glass is not None
            and _break_glass(self.client_id, self.user)
        )

    def require(self, perm: Perm, entity_type: str = "Patient", entity_id: str = "") -> None:
        """Check a further permission on a client already reached: 403 (audited) without it."""
        if not self.can(perm):
            _deny(self.user, entity_type, entity_id or str(self.client_id), perm, self)
            raise PermissionDenied("You do not have access to this part of the record")

    def record(self, action: str, entity_type: str, entity_id: object, perm: Perm) -> None:
        """Audit one access (a write by a service, inside its transaction; or a read)."""
        self.record_many(action, entity_type, [entity_id], perm)

    def record_many(self, action: str, entity_type: str, entity_ids: Iterable[object], perm: Perm) -> None:
        # HL7 purpose of use: the client's own request, treatment, or break-the-glass (decided once, not per row).
        purpose = "PATRQT" if self.is_self else "BTG" if self.by_break_glass(perm) else "TREAT"
        audit.record(
            *[
                audit.Entry(
                    action=action,
                    outcome=AuditEvent.Outcome.SUCCESS,
                    agent_id=self.actor_id,
                    agent_role=self.relation,
                    entity_type=entity_type,
                    entity_id=str(entity_id),
                    client_id=self.client_id,
                    purpose=purpose,
                    reason=perm.code,
                    practice_id=self.client.practice_id,
                )
                for entity_id in entity_ids
            ]
        )

    def shown(self, entity_type: str, entity_ids: Iterable[object], perm: Perm) -> None:
        """Audit the rows a page or an API answer shows (one read event per row, in one insert)."""
        self.record_many(AuditEvent.Action.READ, entity_type, entity_ids, perm)

    def deny_row(self, entity_type: str, entity_id: object, perm: Perm) -> Http404:
        """Audit a refusal of a row outside what this caller may see, and return the 404 to raise."""
        _deny(self.user, entity_type, str(entity_id)[:64], perm, self)
        return Http404("Not found")


def _seal(user: AbstractBaseUser, client: ClientRecord, relation: Relation) -> Access:
    return Access(user, client, relation, _SEAL)


def shared_categories(client_id: uuid.UUID, user: UserLike | None) -> set[str]:
    """The categories this client shares with this user right now."""
    signed_in = _signed_in(user)
    return _provider().shared_categories(client_id, signed_in) if signed_in is not None else set()


# --- audit of denials -------------------------------------------------------------------------------------


def _action_for(perm: Perm) -> str:
    return AuditEvent.Action.UPDATE if perm.write else AuditEvent.Action.READ


def _deny(
    user: UserLike | None,
    entity_type: str,
    entity_id: str,
    perm: Perm,
    access: Access | None,
    about: uuid.UUID | None = None,
) -> None:
    audit.record(
        audit.Entry(
            action=_action_for(perm),
            outcome=AuditEvent.Outcome.DENIED,
            agent_id=_user_id(user),
            agent_role=access.relation if access is not None else Relation.NONE,
            entity_type=entity_type,
            entity_id=entity_id,
            client_id=access.client_id if access is not None else about,
            purpose="TREAT",
            reason=f"{'not-permitted' if access is not None else 'no-relationship'}:{perm.code}",
            practice_id=access.client.practice_id if access is not None else None,
        )
    )


def deny(
    user: UserLike | None, entity_type: str, entity_id: str, perm: Perm, *, about: uuid.UUID | None = None
) -> Http404:
    """Audit a refusal where no relationship was found, and return the 404 to raise. `about` is the client the
    refused request was about, when it exists: the client's access log shows "someone outside your care team
    tried to open your record" (the answer is the same 404 either way, so nothing is revealed to the caller)."""
    _deny(user, entity_type, entity_id[:64], perm, None, about)
    return Http404("Not found")


def _existing_client(pk: uuid.UUID | None) -> uuid.UUID | None:
    """The id of a client that exists (for the audit of a refusal only; never used to answer the caller)."""
    if pk is None:
        return None
    return cast(uuid.UUID | None, _provider().clients().filter(pk=pk).values_list("pk", flat=True).first())


# --- reaching clients -------------------------------------------------------------------------------------


def parse_uuid(value: object) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError):
        return None


def visible_to(user: UserLike | None, *, relations: Iterable[Relation] | None = None) -> QuerySet[Model]:
    """Every client the user has a live relationship with (optionally only some kinds of relationship)."""
    provider = _provider()
    signed_in = _signed_in(user)
    if signed_in is None:
        return provider.clients().none()
    wanted = set(relations) if relations is not None else set(PRECEDENCE)
    condition = Q()
    for relation, q in provider.conditions(signed_in).items():
        if relation in wanted:
            condition |= q
    if not condition:
        return provider.clients().none()
    return provider.clients().filter(condition)


def caseload(user: UserLike | None) -> QuerySet[Model]:
    """The clients whose outline this user may list: their own care team's, a supervisor's team's, an admin's."""
    return visible_to(user, relations=[Relation.CARE_TEAM, Relation.SUPERVISOR, Relation.ADMIN])


Q_M = TypeVar("Q_M", bound=Model)


def annotate_relation(qs: QuerySet[Q_M], user: UserLike | None) -> QuerySet[Q_M]:
    """Adds one boolean per relationship, so the relation of many rows is known without a query per row."""
    signed_in = _signed_in(user)
    if signed_in is None:
        return qs.none()
    conditions = _provider().conditions(signed_in)
    annotated: QuerySet[Q_M] = qs.annotate(**{f"rel_{r.name.lower()}": q for r, q in conditions.items()})
    return annotated


def relation_of(annotated_client: object) -> Relation:
    for relation in PRECEDENCE:
        if getattr(annotated_client, f"rel_{relation.name.lower()}", False):
            return relation
    return Relation.NONE


def _find(user: AbstractBaseUser, pk: uuid.UUID) -> tuple[ClientRecord, Relation] | None:
    """The client with this id and the user's strongest relationship to them, or None without one.

    A client's own record is the commonest lookup (every portal page and diary write) and the strongest
    relationship, so it is tried first with one plain query; everyone else gets one query that works out every
    relationship at once.
    """
    provider = _provider()
    conditions = provider.conditions(user)
    own_record = provider.clients().filter(conditions[Relation.SELF], pk=pk).first()
    if own_record is not None:
        return cast(ClientRecord, own_record), Relation.SELF
    found = annotate_relation(provider.clients().filter(pk=pk), user).first()
    if found is None or relation_of(found) is Relation.NONE:
        return None
    return cast(ClientRecord, found), relation_of(found)


def client(user: UserLike | None, client_id: object, perm: Perm, *, shows: Perm | None = None) -> Access:
    """One client, for this user and one permission: 404 without a relationship, 403 without the permission
    (both audited). A read permission's use is audited here; so is `shows`, the read permission of what a page
    reached with a write permission displays (an edit form shows the record it edits)."""
    signed_in = _signed_in(user)
    pk = parse_uuid(client_id)
    found = _find(signed_in, pk) if signed_in is not None and pk is not None else None
    if found is None or signed_in is None:
        about = _existing_client(pk) if signed_in is not None else None
        raise deny(user, "Patient", str(client_id), perm, about=about)
    access = _seal(signed_in, *found)
    access.require(perm)
    for read in (perm, shows):
        # `shows` is audited only when it is held: a page that leaves the text out has not shown it.
        if read is not None and not read.write and (read is perm or access.can(read)):
            access.record(AuditEvent.Action.READ, "Patient", access.client_id, read)
    return access


def own(user: UserLike | None, perm: Perm, *, shows: Perm | None = None) -> Access:
    """The signed-in client's own record, for portal pages and the client's API. Anyone without one gets 404
    (audited)."""
    own_id = visible_to(user, relations=[Relation.SELF]).values_list("pk", flat=True).first()
    if own_id is None:
        raise deny(user, "Patient", "", perm)
    return client(user, own_id, perm, shows=shows)


# --- reaching rows of a client's record -------------------------------------------------------------------

M = TypeVar("M", bound=Model)


class ScopedQuerySet(Protocol):
    """A queryset that knows which of a client's rows a caller may see (diary entries the client keeps private,
    say). `locate()` and the apps' list queries use it, so one rule answers every way of reaching a row."""

    def for_access(self, access: Access) -> QuerySet[Model]: ...


@dataclass(frozen=True)
class Located(Generic[M]):
    access: Access
    row: M


def scoped(access: Access, rows: QuerySet[M]) -> QuerySet[M]:
    """A client's rows as this caller may see them: the model's own rule (`for_access`) or, without one, all
    rows of the client."""
    rule = getattr(rows, "for_access", None)
    if rule is not None:
        return cast(QuerySet[M], rule(access))
    return rows.filter(client_id=access.client_id)


def locate(
    user: UserLike | None,
    rows: type[M] | QuerySet[M],
    row_id: object,
    perm: Perm,
    *,
    entity: str,
    allowed: Callable[[Access, M], bool] | None = None,
    shows: Perm | None = None,
) -> Located[M]:
    """One row of a client's record (a model with a `client` foreign key), through the policy.

    404 (audited) unless the row exists, its client is visible to the user and the row is inside what the
    caller may see (`scoped`); 403 (audited) without the permission, or when `allowed` says this caller may not
    use this row for it. A read is audited as a read of the row."""
    queryset: QuerySet[M] = rows if isinstance(rows, QuerySet) else rows._default_manager.all()
    pk = _row_pk(queryset.model, row_id)
    client_id = (
        queryset.filter(pk=pk, client__in=visible_to(user)).values_list("client_id", flat=True).first()
        if pk is not None
        else None
    )
    if client_id is None:
        # The row's client, when the row exists, so that the refusal appears in that client's access log.
        about = queryset.filter(pk=pk).values_list("client_id", flat=True).first() if pk is not None else None
        raise deny(user, entity, str(row_id), perm, about=about if _signed_in(user) is not None else None)
    access = client(user, client_id, perm, shows=shows)
    row = scoped(access, queryset).filter(pk=pk).first()
    if row is None:
        raise access.deny_row(entity, row_id, perm)
    if allowed is not None and not allowed(access, row):
        _deny(access.user, entity, str(row.pk), perm, access)
        raise PermissionDenied("This is not yours to change")
    if not perm.write:
        access.record(AuditEvent.Action.READ, entity, row.pk, perm)
    return Located(access, row)


def row_of(access: Access, rows: QuerySet[M], row_id: object, perm: Perm, *, entity: str) -> M:
    """One row of a client already reached (for pages nested under a client's URL): 404 (audited) unless it is
    the client's and inside what the caller may see. A read is audited as a read of the row."""
    pk = _row_pk(rows.model, row_id)
    row = scoped(access, rows).filter(pk=pk).first() if pk is not None else None
    if row is None:
        raise access.deny_row(entity, row_id, perm)
    if not perm.write:
        access.record(AuditEvent.Action.READ, entity, row.pk, perm)
    return row


def _row_pk(model: type[Model], value: object) -> object | None:
    """The row id parsed for the model's primary key type, or None for one that cannot be an id."""
    internal = model._meta.pk.get_internal_type() if model._meta.pk is not None else ""
    if internal == "UUIDField":
        return parse_uuid(value)
    text = str(value)
    return int(text) if text.isdigit() and len(text) < 19 else None


def record_list(user: UserLike | None, clients: Iterable[Model], reason: str = "client.list") -> None:
    """One read event per client shown in a list (a caseload), written in one insert."""
    audit.record(
        *[
            audit.Entry(
                action=AuditEvent.Action.READ,
                outcome=AuditEvent.Outcome.SUCCESS,
                agent_id=_user_id(user),
                agent_role=relation_of(row),
                entity_type="Patient",
                entity_id=str(row.pk),
                client_id=cast(uuid.UUID, row.pk),
                purpose="TREAT",
                reason=reason,
                practice_id=cast(int, getattr(row, "practice_id", None)),
            )
            for row in clients
        ]
    )


# --- practices --------------------------------------------------------------------------------------------


class PracticeRecord(Protocol):
    """What the kernel knows of a practice (care.models.Practice is one)."""

    @property
    def pk(self) -> int: ...

    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class PracticeAccess:
    """A practice reached through the policy by a user who holds `role` in it. Only the policy builds one."""

    user: AbstractBaseUser
    practice: PracticeRecord
    role: str
    _seal: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._seal is not _SEAL:
            raise TypeError("a PracticeAccess comes from policy.practice(), not from a constructor")

    @property
    def practice_id(self) -> int:
        return self.practice.pk

    @property
    def actor_id(self) -> int:
        return cast(int, self.user.pk)

    def new_record(self, client: ClientRecord) -> Access:
        """The admin's access to a client record they have just created in this practice."""
        if client.practice_id != self.practice_id or self.role != Relation.ADMIN:
            raise PermissionDenied("Only the practice's admins open its records")
        return _seal(self.user, client, Relation.ADMIN)

    def record(self, action: str, entity_type: str, entity_id: object, reason: str) -> None:
        """Audit a change an admin makes to the practice's own settings and people (no client involved)."""
        audit.record(
            audit.Entry(
                action=action,
                outcome=AuditEvent.Outcome.SUCCESS,
                agent_id=self.actor_id,
                agent_role=self.role,
                entity_type=entity_type,
                entity_id=str(entity_id),
                reason=reason,
                practice_id=self.practice_id,
            )
        )


def practices_where(user: UserLike | None, role: str) -> QuerySet[Model]:
    """Practices in which the user holds the role, in force."""
    provider = _provider()
    signed_in = _signed_in(user)
    if signed_in is None:
        return provider.clients().none()
    return provider.practices(signed_in, role)


def practice(user: UserLike | None, practice_id: object, role: str) -> PracticeAccess:
    """One practice in which the user holds the role: 403 for other members of that practice, 404 for everyone
    else (both audited)."""
    signed_in = _signed_in(user)
    pk = int(str(practice_id)) if str(practice_id).isdigit() and len(str(practice_id)) < 19 else None
    found = practices_where(signed_in, role).filter(pk=pk).first() if pk is not None else None
    if found is not None and signed_in is not None:
        return PracticeAccess(signed_in, cast(PracticeRecord, found), role, _SEAL)
    member = signed_in is not None and pk is not None and _provider().is_member(signed_in, pk)
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
