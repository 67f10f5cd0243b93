"""Row-level visibility of diary, script-map and practice rows, on top of the core access policy.

It decides which of a client's rows a caller may see once the policy has let them reach the client:
- the client sees all their own rows;
- anyone else (today only the care team holds a diary permission) sees a diary entry or a practice record only
  while the client shares it, and a script or new response only once it is on the map or was drafted by a
  clinician.
A row outside that view does not exist for the caller: 404, the same answer as for a row that was never there,
and the refusal is audited. Counts, dates and insights are computed from the same querysets, so nothing reveals
that private rows exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from attune.core import audit, policy
from attune.core.models import AuditEvent
from attune.core.policy import Access, Perm, Relation

M = TypeVar("M", bound=Model)


def is_owner(access: Access) -> bool:
    return access.relation is Relation.SELF


def shared_only(access: Access, qs: QuerySet[M]) -> QuerySet[M]:
    """A client's rows with a `shared` flag, as this caller may see them."""
    qs = qs.filter(client_id=access.client_id)
    return qs if is_owner(access) else qs.filter(shared=True)


def on_the_map(access: Access, qs: QuerySet[M]) -> QuerySet[M]:
    """A client's scripts or new responses, as this caller may see them."""
    qs = qs.filter(client_id=access.client_id)
    if is_owner(access):
        return qs
    return qs.filter(~Q(status="draft") | Q(drafted_by_client=False))


def own_client(user: Any, perm: Perm) -> Access:
    """The signed-in client's own record, for portal pages. Anyone without one gets 404 (audited)."""
    own = policy.visible_to(user, relations=[Relation.SELF]).values_list("pk", flat=True).first()
    if own is None:
        policy.deny_legacy(user, "Patient", "", perm)
        raise Http404("No diary here")
    access = policy.get_client_for(user, own, perm)
    if perm.write:
        # get_client_for audits reads only; a page opened with a write permission shows the client's own rows.
        record_reads(user, access, "Patient", [access.client_id], perm)
    return access


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def get_row(user: Any, access: Access, qs: QuerySet[M], row_id: Any, perm: Perm, entity_type: str) -> M:
    """One row of `qs` (already scoped by the helpers above), or 404 with a denied audit event."""
    row = qs.filter(pk=row_id).first() if _is_uuid(row_id) else None
    if row is None:
        policy.deny_legacy(
            user, entity_type, str(row_id)[:64], perm, client_id=access.client_id, relation=access.relation
        )
        raise Http404("Not found")
    return row


def record_reads(user: Any, access: Access, entity_type: str, ids: Iterable[Any], perm: Perm) -> None:
    """One read event per row shown, written in one insert (ids only, never text)."""
    entries = [
        audit.Entry(
            action=AuditEvent.Action.READ,
            outcome=AuditEvent.Outcome.SUCCESS,
            agent_id=user.pk,
            agent_role=access.relation,
            entity_type=entity_type,
            entity_id=str(row_id),
            client_id=access.client_id,
            purpose="PATRQT" if is_owner(access) else "TREAT",
            reason=str(perm),
        )
        for row_id in ids
    ]
    audit.record(*entries)


def require(user: Any, access: Access, perm: Perm, entity_type: str = "Patient") -> None:
    """Check a further permission on a client already fetched; 403 (audited) without it."""
    if not policy.allows(access, perm, user):
        policy.deny_legacy(
            user, entity_type, str(access.client_id), perm, client_id=access.client_id, relation=access.relation
        )
        raise policy.PermissionDenied("You do not have access to this part of the record")
