"""The skills library and guided exercises, for the client in the portal and for staff. Views are thin: the
client is their own record through the policy; writes go through skills/services.py."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from attune.accounts import roles
from attune.accounts.roles import user_of
from attune.care.records import record_of
from attune.core import policy
from attune.diary import access as rows
from attune.diary.idempotency import ReplayMismatchError
from attune.diary.services import share_default
from attune.diary.views import add_errors, fresh_key
from attune.skills import library, perms, queries, services
from attune.skills.forms import PhraseForm, RecommendForm, SkillPracticeForm


def _skill_or_404(slug: str) -> library.Skill:
    skill = library.get(slug)
    if skill is None:
        raise Http404("No such skill")
    return skill


def library_page(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    access = rows.own_client(user, perms.VIEW_DIARY)
    recommended = {r.skill for r in queries.recommendations(access)}
    recent = list(queries.practices(access)[:5])
    rows.record_reads(user, access, "SkillPractice", [p.pk for p in recent], perms.VIEW_DIARY)
    context = {"skills": library.ordered_for(recommended), "recent": recent}
    return render(request, "skills/library.html", context)


@require_http_methods(["GET", "POST"])
def skill_page(request: HttpRequest, slug: str) -> HttpResponse:
    user = user_of(request)
    access = rows.own_client(user, perms.WRITE_DIARY)
    skill = _skill_or_404(slug)
    initial: dict[str, Any] = {
        "key": uuid.uuid4(),
        "distress_before": 50,
        "distress_after": 50,
        "shared": share_default(record_of(access)),
        "variant": skill.patterns[0].slug if skill.patterns else "",
    }
    form = SkillPracticeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_practice(
                user, access.client_id, skill.slug, form.cleaned_data["key"], form.practice_input()
            )
        except ReplayMismatchError as exc:
            form.add_error(None, exc)
            form.data = fresh_key(request)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Saved. Well done for taking the time.")
            return redirect("skills:skill", slug=skill.slug)
    recommended = {r.skill for r in queries.recommendations(access)}
    context = {
        "skill": skill,
        "form": form,
        "next_skill": library.next_after(skill),
        "recommended": skill.slug in recommended,
        "phrases": queries.phrases(access) if skill.exercise == "phrases" else [],
        "phrase_form": PhraseForm() if skill.exercise == "phrases" else None,
    }
    return render(request, "skills/skill.html", context)


def _phrases_page() -> HttpResponse:
    target = next((s for s in library.all_skills() if s.exercise == "phrases"), None)
    return redirect("skills:skill", slug=target.slug) if target else redirect("skills:library")


@require_POST
def phrase_add(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    access = rows.own_client(user, perms.WRITE_DIARY)
    form = PhraseForm(request.POST)
    try:
        services.add_phrase(user, access.client_id, form.cleaned_data["text"] if form.is_valid() else "")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Your phrase is saved. Only you can see it.")
    return _phrases_page()


@require_POST
def phrase_delete(request: HttpRequest, phrase_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    access = rows.own_client(user, perms.WRITE_DIARY)
    services.delete_phrase(user, access.client_id, phrase_id)
    messages.success(request, "Removed.")
    return _phrases_page()


# --- staff ---------------------------------------------------------------------------------------------------------


def catalogue(request: HttpRequest) -> HttpResponse:
    """The library for clinicians. It holds no client data; clients and partners use their own page."""
    if roles.uses_portal(request.user):
        return redirect("skills:library")
    return render(request, "skills/catalogue.html", {"skills": library.all_skills()})


def catalogue_skill(request: HttpRequest, slug: str) -> HttpResponse:
    if roles.uses_portal(request.user):
        return redirect("skills:skill", slug=slug)
    skill = _skill_or_404(slug)
    return render(request, "skills/catalogue_skill.html", {"skill": skill, "next_skill": library.next_after(skill)})


@require_http_methods(["GET", "POST"])
def client_skills(request: HttpRequest, client_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    access = policy.get_client_for(user, client_id, perms.VIEW_DIARY)
    if request.method == "POST":
        form = RecommendForm(request.POST)
        try:
            # The service decides (and audits) who may recommend, before it looks at the choice.
            services.recommend(user, access.client_id, form.cleaned_data["skill"] if form.is_valid() else "")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Recommended. It comes first in their skills library.")
        return redirect("skills:client_skills", client_id=access.client_id)
    recommendations = queries.recommendations(access)
    practices = list(queries.practices(access)[:50])
    rows.record_reads(user, access, "SkillPractice", [p.pk for p in practices], perms.VIEW_DIARY)
    context = {
        "client": record_of(access),
        "recommendations": [(r, library.get(r.skill)) for r in recommendations],
        "practices": practices,
        "form": RecommendForm(exclude={r.skill for r in recommendations}),
        "can_recommend": policy.allows(access, perms.RECOMMEND_SKILLS, user),
    }
    return render(request, "skills/client_skills.html", context)


@require_POST
def client_withdraw(request: HttpRequest, client_id: uuid.UUID, slug: str) -> HttpResponse:
    services.withdraw(user_of(request), client_id, slug)
    messages.success(request, "The recommendation is withdrawn.")
    return redirect("skills:client_skills", client_id=client_id)
