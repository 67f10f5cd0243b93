"""Every write to the diary and to relationship-script maps. Each function looks the client up through the
policy first (so a refusal is audited even if nothing else happens), then opens its transaction, writes the
change and its audit event together, and returns the row."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from attune.care.records import record_of

# The API answers this with 409, wherever it is raised: someone (often the same person, in another tab) saved the
# row since it was read, and nothing was overwritten.
from attune.care.services import StaleWriteError
from attune.core import policy
from attune.core.models import AuditEvent
from attune.core.policy import Access
from attune.diary import access as rows
from attune.diary import idempotency, perms
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
from attune.skills import library

LIMITS = {
    "trigger_words": 500,
    "what_i_did": 1000,
    "note": 5000,
    "name": 80,
    "triggers": 2000,
    "automatic_words": 2000,
    "protects": 2000,
    "costs": 2000,
    "description": 1000,
}


def _write(actor: Any, access: Access, action: str, entity_type: str, entity_id: Any, perm: policy.Perm) -> None:
    policy.record_access(actor, access, action, entity_type, str(entity_id), perm)


def _check_text(values: dict[str, Any]) -> None:
    errors = {
        name: f"Please keep this under {LIMITS[name]} characters."
        for name, value in values.items()
        if name in LIMITS and isinstance(value, str) and len(value) > LIMITS[name]
    }
    if errors:
        raise ValidationError(errors)


def _check_codes(name: str, values: Any, allowed: Any) -> list[str]:
    values = list(values or [])
    if any(v not in allowed.values for v in values):
        raise ValidationError({name: "Choose from the list."})
    # Order does not matter and duplicates mean nothing: keep them sorted and unique, so a replay matches.
    return sorted(set(values))


def _check_distress(name: str, value: Any, *, required: bool) -> None:
    if value is None:
        if required:
            raise ValidationError({name: "Choose a number from 0 to 100."})
        return
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
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


def share_default(client: Any) -> bool:
    prefs = DiaryPreferences.objects.filter(client=client).values_list("share_by_default", flat=True).first()
    return bool(prefs)


def log_entry(actor: Any, client_id: Any, key: uuid.UUID, data: EntryInput) -> tuple[DiaryEntry, bool]:
    """Log a moment. Returns (entry, created): a replay of the same submission returns the original entry,
    the same key with a different submission raises ReplayMismatchError (422)."""
    perm = perms.WRITE_DIARY
    access = policy.get_client_for(actor, client_id, perm)
    values = data.normalised()
    digest = idempotency.fingerprint(access.client_id, {"key": key, **values})
    existing = DiaryEntry.objects.filter(client_id=access.client_id, key=key).first()
    if existing is not None:
        return _replayed(actor, access, existing, digest, "DiaryEntry"), False
    _validate_entry(access, values)
    if values["shared"] is None:
        values["shared"] = share_default(record_of(access))
    if values["occurred_at"] is None:
        values["occurred_at"] = timezone.now()
    try:
        with transaction.atomic():
            entry = DiaryEntry(client_id=access.client_id, key=key, fingerprint=digest, **values)
            entry.save()
            _write(actor, access, AuditEvent.Action.CREATE, "DiaryEntry", entry.pk, perm)
    except IntegrityError:
        # A concurrent duplicate won the race for this key: answer as its replay.
        existing = DiaryEntry.objects.get(client_id=access.client_id, key=key)
        return _replayed(actor, access, existing, digest, "DiaryEntry"), False
    return entry, True


def _replayed(actor: Any, access: Access, row: Any, digest: str, entity_type: str) -> Any:
    idempotency.check_replay(row.fingerprint, digest)
    policy.record_access(actor, access, AuditEvent.Action.READ, entity_type, str(row.pk), perms.WRITE_DIARY)
    return row


def update_entry(
    actor: Any, client_id: Any, entry_id: Any, changes: dict[str, Any], *, expected_version: int | None = None
) -> DiaryEntry:
    perm = perms.WRITE_DIARY
    access = policy.get_client_for(actor, client_id, perm)
    unknown = set(changes) - set(ENTRY_FIELDS)
    if unknown:
        raise ValidationError({name: "This cannot be changed here." for name in sorted(unknown)})
    scope = rows.shared_only(access, DiaryEntry.objects.all())
    found = rows.get_row(actor, access, scope, entry_id, perm, "DiaryEntry")
    with transaction.atomic():
        entry = scope.select_for_update().get(pk=found.pk)
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
        _write(actor, access, AuditEvent.Action.UPDATE, "DiaryEntry", entry.pk, perm)
    return entry


def delete_entry(actor: Any, client_id: Any, entry_id: Any) -> None:
    perm = perms.WRITE_DIARY
    access = policy.get_client_for(actor, client_id, perm)
    entry = rows.get_row(
        actor, access, rows.shared_only(access, DiaryEntry.objects.all()), entry_id, perm, "DiaryEntry"
    )
    with transaction.atomic():
        entry.delete()
        _write(actor, access, AuditEvent.Action.DELETE, "DiaryEntry", entry_id, perm)


def set_share_default(actor: Any, client_id: Any, share: bool) -> DiaryPreferences:
    perm = perms.WRITE_DIARY
    access = policy.get_client_for(actor, client_id, perm)
    with transaction.atomic():
        prefs, _ = DiaryPreferences.objects.update_or_create(
            client_id=access.client_id, defaults={"share_by_default": bool(share), "updated": timezone.now()}
        )
        _write(actor, access, AuditEvent.Action.UPDATE, "DiaryPreferences", prefs.pk, perm)
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


def _drafter(actor: Any, access: Access) -> dict[str, Any]:
    return {"drafted_by_client": rows.is_owner(access), "drafted_by": actor}


def draft_script(actor: Any, client_id: Any, values: dict[str, Any], *, on_map: bool = False) -> RelationshipScript:
    """Either side drafts a script; only the client can put it straight on their map."""
    perm = perms.APPROVE_SCRIPTS if on_map else perms.DRAFT_SCRIPTS
    access = policy.get_client_for(actor, client_id, perm)
    clean = _clean_script(values)
    if "name" not in clean:
        raise ValidationError({"name": "Give the script a name, in your own words."})
    with transaction.atomic():
        script = RelationshipScript(client_id=access.client_id, **_drafter(actor, access), **clean)
        if on_map:
            script.status, script.approved_at = MapStatus.ON_MAP, timezone.now()
        script.save()
        _write(actor, access, AuditEvent.Action.CREATE, "RelationshipScript", script.pk, perm)
    return script


def _editable(actor: Any, access: Access, row: Any, perm: policy.Perm, entity_type: str) -> None:
    # What is on the map (or set aside) changes only with the client: the care team edits drafts alone.
    if not rows.is_owner(access) and row.status != MapStatus.DRAFT:
        policy.deny_legacy(actor, entity_type, str(row.pk), perm, client_id=access.client_id, relation=access.relation)
        raise policy.PermissionDenied("Only the client changes what is on their map")


def update_script(
    actor: Any, client_id: Any, script_id: Any, values: dict[str, Any], *, expected_version: int | None = None
) -> RelationshipScript:
    perm = perms.DRAFT_SCRIPTS
    access = policy.get_client_for(actor, client_id, perm)
    clean = _clean_script(values)
    scope = rows.on_the_map(access, RelationshipScript.objects.all())
    found = rows.get_row(actor, access, scope, script_id, perm, "RelationshipScript")
    _editable(actor, access, found, perm, "RelationshipScript")
    with transaction.atomic():
        script = scope.select_for_update().get(pk=found.pk)
        if expected_version is not None and script.version != expected_version:
            raise StaleWriteError("This script was changed since you opened it. Reload to see the latest version.")
        for name, value in clean.items():
            setattr(script, name, value)
        script.updated = timezone.now()
        script.version = F("version") + 1
        script.save()
        script.refresh_from_db(fields=["version"])
        _write(actor, access, AuditEvent.Action.UPDATE, "RelationshipScript", script.pk, perm)
    return script


_MOVES = {
    MapStatus.DRAFT: {MapStatus.ON_MAP, MapStatus.SET_ASIDE},
    MapStatus.ON_MAP: {MapStatus.SET_ASIDE},
    MapStatus.SET_ASIDE: {MapStatus.ON_MAP},
}


def _move(row: Any, status: str) -> None:
    if status not in _MOVES.get(row.status, set()):
        raise ValidationError({"status": "That change is not possible from here."})
    row.status = status
    if status == MapStatus.ON_MAP and row.approved_at is None:
        row.approved_at = timezone.now()


def set_script_status(actor: Any, client_id: Any, script_id: Any, status: str) -> RelationshipScript:
    """The client approves a draft onto their map, sets a script aside, or brings it back."""
    perm = perms.APPROVE_SCRIPTS
    access = policy.get_client_for(actor, client_id, perm)
    scope = rows.on_the_map(access, RelationshipScript.objects.all())
    found = rows.get_row(actor, access, scope, script_id, perm, "RelationshipScript")
    with transaction.atomic():
        script = scope.select_for_update().get(pk=found.pk)
        _move(script, status)
        script.updated = timezone.now()
        script.save(update_fields=["status", "approved_at", "updated"])
        _write(actor, access, AuditEvent.Action.UPDATE, "RelationshipScript", script.pk, perm)
    return script


# --- new responses and their practice log ------------------------------------------------------------------


def _clean_description(description: str) -> str:
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": "Describe the new response in a few words."})
    _check_text({"description": description})
    return description


def draft_new_response(
    actor: Any, client_id: Any, script_id: Any, description: str, *, on_map: bool = False
) -> NewResponse:
    perm = perms.APPROVE_SCRIPTS if on_map else perms.DRAFT_SCRIPTS
    access = policy.get_client_for(actor, client_id, perm)
    description = _clean_description(description)
    script = rows.get_row(
        actor, access, rows.on_the_map(access, RelationshipScript.objects.all()), script_id, perm, "RelationshipScript"
    )
    with transaction.atomic():
        response = NewResponse(
            client_id=access.client_id, script=script, description=description, **_drafter(actor, access)
        )
        if on_map:
            response.status, response.approved_at = MapStatus.ON_MAP, timezone.now()
        response.save()
        _write(actor, access, AuditEvent.Action.CREATE, "NewResponse", response.pk, perm)
    return response


def update_new_response(actor: Any, client_id: Any, response_id: Any, description: str) -> NewResponse:
    perm = perms.DRAFT_SCRIPTS
    access = policy.get_client_for(actor, client_id, perm)
    description = _clean_description(description)
    scope = rows.on_the_map(access, NewResponse.objects.all())
    found = rows.get_row(actor, access, scope, response_id, perm, "NewResponse")
    _editable(actor, access, found, perm, "NewResponse")
    with transaction.atomic():
        response = scope.select_for_update().get(pk=found.pk)
        response.description = description
        response.updated = timezone.now()
        response.save(update_fields=["description", "updated"])
        _write(actor, access, AuditEvent.Action.UPDATE, "NewResponse", response.pk, perm)
    return response


def set_new_response_status(actor: Any, client_id: Any, response_id: Any, status: str) -> NewResponse:
    perm = perms.APPROVE_SCRIPTS
    access = policy.get_client_for(actor, client_id, perm)
    scope = rows.on_the_map(access, NewResponse.objects.all())
    found = rows.get_row(actor, access, scope, response_id, perm, "NewResponse")
    with transaction.atomic():
        response = scope.select_for_update().get(pk=found.pk)
        _move(response, status)
        response.updated = timezone.now()
        response.save(update_fields=["status", "approved_at", "updated"])
        _write(actor, access, AuditEvent.Action.UPDATE, "NewResponse", response.pk, perm)
    return response


@dataclass
class PracticeInput:
    occurred_at: datetime.datetime | None = None
    outcome: str = ""
    note: str = ""
    shared: bool | None = None


def log_response_practice(
    actor: Any, client_id: Any, response_id: Any, key: uuid.UUID, data: PracticeInput
) -> tuple[ResponsePractice, bool]:
    """A "tried it" in a new response's practice log, idempotent like diary entries."""
    perm = perms.WRITE_DIARY
    access = policy.get_client_for(actor, client_id, perm)
    values = asdict(data)
    values["note"] = (values["note"] or "").strip()
    digest = idempotency.fingerprint(access.client_id, {"key": key, "new_response_id": str(response_id), **values})
    existing = ResponsePractice.objects.filter(client_id=access.client_id, key=key).first()
    if existing is not None:
        return _replayed(actor, access, existing, digest, "ResponsePractice"), False
    if values["outcome"] not in {"", *ResponsePractice.Outcome.values}:
        raise ValidationError({"outcome": "Choose how it went from the list."})
    if values["occurred_at"] is not None and values["occurred_at"] > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"occurred_at": "This time is in the future."})
    _check_text(values)
    scope = rows.on_the_map(access, NewResponse.objects.all())
    response = rows.get_row(actor, access, scope, response_id, perm, "NewResponse")
    values["shared"] = share_default(record_of(access)) if values["shared"] is None else values["shared"]
    values["occurred_at"] = values["occurred_at"] or timezone.now()
    try:
        with transaction.atomic():
            practice = ResponsePractice(
                client_id=access.client_id, new_response=response, key=key, fingerprint=digest, **values
            )
            practice.save()
            _write(actor, access, AuditEvent.Action.CREATE, "ResponsePractice", practice.pk, perm)
    except IntegrityError:
        existing = ResponsePractice.objects.get(client_id=access.client_id, key=key)
        return _replayed(actor, access, existing, digest, "ResponsePractice"), False
    return practice, True
