"""Reads of the clinical record for pages and the API, starting from the policy's access objects. Lists audit
the rows they show with access.shown()."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from attune.clinical import perms
from attune.clinical.models import NoteAddendum, SessionNote
from attune.core import policy
from attune.core.policy import Access

NOTES_PER_PAGE = 20


def notes(access: Access) -> QuerySet[SessionNote]:
    return policy.scoped(access, SessionNote.objects.all())


def note_page(access: Access, number: int | str | None) -> Page[SessionNote]:
    """One page of the client's notes, newest session first; every note listed is audited as read."""
    qs = notes(access).select_related("author", "signed_by")
    page = Paginator(qs, NOTES_PER_PAGE).get_page(number)
    access.shown("SessionNote", [n.pk for n in page.object_list], perms.VIEW_NOTES)
    return page


def addenda(access: Access, note: SessionNote) -> list[NoteAddendum]:
    """A note's addenda, oldest first, each audited as read with the note."""
    rows = list(policy.scoped(access, NoteAddendum.objects.all()).filter(note=note).select_related("author"))
    access.shown("NoteAddendum", [a.pk for a in rows], perms.VIEW_NOTES)
    return rows


def fresh(access: Access, note: SessionNote) -> SessionNote:
    """The note as saved now (after a conflict, to show beside what the writer typed)."""
    return notes(access).get(pk=note.pk)
