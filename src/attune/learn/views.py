"""The client's learning and narrative work in the portal. Each view reaches the client's own record through the
policy first (policy.own; a row with policy.row_of), then validates, then calls one service, then renders."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from attune.accounts.roles import user_of
from attune.core import policy
from attune.core.forms import add_errors
from attune.core.policy import Access
from attune.learn import content, forms, inputs, perms, queries, services
from attune.learn.models import (
    NarrativePiece,
    PieceKind,
    Reflection,
    Rehearsal,
    SavedPassage,
    Suggestion,
    ThoughtRecord,
    Window,
)
from attune.skills import library as skills_library
from attune.skills import queries as skill_queries

GROUNDING = ("grounding-54321", "paced-breathing", "grounding-phrases")


def _own(request: HttpRequest, perm: policy.Perm) -> Access:
    """The signed-in client's own record; a page reached with the write permission shows their work too."""
    return policy.own(user_of(request), perm, shows=perms.VIEW_LEARN if perm.write else None)


def _module_or_404(slug: str) -> content.Module:
    found = content.module(slug)
    if found is None:
        raise Http404("No such module")
    return found


def _rehearsal_or_404(slug: str) -> content.Rehearsal:
    found = content.rehearsal(slug)
    if found is None:
        raise Http404("No such rehearsal")
    return found


def _grounding() -> list[skills_library.Skill]:
    return [s for s in (skills_library.get(slug) for slug in GROUNDING) if s is not None]


def _title(kind: str, target: str) -> str:
    if kind == Suggestion.Kind.MODULE:
        module = content.module(target)
        return module.title if module else ""
    if kind == Suggestion.Kind.REHEARSAL:
        rehearsal = content.rehearsal(target)
        return rehearsal.title if rehearsal else ""
    return content.EXERCISES.get(target, "")


def _suggested(access: Access) -> list[dict[str, Any]]:
    out = []
    for s in queries.suggestions(access):
        title = _title(s.kind, s.target)
        if title:
            out.append({"s": s, "title": title})
    return out


# --- home: what there is, and progress over time --------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    access = _own(request, perms.VIEW_LEARN)
    reads = queries.reads(access)
    progress = queries.progress(access)
    context = {
        "suggested": _suggested(access),
        "modules": [(m, m.slug in reads) for m in content.modules()],
        "rehearsals": [(r, progress.by_rehearsal.get(r.slug, 0)) for r in content.rehearsals()],
        "progress": progress,
        "peak": max([w.total for w in progress.weeks] + [1]),
        "recent_records": queries.shown(access, queries.thought_records(access)[:3], "ThoughtRecord"),
        "recent_pieces": queries.shown(access, queries.pieces(access)[:3], "NarrativePiece"),
        "kinds": PieceKind,
    }
    return render(request, "learn/home.html", context)


# --- modules ---------------------------------------------------------------------------------------------------


def module_page(request: HttpRequest, slug: str) -> HttpResponse:
    access = _own(request, perms.VIEW_LEARN)
    module = _module_or_404(slug)
    saved = {p.text for p in queries.passages(access, slug)}
    blocks = [
        (i, b, content.block_text((b,)) in saved, b.kind not in {"h2", "h3"}) for i, b in enumerate(module.blocks)
    ]
    reflections = queries.shown(access, queries.reflections(access, slug)[:20], "Reflection")
    context = {
        "module": module,
        "blocks": blocks,
        "read": slug in queries.reads(access),
        "practices": [(kind, target, content.practice_link(kind, target)[0]) for kind, target in module.practices],
        "reflections": reflections,
        "reflection_form": forms.ReflectionForm(),
        "suggested": any(s["s"].kind == "module" and s["s"].target == slug for s in _suggested(access)),
    }
    return render(request, "learn/module.html", context)


@require_POST
def module_read(request: HttpRequest, slug: str) -> HttpResponse:
    access = _own(request, perms.WRITE_LEARN)
    _module_or_404(slug)
    if request.POST.get("read") == "0":
        services.unmark_read(access, slug)
        messages.success(request, "Marked as not read yet.")
    else:
        services.mark_read(access, slug)
        messages.success(request, "Marked as read. Come back to it whenever you like.")
    return redirect("learn:module", slug=slug)


