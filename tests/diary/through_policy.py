"""Diary service calls made the way a view makes them: reach the client (and the row) through the policy with the
permission the service needs, then call the service with that access. Tests that exercise a service by user and
id use these, so a refusal comes from the same place it would in a request."""

from __future__ import annotations

import uuid

from attune.accounts.models import User
from attune.core import policy
from attune.core.policy import Access
from attune.diary import perms, services
from attune.diary.models import DiaryEntry, DiaryPreferences, NewResponse, RelationshipScript, ResponsePractice
from attune.diary.services import EntryInput, PracticeInput, StaleWriteError

__all__ = ["EntryInput", "PracticeInput", "StaleWriteError"]


def _client(user: User, client_id: uuid.UUID, perm: policy.Perm) -> Access:
    return policy.client(user, client_id, perm)


def _script(access: Access, script_id: object, perm: policy.Perm) -> RelationshipScript:
    return policy.row_of(access, RelationshipScript.objects.all(), script_id, perm, entity="RelationshipScript")


def _response(access: Access, response_id: object, perm: policy.Perm) -> NewResponse:
    return policy.row_of(access, NewResponse.objects.all(), response_id, perm, entity="NewResponse")


def log_entry(user: User, client_id: uuid.UUID, key: uuid.UUID, data: EntryInput) -> tuple[DiaryEntry, bool]:
    return services.log_entry(_client(user, client_id, perms.WRITE_DIARY), key, data)


def update_entry(
    user: User,
    client_id: uuid.UUID,
    entry_id: object,
    changes: dict[str, object],
    *,
    expected_version: int | None = None,
) -> DiaryEntry:
    access = _client(user, client_id, perms.WRITE_DIARY)
    entry = policy.row_of(access, DiaryEntry.objects.all(), entry_id, perms.WRITE_DIARY, entity="DiaryEntry")
    return services.update_entry(access, entry, changes, expected_version=expected_version)


def delete_entry(user: User, client_id: uuid.UUID, entry_id: object) -> None:
    access = _client(user, client_id, perms.WRITE_DIARY)
    entry = policy.row_of(access, DiaryEntry.objects.all(), entry_id, perms.WRITE_DIARY, entity="DiaryEntry")
    services.delete_entry(access, entry)


def set_share_default(user: User, client_id: uuid.UUID, share: bool) -> DiaryPreferences:
    return services.set_share_default(_client(user, client_id, perms.WRITE_DIARY), share)


def draft_script(
    user: User, client_id: uuid.UUID, values: dict[str, object], *, on_map: bool = False
) -> RelationshipScript:
    perm = perms.APPROVE_SCRIPTS if on_map else perms.DRAFT_SCRIPTS
    return services.draft_script(_client(user, client_id, perm), values, on_map=on_map)


def update_script(
    user: User,
    client_id: uuid.UUID,
    script_id: object,
    values: dict[str, object],
    *,
    expected_version: int | None = None,
) -> RelationshipScript:
    access = _client(user, client_id, perms.DRAFT_SCRIPTS)
    script = _script(access, script_id, perms.DRAFT_SCRIPTS)
    return services.update_script(access, script, values, expected_version=expected_version)


def set_script_status(user: User, client_id: uuid.UUID, script_id: object, status: str) -> RelationshipScript:
    access = _client(user, client_id, perms.APPROVE_SCRIPTS)
    return services.set_script_status(access, _script(access, script_id, perms.APPROVE_SCRIPTS), status)


def draft_new_response(
    user: User, client_id: uuid.UUID, script_id: object, description: str, *, on_map: bool = False
) -> NewResponse:
    perm = perms.APPROVE_SCRIPTS if on_map else perms.DRAFT_SCRIPTS
    access = _client(user, client_id, perm)
    return services.draft_new_response(access, _script(access, script_id, perm), description, on_map=on_map)


def update_new_response(user: User, client_id: uuid.UUID, response_id: object, description: str) -> NewResponse:
    access = _client(user, client_id, perms.DRAFT_SCRIPTS)
    return services.update_new_response(access, _response(access, response_id, perms.DRAFT_SCRIPTS), description)


def set_new_response_status(user: User, client_id: uuid.UUID, response_id: object, status: str) -> NewResponse:
    access = _client(user, client_id, perms.APPROVE_SCRIPTS)
    return services.set_new_response_status(access, _response(access, response_id, perms.APPROVE_SCRIPTS), status)


def log_response_practice(
    user: User, client_id: uuid.UUID, response_id: object, key: uuid.UUID, data: PracticeInput
) -> tuple[ResponsePractice, bool]:
    access = _client(user, client_id, perms.WRITE_DIARY)
    return services.log_response_practice(access, _response(access, response_id, perms.WRITE_DIARY), key, data)
