"""The care team's session notes, under the client record. Each view reaches the client through the policy first
(policy.client; a note with policy.row_of, which audits its read), then validates, then calls one service.

Conflicts answer 409: a draft saved elsewhere since the page was opened (the page shows both versions, nothing is
overwritten), and any change to a signed note (which is locked for good)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from attune.accounts.roles import user_of
from attune.care.records import record_of
from attune.clinical import perms, queries, services, since
from attune.clinical.forms import AddendumForm, NoteForm, NoteStartForm, SignForm
from attune.clinical.models import SECTIONS, NoteTemplate, SessionNote
from attune.core import forms as shared_forms
from attune.core import policy
from attune.core.policy import Access


def _client(request: HttpRequest, client_id: uuid.UUID, perm: policy.Perm) -> Access:
    # A page reached to write a note shows the client's notes, so its read is audited too.
    return policy.client(user_of(request), client_id, perm, shows=perms.VIEW_NOTES if perm.write else None)


def _note(access: Access, note_id: uuid.UUID, perm: policy.Perm) -> SessionNote:
    return policy.row_of(access, queries.notes(access), note_id, perm, entity="SessionNote")


def notes(request: HttpRequest, client_id: uuid.UUID) -> HttpResponse:
    access = _client(request, client_id, perms.VIEW_NOTES)
    page = queries.note_page(access, request.GET.get("page"))
    context = {
        "client": record_of(access),
        "page": page,
        "start_form": NoteStartForm() if access.can(perms.WRITE_NOTES) else None,
    }
    return render(request, "clinical/notes.html", context)


@require_POST
def note_new(request: HttpRequest, client_id: uuid.UUID) -> HttpResponse:
    access = _client(request, client_id, perms.WRITE_NOTES)
    form = NoteStartForm(request.POST)
    if form.is_valid():
        try:
            note = services.start_note(access, services.NoteInput(**form.cleaned_data))
        except ValidationError as exc:
            shared_forms.add_errors(form, exc)
        else:
            return redirect("clinical:note", client_id=access.client_id, note_id=note.pk)
    page = queries.note_page(access, 1)
    context = {"client": record_of(access), "page": page, "start_form": form}
    return render(request, "clinical/notes.html", context, status=422)


def _note_context(access: Access, note: SessionNote, **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "client": record_of(access),
        "note": note,
        "addenda": queries.addenda(access, note) if note.is_signed else [],
        "can_write": access.can(perms.WRITE_NOTES),
        "form": None,
        "sign_form": None,
        "addendum_form": None,
        "theirs": None,
    }
    if context["can_write"]:
        if note.is_signed:
            context["addendum_form"] = AddendumForm()
        else:
            context["form"] = NoteForm(initial=NoteForm.initial_for(note), note=note)
            context["sign_form"] = SignForm(initial={"version": note.version})
            section = since.PULL_INTO[NoteTemplate(note.template)]
            context["pull_section"] = section
            context["pull_heading"] = next(h for name, h, _ in SECTIONS[note.template] if name == section)
    context.update(extra)
    return context


@require_http_methods(["GET", "POST"])
def note(request: HttpRequest, client_id: uuid.UUID, note_id: uuid.UUID) -> HttpResponse:
    access = _client(request, client_id, perms.VIEW_NOTES)
    found = _note(access, note_id, perms.VIEW_NOTES)
    if request.method == "GET":
        return render(request, "clinical/note.html", _note_context(access, found))
    access.require(perms.WRITE_NOTES, "SessionNote", str(found.pk))
    form = NoteForm(request.POST, note=found)
    if not form.is_valid():
        return render(request, "clinical/note.html", _note_context(access, found, form=form), status=422)
    try:
        services.save_draft(
            access,
            found,
            form.sections(),
            expected_version=form.cleaned_data["version"],
            session_date=form.cleaned_data["session_date"],
        )
    except services.NoteSignedError as exc:
        messages.error(request, str(exc))
        return render(request, "clinical/note.html", _note_context(access, queries.fresh(access, found)), status=409)
    except services.StaleWriteError:
        return _conflict(request, access, found, form)
    except ValidationError as exc:
        shared_forms.add_errors(form, exc)
        return render(request, "clinical/note.html", _note_context(access, found, form=form), status=422)
    messages.success(request, "Draft saved.")
    return redirect("clinical:note", client_id=access.client_id, note_id=found.pk)


def _conflict(request: HttpRequest, access: Access, found: SessionNote, form: NoteForm) -> HttpResponse:
    """Both versions side by side: what is saved now, and what this writer typed (still in the form, unsaved).
    The form now carries the saved version's number, so saving again is a deliberate choice to replace it."""
    theirs = queries.fresh(access, found)
    data = request.POST.copy()
    data["version"] = str(theirs.version)
    mine = NoteForm(data, note=theirs)
    mine.is_valid()
    context = _note_context(access, theirs, form=mine, theirs=theirs)
    context["sign_form"] = None
    return render(request, "clinical/note.html", context, status=409)