@require_POST
def passage_save(request: HttpRequest, slug: str) -> HttpResponse:
    access = _own(request, perms.WRITE_LEARN)
    _module_or_404(slug)
    block = request.POST.get("block", "")
    try:
        services.save_passage(access, slug, int(block) if block.isdigit() else -1)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Saved to your passages. Only you can see them.")
    return redirect(reverse("learn:module", args=[slug]) + (f"#block-{block}" if block.isdigit() else ""))


@require_POST
def reflection_add(request: HttpRequest, slug: str) -> HttpResponse:
    access = _own(request, perms.WRITE_LEARN)
    module = _module_or_404(slug)
    form = forms.ReflectionForm(request.POST)
    if form.is_valid():
        try:
            services.add_reflection(access, slug, form.cleaned_data["text"], form.cleaned_data["shared"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            shared = form.cleaned_data["shared"]
            messages.success(
                request, "Saved and shared with your care team." if shared else "Saved. Only you can see it."
            )
            return redirect("learn:module", slug=slug)
    # Show the page again with what the client wrote, so nothing is lost.
    context = {
        "module": module,
        "blocks": [(i, b, False, b.kind not in {"h2", "h3"}) for i, b in enumerate(module.blocks)],
        "read": slug in queries.reads(access),
        "practices": [(k, t, content.practice_link(k, t)[0]) for k, t in module.practices],
        "reflections": queries.shown(access, queries.reflections(access, slug)[:20], "Reflection"),
        "reflection_form": form,
    }
    return render(request, "learn/module.html", context, status=422)


def saved(request: HttpRequest) -> HttpResponse:
    access = _own(request, perms.WRITE_LEARN)
    passages = list(queries.passages(access)[:100])
    access.shown("SavedPassage", [p.pk for p in passages], perms.WRITE_LEARN)
    context = {
        "passages": passages,
        "reflections": queries.shown(access, queries.reflections(access)[:100], "Reflection"),
        "titles": queries.module_titles(),
    }
    return render(request, "learn/saved.html", context)


@require_POST
def passage_delete(request: HttpRequest, passage_id: uuid.UUID) -> HttpResponse:
    access = _own(request, perms.WRITE_LEARN)
    passage = policy.row_of(access, SavedPassage.objects.all(), passage_id, perms.WRITE_LEARN, entity="SavedPassage")
    services.delete_passage(access, passage)
    messages.success(request, "Removed from your passages.")
    return redirect("learn:saved")


# --- rehearsals ------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def rehearsal_page(request: HttpRequest, slug: str) -> HttpResponse:
    access = _own(request, perms.WRITE_LEARN)
    script = _rehearsal_or_404(slug)
    form = forms.StartForm(request.POST if request.method == "POST" else None, initial={"distress_before": 30})
    if request.method == "POST" and form.is_valid():
        before = form.cleaned_data["distress_before"] if form.cleaned_data["rate_before"] else None
        run = services.start_rehearsal(access, slug, before)
        return redirect("learn:run", run_id=run.pk)
    past = queries.shown(access, queries.rehearsals(access).filter(rehearsal=slug)[:5], "Rehearsal")
    return render(request, "learn/rehearsal.html", {"script": script, "form": form, "past": past})


def _run_context(access: Access, run: Rehearsal, **extra: Any) -> dict[str, Any]:
    script = _rehearsal_or_404(run.rehearsal)
    tried = services.tried(run)
    node = script.node(run.at)
    here = [t for t in tried if t.node == run.at]
    context = {
        "run": run,
        "script": script,
        "node": node,
        "choices": list(enumerate(script.choices_at(run.at))) if node else [],
        "here": here,
        "last": here[-1] if here else None,
        "tried": tried,
        "ended": run.at == content.END,
        "choose_form": forms.ChooseForm(),
        "finish_form": forms.FinishForm(initial={"distress_after": run.distress_before or 30}),
        "phrase_form": forms.PhraseForm(),
    }
    context.update(extra)
    return context


@require_http_methods(["GET", "POST"])
def run_page(request: HttpRequest, run_id: uuid.UUID) -> HttpResponse:
    access = _own(request, perms.WRITE_LEARN)
    run = policy.row_of(access, Rehearsal.objects.all(), run_id, perms.WRITE_LEARN, entity="Rehearsal")
    if request.method == "GET":
        return render(request, "learn/run.html", _run_context(access, run))
    action = request.POST.get("action", "")
    try:
        if action == "choose":
            choose = forms.ChooseForm(request.POST)
            if not choose.is_valid():
                return render(request, "learn/run.html", _run_context(access, run, choose_form=choose), status=422)
            services.choose(access, run, choose.cleaned_data["choice"], choose.cleaned_data["own_words"] or "")
        elif action == "on":
            services.go_on(access, run)
        elif action == "finish":
            finish = forms.FinishForm(request.POST)
            if not finish.is_valid():
                return render(request, "learn/run.html", _run_context(access, run, finish_form=finish), status=422)
            d = finish.cleaned_data
            services.finish_rehearsal(
                access,
                run,
                distress_after=d["distress_after"] if d["rate_after"] else None,
                note=d["note"] or "",
                shared=d["shared"],
            )
            messages.success(request, "Saved. Thank you for practising.")
            return redirect("learn:home")
        else:
            raise ValidationError({"choice": "Choose a reply, or go on."})
    except ValidationError as exc:
        choose = forms.ChooseForm(request.POST if action == "choose" else None)
        add_errors(choose, exc, {"choice": "own_words"})
        return render(request, "learn/run.html", _run_context(access, run, choose_form=choose), status=422)
    return redirect(f"{request.path}#now")


# --- phrases and the pause ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def phrases(request: HttpRequest) -> HttpResponse:
    access = _own(request, perms.WRITE_LEARN)
    form = forms.PhraseForm(
        request.POST if request.method == "POST" else None, initial={"text": request.GET.get("start", "")[:300]}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_phrase(access, form.cleaned_data["text"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Saved to your own phrases. Only you can see them.")
            back = request.POST.get("back", "")
            if back.startswith("/portal/learn/practice/"):
                return redirect(back)
            return redirect("learn:phrases")
    context = {"form": form, "groups": content.phrase_groups(), "mine": skill_queries.phrases(access)}
    return render(request, "learn/phrases.html", context, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def pause(request: HttpRequest) -> HttpResponse:
    access = _own(request, perms.WRITE_LEARN)
    skill = skills_library.get(services.PAUSE_SKILL)
    if skill is None:
        raise Http404("The pause is not in the skills library")
    if request.method == "POST":
        try:
            key = uuid.UUID(request.POST.get("key", ""))
        except ValueError:
            key = uuid.uuid4()
        services.record_pause(access, key)
        messages.success(request, "Logged. Any pause counts.")
        return redirect("learn:home")
    return render(request, "learn/pause.html", {"skill": skill, "key": uuid.uuid4()})


# --- thought records and narrative pieces ---------------------------------------------------------------------


def _window_step(request: HttpRequest, what: str) -> HttpResponse | None:
    """The window-of-tolerance check before writing, and a grounding offer when the client is outside it. Returns
    the page to show, or None to go on to the form."""
    window = request.GET.get("window", "")
    if request.method == "POST" or (window == Window.INSIDE) or (window in Window.values and request.GET.get("go")):
        return None
    form = forms.WindowForm(request.GET if window else None)
    outside = window in {Window.ABOVE, Window.BELOW}
    context = {"form": form, "what": what, "outside": outside, "window": window, "grounding": _grounding()}
    return render(request, "learn/window.html", context)


def _choices(access: Access) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    from attune.skills import journal

    entries = [(str(r.id), r.label) for r in journal.entries(access, 30)]
    scripts = [(str(r.id), r.label) for r in journal.scripts(access)]
    return entries, scripts


@require_http_methods(["GET", "POST"])
def thought_new(request: HttpRequest) -> HttpResponse:
    access = _own(request, perms.WRITE_LEARN)
    step = _window_step(request, "a thought record")
    if step is not None:
        return step
    entries, scripts = _choices(access)
    initial = {"window": request.GET.get("window", ""), "suggested": request.GET.get("suggested") or None}
    initial["script"] = request.GET.get("script", "")
    form = forms.ThoughtRecordForm(
        request.POST if request.method == "POST" else None, initial=initial, entries=entries, scripts=scripts
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = services.create_thought_record(access, form.thought_input())
        except ValidationError as exc:
            add_errors(form, exc, {"diary_entry_id": "diary_entry", "script_id": "script"})
        else:
            return redirect(reverse("learn:thought_record", args=[record.pk]) + "?saved=1")
    return render(
        request, "learn/thought_form.html", {"form": form, "record": None}, status=422 if form.errors else 200
    )


def _record_initial(record: ThoughtRecord) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(record, name) for name in services.TEXTS}
    for i, (name, before, after) in enumerate(record.feeling_rows()):
        initial.update({f"feeling_{i}": name, f"before_{i}": before, f"after_{i}": after})
    initial.update(
        window=record.window,
        diary_entry=str(record.diary_entry_id or ""),
        script=str(record.script_id or ""),
        shared=record.shared,
        suggested=record.suggested_id,
    )
    return initial


@require_http_methods(["GET", "POST"])
def thought_record(request: HttpRequest, record_id: uuid.UUID) -> HttpResponse:
    access = _own(request, perms.WRITE_LEARN)
    record = policy.row_of(access, ThoughtRecord.objects.all(), record_id, perms.WRITE_LEARN, entity="ThoughtRecord")
    entries, scripts = _choices(access)
    editing = request.method == "POST" or request.GET.get("edit")
    form = forms.ThoughtRecordForm(
        request.POST if request.method == "POST" else None,
        initial=_record_initial(record),
        entries=entries,
        scripts=scripts,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_thought_record(access, record, form.thought_input())
        except ValidationError as exc:
            add_errors(form, exc, {"diary_entry_id": "diary_entry", "script_id": "script"})
        else:
            messages.success(request, "Saved.")
            return redirect("learn:thought_record", record_id=record.pk)
    if editing:
        return render(
            request, "learn/thought_form.html", {"form": form, "record": record}, status=422 if form.errors else 200
        )
    context = {
        "record": record,
        "script_names": queries.script_names(access),
        "entry_labels": queries.entry_labels(access, [record.diary_entry_id]),
        "just_saved": bool(request.GET.get("saved")),
        "grounding": _grounding(),
        "phrases": skill_queries.phrases(access) if request.GET.get("saved") else [],
    }
    return render(request, "learn/thought_record.html", context)


def thought_records(request: HttpRequest) -> HttpResponse:
    access = _own(request, perms.VIEW_LEARN)
    page = Paginator(queries.thought_records(access), inputs.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = queries.shown(access, page.object_list, "ThoughtRecord")
    return render(request, "learn/thought_records.html", {"page": page, "rows": rows})


def _kind_or_404(kind: str) -> str:
    if kind not in PieceKind.values:
        raise Http404("No such exercise")
    return kind


@require_http_methods(["GET", "POST"])
def piece_new(request: HttpRequest, kind: str) -> HttpResponse:
    access = _own(request, perms.WRITE_LEARN)
    kind = _kind_or_404(kind)
    step = _window_step(request, PieceKind(kind).label.lower())
    if step is not None:
        return step
    _entries, scripts = _choices(access)
    initial = {
        "window": request.GET.get("window", ""),
        "suggested": request.GET.get("suggested") or None,
        "script": request.GET.get("script", ""),
        "distress_before": 40,
        "distress_after": 40,
    }
    form = forms.PieceForm(request.POST if request.method == "POST" else None, initial=initial, scripts=scripts)
    if request.method == "POST" and form.is_valid():
        try:
            piece = services.create_piece(access, form.piece_input(kind))
        except ValidationError as exc:
            add_errors(form, exc, {"script_id": "script"})
        else:
            return redirect(reverse("learn:piece", args=[piece.pk]) + "?saved=1")
    context = {
        "form": form,
        "kind": kind,
        "label": PieceKind(kind).label,
        "prompt": forms.PROMPTS[PieceKind(kind)],
        "piece": None,
    }
    return render(request, "learn/piece_form.html", context, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def piece(request: HttpRequest, piece_id: uuid.UUID) -> HttpResponse:
    access = _own(request, perms.WRITE_LEARN)
    row = policy.row_of(access, NarrativePiece.objects.all(), piece_id, perms.WRITE_LEARN, entity="NarrativePiece")
    _entries, scripts = _choices(access)
    initial = {
        "title": row.title,
        "body": row.body,
        "window": row.window,
        "script": str(row.script_id or ""),
        "suggested": row.suggested_id,
        "distress_before": row.distress_before if row.distress_before is not None else 40,
        "rate_before": row.distress_before is not None,
        "distress_after": row.distress_after if row.distress_after is not None else 40,
        "rate_after": row.distress_after is not None,
        "shared": row.shared,
    }
    form = forms.PieceForm(request.POST if request.method == "POST" else None, initial=initial, scripts=scripts)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_piece(access, row, form.piece_input(row.kind))
        except ValidationError as exc:
            add_errors(form, exc, {"script_id": "script"})
        else:
            messages.success(request, "Saved.")
            return redirect("learn:piece", piece_id=row.pk)
    if request.method == "POST" or request.GET.get("edit"):
        context = {
            "form": form,
            "kind": row.kind,
            "label": row.get_kind_display(),
            "prompt": forms.PROMPTS[PieceKind(row.kind)],
            "piece": row,
        }
        return render(request, "learn/piece_form.html", context, status=422 if form.errors else 200)
    context = {
        "piece": row,
        "script_names": queries.script_names(access),
        "just_saved": bool(request.GET.get("saved")),
        "grounding": _grounding(),
        "phrases": skill_queries.phrases(access) if request.GET.get("saved") else [],
    }
    return render(request, "learn/piece.html", context)


def pieces(request: HttpRequest) -> HttpResponse:
    access = _own(request, perms.VIEW_LEARN)
    page = Paginator(queries.pieces(access), inputs.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = queries.shown(access, page.object_list, "NarrativePiece")
    return render(request, "learn/pieces.html", {"page": page, "rows": rows, "kinds": PieceKind})


# --- sharing and removing one piece ------------------------------------------------------------------------------

ROWS: dict[str, tuple[type[Model], str]] = {
    "reflection": (Reflection, "learn:saved"),
    "rehearsal": (Rehearsal, "learn:home"),
    "thought-record": (ThoughtRecord, "learn:thought_records"),
    "writing": (NarrativePiece, "learn:pieces"),
}


def _row(request: HttpRequest, kind: str, row_id: uuid.UUID) -> tuple[Access, Any, str]:
    access = _own(request, perms.WRITE_LEARN)
    if kind not in ROWS:
        raise Http404("Not found")
    model, back = ROWS[kind]
    rows: QuerySet[Any] = model._default_manager.all()
    return access, policy.row_of(access, rows, row_id, perms.WRITE_LEARN, entity=model.__name__), back


@require_POST
def share(request: HttpRequest, kind: str, row_id: uuid.UUID) -> HttpResponse:
    access, row, _back = _row(request, kind, row_id)
    shared = request.POST.get("shared") == "1"
    services.set_shared(access, row, shared)
    messages.success(request, "Shared with your care team." if shared else "Private again: only you can see it.")
    target = request.POST.get("next") or ""
    return redirect(target if target.startswith("/portal/learn/") else _back)


@require_POST
def delete(request: HttpRequest, kind: str, row_id: uuid.UUID) -> HttpResponse:
    access, row, back = _row(request, kind, row_id)
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Nothing was removed. Tick the box to confirm.")
        return redirect(back)
    services.delete_row(access, row)
    messages.success(request, "Removed.")
    return redirect(back)
