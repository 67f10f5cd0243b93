"""The care team's view of a client's learning and narrative work, and the content catalogue for clinicians (with
each module's sources). A clinician sees only what the client shares; they suggest modules, rehearsals and
exercises. Each view reaches the client through the policy first."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from attune.accounts import roles
from attune.accounts.roles import user_of
from attune.care.records import record_of
from attune.core import policy
from attune.learn import content, forms, perms, queries, services
from attune.learn.models import NarrativePiece, Rehearsal, Suggestion, ThoughtRecord


def catalogue(request: HttpRequest) -> HttpResponse:
    """Modules and rehearsals for clinicians. No client data; clients and partners use their own pages."""
    if roles.uses_portal(request.user):
        return redirect("learn:home")
    return render(request, "learn/catalogue.html", {"modules": content.modules(), "rehearsals": content.rehearsals()})


def catalogue_module(request: HttpRequest, slug: str) -> HttpResponse:
    if roles.uses_portal(request.user):
        return redirect("learn:module", slug=slug)
    module = content.module(slug)
    if module is None:
        raise Http404("No such module")
    practices = [(kind, target, content.practice_link(kind, target)[0]) for kind, target in module.practices]
    return render(request, "learn/catalogue_module.html", {"module": module, "practices": practices})


@require_http_methods(["GET", "POST"])
def client_learn(request: HttpRequest, client_id: uuid.UUID) -> HttpResponse:
    access = policy.client(user_of(request), client_id, perms.VIEW_LEARN)
    if request.method == "POST":
        form = forms.SuggestForm(request.POST)
        kind, target = form.parts() if form.is_valid() else ("", "")
        try:
            # The service decides (and audits) who may suggest, before it looks at the choice.
            services.suggest(access, kind, target)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Suggested. It comes first on their Learn and practise page.")
        return redirect("learn:client_learn", client_id=access.client_id)
    suggestions = queries.suggestions(access)
    titles = {
        **{f"module:{m.slug}": m.title for m in content.modules()},
        **{f"rehearsal:{r.slug}": r.title for r in content.rehearsals()},
        **{f"exercise:{k}": v for k, v in content.EXERCISES.items()},
    }
    context = {
        "client": record_of(access),
        "progress": queries.progress(access),
        "suggestions": [(s, titles.get(f"{s.kind}:{s.target}", s.target)) for s in suggestions],
        "records": queries.shown(access, queries.thought_records(access)[:50], "ThoughtRecord"),
        "pieces": queries.shown(access, queries.pieces(access)[:50], "NarrativePiece"),
        "runs": queries.shown(access, queries.rehearsals(access)[:50], "Rehearsal"),
        "reflections": queries.shown(access, queries.reflections(access)[:50], "Reflection"),
        "rehearsal_titles": queries.rehearsal_titles(),
        "module_titles": queries.module_titles(),
        "form": forms.SuggestForm(exclude={f"{s.kind}:{s.target}" for s in suggestions}),
        "can_suggest": access.can(perms.SUGGEST_LEARN),
    }
    return render(request, "learn/staff_client.html", context)


@require_POST
def client_withdraw(request: HttpRequest, client_id: uuid.UUID, suggestion_id: uuid.UUID) -> HttpResponse:
    access = policy.client(user_of(request), client_id, perms.SUGGEST_LEARN)
    suggestion = policy.row_of(
        access,
        Suggestion.objects.filter(withdrawn__isnull=True),
        suggestion_id,
        perms.SUGGEST_LEARN,
        entity="Suggestion",
    )
    services.withdraw_suggestion(access, suggestion)
    messages.success(request, "The suggestion is withdrawn.")
    return redirect("learn:client_learn", client_id=access.client_id)


def client_thought_record(request: HttpRequest, client_id: uuid.UUID, record_id: uuid.UUID) -> HttpResponse:
    access = policy.client(user_of(request), client_id, perms.VIEW_LEARN)
    record = policy.row_of(access, ThoughtRecord.objects.all(), record_id, perms.VIEW_LEARN, entity="ThoughtRecord")
    context = {
        "client": record_of(access),
        "record": record,
        "script_names": queries.script_names(access),
        "entry_labels": queries.entry_labels(access, [record.diary_entry_id]),
    }
    return render(request, "learn/staff_thought_record.html", context)


def client_piece(request: HttpRequest, client_id: uuid.UUID, piece_id: uuid.UUID) -> HttpResponse:
    access = policy.client(user_of(request), client_id, perms.VIEW_LEARN)
    row = policy.row_of(access, NarrativePiece.objects.all(), piece_id, perms.VIEW_LEARN, entity="NarrativePiece")
    context = {"client": record_of(access), "piece": row, "script_names": queries.script_names(access)}
    return render(request, "learn/staff_piece.html", context)


def client_rehearsal(request: HttpRequest, client_id: uuid.UUID, run_id: uuid.UUID) -> HttpResponse:
    access = policy.client(user_of(request), client_id, perms.VIEW_LEARN)
    run = policy.row_of(access, Rehearsal.objects.all(), run_id, perms.VIEW_LEARN, entity="Rehearsal")
    script = content.rehearsal(run.rehearsal)
    context = {"client": record_of(access), "run": run, "script": script, "tried": services.tried(run)}
    return render(request, "learn/staff_rehearsal.html", context)
