"""Every write to the clinical record. Each function takes the client (and the row) its caller reached through
the policy, checks the permission it needs on that access (a refusal is audited), then opens its transaction,
writes the change and its audit event together, and returns the row.

A signed note is never changed: every write to a note locks its row and refuses a signed one with
NoteSignedError (409 in the API, the same answer on the pages). A draft is saved only over the version its
writer read: a stale save raises StaleWriteError and nothing is overwritten.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from attune.care.services import StaleWriteError
from attune.clinical import inputs, perms
from attune.clinical.models import SECTIONS, NoteAddendum, NoteStatus, NoteTemplate, SessionNote
from attune.core import policy
from attune.core.models import AuditEvent
from attune.core.policy import Access

__all__ = ["NoteSignedError", "StaleWriteError"]


class NoteSignedError(StaleWriteError):
    """The note was signed, so it is locked: corrections are addenda."""


# --- session notes ---------------------------------------------------------------------------------------


@dataclass
class NoteInput:
    template: str
    session_date: datetime.date
    sections: dict[str, str] = field(default_factory=dict)


def _check_date(value: datetime.date) -> None:
    today = timezone.localdate()
    if value > today + datetime.timedelta(days=1):
        raise ValidationError({"session_date": "A note is for a session that has happened: this date is ahead."})
    if value < today - datetime.timedelta(days=inputs.SESSION_DATE_PAST_DAYS):
        raise ValidationError({"session_date": "This date is more than five years ago."})


def _clean_sections(template: str, sections: dict[str, str]) -> dict[str, str]:
    allowed = {name for name, _, _ in SECTIONS[template]}
    unknown = set(sections) - allowed
    if unknown:
        raise ValidationError({name: "This template has no such section." for name in sorted(unknown)})
    too_long = [name for name, text in sections.items() if len(text) > inputs.SECTION_LIMIT]
    if too_long:
        raise ValidationError(
            {name: f"Please keep each section under {inputs.SECTION_LIMIT} characters." for name in too_long}
        )
    return {name: text.strip() for name, text in sections.items()}


def start_note(access: Access, data: NoteInput) -> SessionNote:
    """A new draft note for one session, by the clinician writing it."""
    perm = perms.WRITE_NOTES
    access.require(perm)
    if data.template not in NoteTemplate.values:
        raise ValidationError({"template": "Choose a template."})
    _check_date(data.session_date)
    sections = _clean_sections(data.template, data.sections)
    with transaction.atomic():
        note = SessionNote(
            client_id=access.client_id,
            author_id=access.actor_id,
            template=data.template,
            session_date=data.session_date,
            **sections,
        )
        note.save()
        access.record(AuditEvent.Action.CREATE, "SessionNote", note.pk, perm)
    return note


def _locked_draft(access: Access, note: SessionNote, expected_version: int | None) -> SessionNote:
    """The note's row, locked for this transaction; refused if signed or if the caller read an older version."""
    row = policy.scoped(access, SessionNote.objects.all()).select_for_update().get(pk=note.pk)
    if row.status == NoteStatus.SIGNED:
        raise NoteSignedError("This note is signed and cannot be changed. Add an addendum to correct or add to it.")
    if expected_version is not None and row.version != expected_version:
        raise StaleWriteError("This note was saved elsewhere since you opened it. Nothing was overwritten.")
    return row


def save_draft(
    access: Access,
    note: SessionNote,
    sections: dict[str, str],
    *,
    expected_version: int | None,
    session_date: datetime.date | None = None,
) -> SessionNote:
    """Save a draft's sections (and its date) over the version the writer read."""
    perm = perms.WRITE_NOTES
    access.require(perm, "SessionNote", str(note.pk))
    cleaned = _clean_sections(note.template, sections)
    if session_date is not None:
        _check_date(session_date)
    with transaction.atomic():
        row = _locked_draft(access, note, expected_version)
        for name, text in cleaned.items():
            setattr(row, name, text)
        if session_date is not None:
            row.session_date = session_date
        row.updated = timezone.now()
        row.version = F("version") + 1
        row.save()
        access.record(AuditEvent.Action.UPDATE, "SessionNote", row.pk, perm)
    row.refresh_from_db()
    return row


def sign_note(access: Access, note: SessionNote, *, expected_version: int | None) -> SessionNote:
    """Sign a draft: it is time-stamped and locked for good. Signing a version other than the one read is
    refused, so nobody signs text they have not seen."""
    perm = perms.WRITE_NOTES
    access.require(perm, "SessionNote", str(note.pk))
    with transaction.atomic():
        row = _locked_draft(access, note, expected_version)
        if not any(text for _, _, _, text in row.sections()):
            raise ValidationError("There is nothing to sign yet: write the note first.")
        row.status = NoteStatus.SIGNED
        row.signed_at = timezone.now()
        row.signed_by_id = access.actor_id
        row.updated = row.signed_at
        row.version = F("version") + 1
        row.save()
        access.record(AuditEvent.Action.UPDATE, "SessionNote", row.pk, perm)
    row.refresh_from_db()
    return row


def add_addendum(access: Access, note: SessionNote, text: str) -> NoteAddendum:
    """A signed addendum to a signed note (a draft is simply edited)."""
    perm = perms.WRITE_NOTES
    access.require(perm, "SessionNote", str(note.pk))
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write the addendum first."})
    if len(text) > inputs.ADDENDUM_LIMIT:
        raise ValidationError({"text": f"Please keep an addendum under {inputs.ADDENDUM_LIMIT} characters."})
    with transaction.atomic():
        row = policy.scoped(access, SessionNote.objects.all()).select_for_update().get(pk=note.pk)
        if row.status != NoteStatus.SIGNED:
            raise ValidationError("This note is still a draft: change it directly, and sign it when it is ready.")
        addendum = NoteAddendum(client_id=access.client_id, note=row, author_id=access.actor_id, text=text)
        addendum.save()
        access.record(AuditEvent.Action.CREATE, "NoteAddendum", addendum.pk, perm)
    return addendum
