"""Row visibility rules that several apps share, as QuerySets that `policy.scoped()` applies.

Once the policy has let a caller reach a client, these decide which of the client's rows the caller sees:
- `SharedQuerySet`: rows with a `shared` flag (diary entries, practice records). The client sees all of them;
  anyone else sees a row only while the client shares it.
- `OwnerOnlyQuerySet`: rows only the client ever sees (their grounding phrases).
A row outside that view does not exist for the caller: `policy.locate()`/`row_of()` answer 404, as for a row that
was never there, and counts and charts built on the same querysets reveal nothing of private rows.

It also holds the three audited writes most services make on a client's own rows: `add` (a new row on the
client's record), `change` (the row again, locked, given new values) and `remove`. Each runs in one transaction
and writes one audit event with the permission the caller used; the caller checks the permission and validates
the values first, so a refusal or a bad value writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from attune.core import policy
from attune.core.models import AuditEvent
from attune.core.policy import Access, Perm

M = TypeVar("M", bound=Model)


class SharedQuerySet(QuerySet[M]):
    def for_access(self, access: Access) -> QuerySet[M]:
        rows = self.filter(client_id=access.client_id)
        return rows if access.is_self else rows.filter(shared=True)


class OwnerOnlyQuerySet(QuerySet[M]):
    def for_access(self, access: Access) -> QuerySet[M]:
        rows = self.filter(client_id=access.client_id)
        return rows if access.is_self else rows.none()


def locked(access: Access, row: M) -> M:
    """The caller's row read again and locked until the transaction ends; gone (DoesNotExist) if no longer visible."""
    return policy.scoped(access, type(row)._default_manager.all()).select_for_update().get(pk=row.pk)


def add(access: Access, model: type[M], perm: Perm, **values: Any) -> M:
    """A new row on the client's record, audited as created with `perm`."""
    with transaction.atomic():
        row = model(client_id=access.client_id, **values)
        row.save()
        access.record(AuditEvent.Action.CREATE, model.__name__, row.pk, perm)
    return row


def change(access: Access, row: M, perm: Perm, values: Mapping[str, Any]) -> M:
    """The row, locked, given `values` (and a fresh `updated` time where the model keeps one), audited as updated."""
    with transaction.atomic():
        fresh = locked(access, row)
        for name, value in values.items():
            setattr(fresh, name, value)
        if any(f.name == "updated" for f in fresh._meta.concrete_fields):
            fresh.updated = timezone.now()  # type: ignore[attr-defined]
        fresh.save()
        access.record(AuditEvent.Action.UPDATE, type(row).__name__, fresh.pk, perm)
    return fresh


def remove(access: Access, row: Model, perm: Perm) -> None:
    """Delete the row, audited with the id it had."""
    row_id = row.pk
    with transaction.atomic():
        row.delete()
        access.record(AuditEvent.Action.DELETE, type(row).__name__, row_id, perm)
