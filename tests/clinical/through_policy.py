"""Clinical service calls made the way a view makes them: reach the client (and the row) through the policy with
the permission the service needs, then call the service with that access."""

from __future__ import annotations

import datetime
import uuid

from attune.accounts.models import User
from attune.clinical import perms, services
from attune.clinical.models import NoteAddendum, SessionNote
from attune.core import policy
from attune.core.policy import Access


def _client(user: User, client_id: uuid.UUID, perm: policy.Perm) -> Access:
    return policy.client(user, client_id, perm)


def _note(access: Access, note_id: object) -> SessionNote:
    return policy.row_of(access, SessionNote.objects.all(), note_id, perms.WRITE_NOTES, entity="SessionNote")


def start_note(
    user: User, client_id: uuid.UUID, template: str, sections: dict[str, str], day: datetime.date | None = None
) -> SessionNote:
    access = _client(user, client_id, perms.WRITE_NOTES)
    data = services.NoteInput(template, day or datetime.date.today(), sections)
    return services.start_note(access, data)


def save_draft(
    user: User, client_id: uuid.UUID, note_id: object, sections: dict[str, str], version: int | None
) -> SessionNote:
    access = _client(user, client_id, perms.WRITE_NOTES)
    return services.save_draft(access, _note(access, note_id), sections, expected_version=version)


def sign_note(user: User, client_id: uuid.UUID, note_id: object, version: int | None) -> SessionNote:
    access = _client(user, client_id, perms.WRITE_NOTES)
    return services.sign_note(access, _note(access, note_id), expected_version=version)


def add_addendum(user: User, client_id: uuid.UUID, note_id: object, text: str) -> NoteAddendum:
    access = _client(user, client_id, perms.WRITE_NOTES)
    return services.add_addendum(access, _note(access, note_id), text)