@require_POST
def note_autosave(request: HttpRequest, client_id: uuid.UUID, note_id: uuid.UUID) -> HttpResponse:
    """The draft page saves itself as the clinician types; the answer is JSON for its script."""
    access = _client(request, client_id, perms.WRITE_NOTES)
    found = _note(access, note_id, perms.WRITE_NOTES)
    form = NoteForm(request.POST, note=found)
    if not form.is_valid():
        return JsonResponse({"detail": "Not saved: please check the form.", "errors": form.errors}, status=422)
    try:
        saved = services.save_draft(
            access,
            found,
            form.sections(),
            expected_version=form.cleaned_data["version"],
            session_date=form.cleaned_data["session_date"],
        )
    except services.StaleWriteError as exc:
        return JsonResponse({"detail": str(exc)}, status=409)
    except ValidationError as exc:
        return JsonResponse({"detail": " ".join(exc.messages)}, status=422)
    when = timezone.localtime(saved.updated).strftime("%H:%M")
    return JsonResponse({"version": saved.version, "saved": when})


def note_since(request: HttpRequest, client_id: uuid.UUID, note_id: uuid.UUID) -> HttpResponse:
    """What happened since the client's last session, as text for the draft's script to insert where the clinician
    edits it. Each line is read through its capability's rules and audited."""
    access = _client(request, client_id, perms.WRITE_NOTES)
    found = _note(access, note_id, perms.WRITE_NOTES)
    if found.is_signed:
        return JsonResponse({"detail": "This note is signed: add an addendum instead."}, status=409)
    found_summary = since.summary(access, found)
    return JsonResponse(
        {
            "text": found_summary.text,
            "section": found_summary.section,
            "start": found_summary.start.isoformat(),
            "count": len(found_summary.items),
        }
    )


@require_POST
def note_pull(request: HttpRequest, client_id: uuid.UUID, note_id: uuid.UUID) -> HttpResponse:
    """Without the script: the draft as typed is saved with the summary added to the end of its section, and the
    page opens again to edit it. Nothing typed is lost (the form's text is what is saved), and a stale draft gets
    the same comparison page as a save."""
    access = _client(request, client_id, perms.WRITE_NOTES)
    found = _note(access, note_id, perms.WRITE_NOTES)
    form = NoteForm(request.POST, note=found)
    if not form.is_valid():
        return render(request, "clinical/note.html", _note_context(access, found, form=form), status=422)
    found_summary = since.summary(access, found)
    sections = form.sections()
    before = sections.get(found_summary.section, "").rstrip()
    sections[found_summary.section] = f"{before}\n\n{found_summary.text}" if before else found_summary.text
    try:
        services.save_draft(
            access,
            found,
            sections,
            expected_version=form.cleaned_data["version"],
            session_date=form.cleaned_data["session_date"],
        )
    except services.NoteSignedError as exc:
        messages.error(request, str(exc))
        return render(request, "clinical/note.html", _note_context(access, queries.fresh(access, found)), status=409)
    except services.StaleWriteError:
        return _conflict(request, access, found, form)
    except ValidationError as exc:
        shared_forms.add_errors(form, exc)
        return render(request, "clinical/note.html", _note_context(access, found, form=form), status=422)
    messages.success(
        request,
        f"Added what happened since {found_summary.start:%-d %B} to “{found_summary.heading}”. Edit it as you need.",
    )
    return redirect("clinical:note", client_id=access.client_id, note_id=found.pk)


@require_POST
def note_sign(request: HttpRequest, client_id: uuid.UUID, note_id: uuid.UUID) -> HttpResponse:
    access = _client(request, client_id, perms.WRITE_NOTES)
    found = _note(access, note_id, perms.WRITE_NOTES)
    form = SignForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    try:
        services.sign_note(access, found, expected_version=version)
    except services.StaleWriteError as exc:
        messages.error(request, str(exc))
        return render(request, "clinical/note.html", _note_context(access, queries.fresh(access, found)), status=409)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return render(request, "clinical/note.html", _note_context(access, found), status=422)
    messages.success(request, "Signed. The note is now locked; corrections are added as addenda.")
    return redirect("clinical:note", client_id=access.client_id, note_id=found.pk)


@require_POST
def note_addendum(request: HttpRequest, client_id: uuid.UUID, note_id: uuid.UUID) -> HttpResponse:
    access = _client(request, client_id, perms.WRITE_NOTES)
    found = _note(access, note_id, perms.WRITE_NOTES)
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            services.add_addendum(access, found, form.cleaned_data["text"])
        except ValidationError as exc:
            shared_forms.add_errors(form, exc)
        else:
            messages.success(request, "Addendum signed and added to the note.")
            return redirect("clinical:note", client_id=access.client_id, note_id=found.pk)
    context = _note_context(access, found, addendum_form=form if found.is_signed else None)
    if not found.is_signed:
        messages.error(request, "This note is still a draft: change it directly, and sign it when it is ready.")
    return render(request, "clinical/note.html", context, status=422)
