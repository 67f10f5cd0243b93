"""The clinical record: session notes (with signed addenda).

Free text is sealed with the client's data key (EncryptedTextField), so every model has a UUID primary key and a
`client` foreign key. A note is a draft until its author signs it; a signed note is never changed again (the
services refuse every change and the tests prove it through pages and the API), and corrections are addenda,
each signed when written and shown with the note.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from attune.core.fields import EncryptedTextField


class NoteTemplate(models.TextChoices):
    SOAP = "soap", "SOAP (subjective, objective, assessment, plan)"
    DAP = "dap", "DAP (data, assessment, plan)"
    BIRP = "birp", "BIRP (behaviour, intervention, response, plan)"
    FREE = "free", "Free text"


# The sections of each template, in order: (field name, heading, what goes there).
SECTIONS: dict[str, tuple[tuple[str, str, str], ...]] = {
    NoteTemplate.SOAP: (
        ("subjective", "Subjective", "What the client said about how things have been."),
        ("objective", "Objective", "What you observed; measures and practice since the last session."),
        ("assessment", "Assessment", "Your understanding of where things are."),
        ("plan", "Plan", "What you agreed for the coming weeks."),
    ),
    NoteTemplate.DAP: (
        ("data", "Data", "What happened in the session, and what the client brought."),
        ("assessment", "Assessment", "Your understanding of where things are."),
        ("plan", "Plan", "What you agreed for the coming weeks."),
    ),
    NoteTemplate.BIRP: (
        ("behaviour", "Behaviour", "How the client presented and what they described."),
        ("intervention", "Intervention", "What you offered in the session."),
        ("response", "Response", "How the client responded to it."),
        ("plan", "Plan", "What you agreed for the coming weeks."),
    ),
    NoteTemplate.FREE: (("body", "Note", ""),),
}
SECTION_FIELDS = (
    "subjective",
    "objective",
    "data",
    "behaviour",
    "intervention",
    "response",
    "assessment",
    "plan",
    "body",
)


class NoteStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"


class SessionNote(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="session_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    template = models.CharField(max_length=8, choices=NoteTemplate.choices)
    session_date = models.DateField(default=timezone.localdate)
    subjective = EncryptedTextField()
    objective = EncryptedTextField()
    data = EncryptedTextField()
    behaviour = EncryptedTextField()
    intervention = EncryptedTextField()
    response = EncryptedTextField()
    assessment = EncryptedTextField()
    plan = EncryptedTextField()
    body = EncryptedTextField()
    status = models.CharField(max_length=8, choices=NoteStatus.choices, default=NoteStatus.DRAFT)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-session_date", "-created"]
        indexes = [models.Index(fields=["client", "session_date"], name="note_client_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft", signed_at__isnull=True)
                | models.Q(status="signed", signed_at__isnull=False),
                name="note_signed_has_a_time",
            )
        ]

    def __str__(self) -> str:
        return "session note"

    @property
    def is_signed(self) -> bool:
        return self.status == NoteStatus.SIGNED

    def sections(self) -> list[tuple[str, str, str, str]]:
        """(field, heading, hint, text) for each section of the note's template."""
        return [(name, heading, hint, getattr(self, name)) for name, heading, hint in SECTIONS[self.template]]


class NoteAddendum(models.Model):
    """A correction or later addition to a signed note, signed by its author when written; never changed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="note_addenda")
    note = models.ForeignKey(SessionNote, on_delete=models.CASCADE, related_name="addenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = EncryptedTextField()
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["signed_at", "id"]

    def __str__(self) -> str:
        return "addendum to a session note"
