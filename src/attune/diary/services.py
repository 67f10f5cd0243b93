"""Every write to the diary and to relationship-script maps. Each function takes the client (and the row) its
caller reached through the policy, checks the permission it needs on that access (a refusal is audited), then
opens its transaction, writes the change and its audit event together, and returns the row."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, TextChoices
from django.utils import timezone

# The API answers this with 409, wherever it is raised: someone (often the same person, in another tab) saved the
# row since it was read, and nothing was overwritten.
from attune.care.services import StaleWriteError as StaleWriteError
from attune.core import idempotency, policy, rows
from attune.core.models import AuditEvent
from attune.core.policy import Access
from attune.diary import inputs, perms
from attune.diary.models import (
    AutomaticResponse,
    BodyArea,
    BodyCue,
    DiaryEntry,
    DiaryPreferences,
    MapStatus,
    NewResponse,
    RelationshipScript,
    ResponsePractice,
    TriggerKind,
)
from attune.diary.queries import share_default
from attune.skills import library

M = TypeVar("M", RelationshipScript, NewResponse)


def _check_text(values: dict[str, Any]) -> None:
    errors = {
        name: f"Please keep this under {inputs.TEXT_LIMITS[name]} characters."
        for name, value in values.items()
        if name in inputs.TEXT_LIMITS and isinstance(value, str) and len(value) > inputs.TEXT_LIMITS[name]
    }
    if errors:
        raise ValidationError(errors)


def _check_codes(name: str, values: Iterable[str] | None, allowed: type[TextChoices]) -> list[str]:
    codes = list(values or [])
    if any(v not in allowed.values for v in codes):
        raise ValidationError({name: "Choose from the list."})
    # Order does not matter and duplicates mean nothing: keep them sorted and unique, so a replay matches.
    return sorted(set(codes))


def _check_distress(name: str, value: object, *, required: bool) -> None:
    if value is None:
        if required:
            raise ValidationError({name: "Choose a number from 0 to 100."})
        return
    if not isinstance(value, int) or isinstance(value, bool) or not inputs.DISTRESS_MIN <= value <= inputs.DISTRESS_MAX:
        raise ValidationError({name: "Choose a number from 0 to 100."})


# --- diary entries -----------------------------------------------------------------------------------------


@dataclass
class EntryInput:
    trigger_kind: str
    distress_before: int
    occurred_at: datetime.datetime | None = None
    trigger_words: str = ""
    body_cues: list[str] = field(default_factory=list)
    body_areas: list[str] = field(default_factory=list)
    script_id: uuid.UUID | None = None
    response: str = ""
    new_response_id: uuid.UUID | None = None
    what_i_did: str = ""
    skill: str = ""
    distress_after: int | None = None
    note: str = ""
    shared: bool | None = None  # None: the client's default

    def normalised(self) -> dict[str, Any]:
        values = asdict(self)
        values["body_cues"] = _check_codes("body_cues", self.body_cues, BodyCue)
        values["body_areas"] = _check_codes("body_areas", self.body_areas, BodyArea)
        for name in ("trigger_words", "what_i_did", "note"):
            values[name] = (values[name] or "").strip()
        return values


ENTRY_FIELDS = tuple(f for f in EntryInput.__dataclass_fields__)


def _validate_entry(access: Access, values: dict[str, Any], current: DiaryEntry | None = None) -> None:
    """Everything an entry's fields must satisfy together; references must be the client's own rows."""
    if values["trigger_kind"] not in TriggerKind.values:
        raise ValidationError({"trigger_kind": "Choose what kind of trigger it was."})
    _check_distress("distress_before", values["distress_before"], required=True)
    _check_distress("distress_after", values["distress_after"], required=False)
    _check_text(values)
    if values["occurred_at"] is not None and values["occurred_at"] > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"occurred_at": "This time is in the future."})
    if values["skill"] and library.get(values["skill"]) is None:
        raise ValidationError({"skill": "Choose a skill from the library."})
    if values["response"] not in {"", *DiaryEntry.Response.values}:
        raise ValidationError({"response": "Choose what you did from the list."})
    script_id, response_id = values["script_id"], values["new_response_id"]
    # A new link must point at a script on the client's map; a link the entry already has may stay.
    keep_script = current is not None and current.script_id == script_id
    if script_id is not None and not keep_script:
        mapped = RelationshipScript.objects.filter(client_id=access.client_id, status=MapStatus.ON_MAP)
        if not mapped.filter(pk=script_id).exists():
            raise ValidationError({"script_id": "Choose one of the scripts on your map."})
    if response_id is not None:
        if values["response"] not in {"", DiaryEntry.Response.NEW}:
            raise ValidationError({"new_response_id": "A new response goes with 'a new response I'm practising'."})
        values["response"] = DiaryEntry.Response.NEW
        keep_response = current is not None and current.new_response_id == response_id
        candidates = NewResponse.objects.filter(client_id=access.client_id)
        if not keep_response:
            candidates = candidates.filter(status=MapStatus.ON_MAP)
        found = candidates.filter(pk=response_id).values_list("script_id", flat=True).first()
        if found is None:
            raise ValidationError({"new_response_id": "Choose one of the new responses on your map."})
        if script_id is None:
            values["script_id"] = found
        elif found != script_id:
            raise ValidationError({"new_response_id": "This new response belongs to another script."})
    elif values["response"] == DiaryEntry.Response.NEW:
        raise ValidationError({"new_response_id": "Choose which new response you tried."})


def log_entry(access: Access, key: uuid.UUID, data: EntryInput) -> tuple[DiaryEntry, bool]:
    """Log a moment. Returns (entry, created): a replay of the same submission returns the original entry,
    the same key with a different submission raises ReplayMismatchError (422)."""
    perm = perms.WRITE_DIARY
    access.require(perm)
    values = data.normalised()
    digest = idempotency.fingerprint(access.client_id, {"key": key, **values})
    existing = DiaryEntry.objects.filter(client_id=access.client_id, key=key).first()
    if existing is not None:
        return _replayed(access, existing, digest, "DiaryEntry"), False
    _validate_entry(access, values)
    if values["shared"] is None:
        values["shared"] = share_default(access)
    if values["occurred_at"] is None:
        values["occurred_at"] = timezone.now()
    try:
        with transaction.atomic():
            entry = DiaryEntry(client_id=access.client_id, key=key, fingerprint=digest, **values)
            entry.save()
            access.record(AuditEvent.Action.CREATE, "DiaryEntry", entry.pk, perm)
    except IntegrityError:
        # A concurrent duplicate won the race for this key: answer as its replay.
        existing = DiaryEntry.objects.get(client_id=access.client_id, key=key)
        return _replayed(access, existing, digest, "DiaryEntry"), False
    return entry, True


R = TypeVar("R", DiaryEntry, ResponsePractice)


def _replayed(access: Access, row: R, digest: str, entity_type: str) -> R:
    idempotency.check_replay(row.fingerprint, digest)
    access.record(AuditEvent.Action.READ, entity_type, row.pk, perms.WRITE_DIARY)
    return row


def update_entry(
    access: Access, found: DiaryEntry, changes: dict[str, Any], *, expected_version: int | None = None
) -> DiaryEntry:
    perm = perms.WRITE_DIARY
    access.require(perm, "DiaryEntry", str(found.pk))
    unknown = set(changes) - set(ENTRY_FIELDS)
    if unknown:
        raise ValidationError({name: "This cannot be changed here." for name in sorted(unknown)})
    with transaction.atomic():
        entry = policy.scoped(access, DiaryEntry.objects.all()).select_for_update().get(pk=found.pk)
        if expected_version is not None and entry.version != expected_version:
            raise StaleWriteError("This entry was changed since you opened it. Reload to see the latest version.")
        current = {name: getattr(entry, name) for name in ENTRY_FIELDS}
        merged = EntryInput(**{**current, **changes}).normalised()
        if merged["occurred_at"] is None:
            merged["occurred_at"] = entry.occurred_at
        if merged["shared"] is None:
            merged["shared"] = entry.shared
        _validate_entry(access, merged, current=entry)
        for name, value in merged.items():
            setattr(entry, name, value)
        entry.updated = timezone.now()
        entry.version = F("version") + 1
        entry.save()
        entry.refresh_from_db(fields=["version"])
        access.record(AuditEvent.Action.UPDATE, "DiaryEntry", entry.pk, perm)
    return entry


def delete_entry(access: Access, entry: DiaryEntry) -> None:
    perm = perms.WRITE_DIARY
    access.require(perm, "DiaryEntry", str(entry.pk))
    entry_id = entry.pk
    with transaction.atomic():
        entry.delete()
        access.record(AuditEvent.Action.DELETE, "DiaryEntry", entry_id, perm)


def set_share_default(access: Access, share: bool) -> DiaryPreferences:
    perm = perms.WRITE_DIARY
    access.require(perm)
    with transaction.atomic():
        prefs, _ = DiaryPreferences.objects.update_or_create(
            client_id=access.client_id, defaults={"share_by_default": bool(share), "updated": timezone.now()}
        )
        access.record(AuditEvent.Action.UPDATE, "DiaryPreferences", prefs.pk, perm)
    return prefs


# --- relationship scripts ------------------------------------------------------------------------------------

SCRIPT_FIELDS = (
    "name",
    "trigger_kinds",
    "triggers",
    "body_cues",
    "automatic_responses",
    "automatic_words",
    "protects",
    "costs",
)


def _clean_script(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(SCRIPT_FIELDS)
    if unknown:
        raise ValidationError({name: "This cannot be changed here." for name in sorted(unknown)})
    clean = dict(values)
    for name in ("name", "triggers", "automatic_words", "protects", "costs"):
        if name in clean:
            clean[name] = (clean[name] or "").strip()
    if "name" in clean and not clean["name"]:
        raise ValidationError({"name": "Give the script a name, in your own words."})
    if "trigger_kinds" in clean:
        clean["trigger_kinds"] = _check_codes("trigger_kinds", clean["trigger_kinds"], TriggerKind)
    if "body_cues" in clean:
        clean["body_cues"] = _check_codes("body_cues", clean["body_cues"], BodyCue)
    if "automatic_responses" in clean:
        clean["automatic_responses"] = _check_codes(
            "automatic_responses", clean["automatic_responses"], AutomaticResponse
        )
    _check_text(clean)
    return clean


def _drafter(access: Access) -> dict[str, Any]:
    return {"drafted_by_client": access.is_self, "drafted_by_id": access.actor_id}


def draft_script(access: Access, values: dict[str, Any], *, on_map: bool = False) -> RelationshipScript:
    """Either side drafts a script; only the client can put it straight on their map."""
    perm = perms.APPROVE_SCRIPTS if on_map else perms.DRAFT_SCRIPTS
    access.require(perm)
    clean = _clean_script(values)
    if "name" not in clean:
        raise ValidationError({"name": "Give the script a name, in your own words."})
    with transaction.atomic():
        script = RelationshipScript(client_id=access.client_id, **_drafter(access), **clean)
        if on_map:
            script.status, script.approved_at = MapStatus.ON_MAP, timezone.now()
        script.save()
        access.record(AuditEvent.Action.CREATE, "RelationshipScript", script.pk, perm)
    return script


def _editable(access: Access, row: RelationshipScript | NewResponse, entity_type: str) -> None:
    """Drafting needs the draft permission; changing what is on the map (or set aside) is the client's approval,
    so it needs theirs: the care team edits drafts alone (403, audited)."""
    access.require(perms.DRAFT_SCRIPTS, entity_type, str(row.pk))
    if row.status != MapStatus.DRAFT:
        access.require(perms.APPROVE_SCRIPTS, entity_type, str(row.pk))


def update_script(
    access: Access, found: RelationshipScript, values: dict[str, Any], *, expected_version: int | None = None
) -> RelationshipScript:
    perm = perms.DRAFT_SCRIPTS
    clean = _clean_script(values)
    _editable(access, found, "RelationshipScript")
    with transaction.atomic():
        script = rows.locked(access, found)
        if expected_version is not None and script.version != expected_version:
            raise StaleWriteError("This script was changed since you opened it. Reload to see the latest version.")
        for name, value in clean.items():
            setattr(script, name, value)
        script.updated = timezone.now()
        script.version = F("version") + 1
        script.save()
        script.refresh_from_db(fields=["version"])
        access.record(AuditEvent.Action.UPDATE, "RelationshipScript", script.pk, perm)
    return script


_MOVES: dict[str, set[str]] = {
    MapStatus.DRAFT: {MapStatus.ON_MAP, MapStatus.SET_ASIDE},
    MapStatus.ON_MAP: {MapStatus.SET_ASIDE},
    MapStatus.SET_ASIDE: {MapStatus.ON_MAP},
}


def _move(row: RelationshipScript | NewResponse, status: str) -> None:
    if status not in _MOVES.get(row.status, set()):
        raise ValidationError({"status": "That change is not possible from here."})
    row.status = status
    if status == MapStatus.ON_MAP and row.approved_at is None:
        row.approved_at = timezone.now()


def set_script_status(access: Access, found: RelationshipScript, status: str) -> RelationshipScript:
    """The client approves a draft onto their map, sets a script aside, or brings it back."""
    perm = perms.APPROVE_SCRIPTS
    access.require(perm, "RelationshipScript", str(found.pk))
    with transaction.atomic():
        script = rows.locked(access, found)
        _move(script, status)
        script.updated = timezone.now()
        script.save(update_fields=["status", "approved_at", "updated"])
        access.record(AuditEvent.Action.UPDATE, "RelationshipScript", script.pk, perm)
    return script


# --- new responses and their practice log ------------------------------------------------------------------


def _clean_description(description: str) -> str:
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": "Describe the new response in a few words."})
    _check_text({"description": description})
    return description


def draft_new_response(
    access: Access, script: RelationshipScript, description: str, *, on_map: bool = False
) -> NewResponse:
    perm = perms.APPROVE_SCRIPTS if on_map else perms.DRAFT_SCRIPTS
    access.require(perm, "RelationshipScript", str(script.pk))
    description = _clean_description(description)
    with transaction.atomic():
        response = NewResponse(client_id=access.client_id, script=script, description=description, **_drafter(access))
        if on_map:
            response.status, response.approved_at = MapStatus.ON_MAP, timezone.now()
        response.save()
        access.record(AuditEvent.Action.CREATE, "NewResponse", response.pk, perm)
    return response


def update_new_response(access: Access, found: NewResponse, description: str) -> NewResponse:
    perm = perms.DRAFT_SCRIPTS
    description = _clean_description(description)
    _editable(access, found, "NewResponse")
    with transaction.atomic():
        response = rows.locked(access, found)
        response.description = description
        response.updated = timezone.now()
        response.save(update_fields=["description", "updated"])
        access.record(AuditEvent.Action.UPDATE, "NewResponse", response.pk, perm)
    return response


def set_new_response_status(access: Access, found: NewResponse, status: str) -> NewResponse:
    perm = perms.APPROVE_SCRIPTS
    access.require(perm, "NewResponse", str(found.pk))
    with transaction.atomic():
        response = rows.locked(access, found)
        _move(response, status)
        response.updated = timezone.now()
        response.save(update_fields=["status", "approved_at", "updated"])
        access.record(AuditEvent.Action.UPDATE, "NewResponse", response.pk, perm)
    return response


@dataclass
class PracticeInput:
    occurred_at: datetime.datetime | None = None
    outcome: str = ""
    note: str = ""
    shared: bool | None = None


def log_response_practice(
    access: Access, response: NewResponse, key: uuid.UUID, data: PracticeInput
) -> tuple[ResponsePractice, bool]:
    """A "tried it" in a new response's practice log, idempotent like diary entries."""
    perm = perms.WRITE_DIARY
    access.require(perm, "NewResponse", str(response.pk))
    values = asdict(data)
    values["note"] = (values["note"] or "").strip()
    digest = idempotency.fingerprint(access.client_id, {"key": key, "new_response_id": str(response.pk), **values})
    existing = ResponsePractice.objects.filter(client_id=access.client_id, key=key).first()
    if existing is not None:
        return _replayed(access, existing, digest, "ResponsePractice"), False
    if values["outcome"] not in {"", *ResponsePractice.Outcome.values}:
        raise ValidationError({"outcome": "Choose how it went from the list."})
    if values["occurred_at"] is not None and values["occurred_at"] > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"occurred_at": "This time is in the future."})
    _check_text(values)
    values["shared"] = share_default(access) if values["shared"] is None else values["shared"]
    values["occurred_at"] = values["occurred_at"] or timezone.now()
    try:
        with transaction.atomic():
            practice = ResponsePractice(
                client_id=access.client_id, new_response=response, key=key, fingerprint=digest, **values
            )
            practice.save()
            access.record(AuditEvent.Action.CREATE, "ResponsePractice", practice.pk, perm)
    except IntegrityError:
        existing = ResponsePractice.objects.get(client_id=access.client_id, key=key)
        return _replayed(access, existing, digest, "ResponsePractice"), False
    return practice, True
