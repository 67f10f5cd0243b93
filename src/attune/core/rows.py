"""Row visibility rules that several apps share, as QuerySets that `policy.scoped()` applies.

Once the policy has let a caller reach a client, these decide which of the client's rows the caller sees:
- `SharedQuerySet`: rows with a `shared` flag (diary entries, practice records). The client sees all of them;
  anyone else sees a row only while the client shares it.
- `OwnerOnlyQuerySet`: rows only the client ever sees (their grounding phrases).
A row outside that view does not exist for the caller: `policy.locate()`/`row_of()` answer 404, as for a row that
was never there, and counts and charts built on the same querysets reveal nothing of private rows.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

from attune.core.policy import Access

M = TypeVar("M", bound=Model)


class SharedQuerySet(QuerySet[M]):
    def for_access(self, access: Access) -> QuerySet[M]:
        rows = self.filter(client_id=access.client_id)
        return rows if access.is_self else rows.filter(shared=True)


class OwnerOnlyQuerySet(QuerySet[M]):
    def for_access(self, access: Access) -> QuerySet[M]:
        rows = self.filter(client_id=access.client_id)
        return rows if access.is_self else rows.none()
