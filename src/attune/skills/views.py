"""The skills library and guided exercises, for the client in the portal and for staff. Views are thin: each
reaches the client's record through the policy first (the portal's own record, or the client in the URL), then
calls skills/services.py with that access."""

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
from attune.core.forms import add_errors, fresh_key
from attune.core.idempotency import ReplayMismatchError
from attune.skills import library, perms, queries, services
from attune.skills.forms import PhraseForm, RecommendForm, SkillPracticeForm
from attune.skills.models import GroundingPhrase


def _skill_or_404(slug: str) -> library.Skill:
    skill = library.get(slug)
    if skill is None:
        raise Http404("No such skill")
    return skill


def library_page(request: HttpRequest) -> HttpResponse:
    access = policy.own(user_of(request), perms.VIEW_DIARY)
    recommended = {r.skill for r in queries.recommendations(access)}
    recent = queries.shown_practices(access, queries.practices(access)[:5])
    context = {"skills": library.ordered_for(recommended), "recent": recent}
    return render(request, "skills/library.html", context)


@require_http_methods(["GET", "POST"])
def skill_page(request: HttpRequest, slug: str) -> HttpResponse:
    # The page shows the client's own recommendations and phrases, so the write permission's page audits a read.
    access = policy.own(user_of(request), perms.WRITE_DIARY, shows=perms.VIEW_DIARY)
    skill = _skill_or_404(slug)
    initial: dict[str, Any] = {
        "key": uuid.uuid4(),
        "distress_before": 50,
        "distress_after": 50,
        "shared": services.share_default(access),
        "variant": skill.patterns[0].slug if skill.patterns else "",
    }
    form = SkillPracticeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_practice(access, skill.slug, form.cleaned_data["key"], form.practice_input())
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
    access = policy.own(user_of(request), perms.WRITE_DIARY, shows=perms.VIEW_DIARY)
    form = PhraseForm(request.POST)
    try:
        services.add_phrase(access, form.cleaned_data["text"] if form.is_valid() else "")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Your phrase is saved. Only you can see it.")
    return _phrases_page()


@require_POST
def phrase_delete(request: HttpRequest, phrase_id: uuid.UUID) -> HttpResponse:
    access = policy.own(user_of(request), perms.WRITE_DIARY, shows=perms.VIEW_DIARY)
    phrase = policy.row_of(
        access, GroundingPhrase.objects.all(), phrase_id, perms.WRITE_DIARY, entity="GroundingPhrase"
    )
    services.delete_phrase(access, phrase)
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
    access = policy.client(user_of(request), client_id, perms.VIEW_DIARY)
    if request.method == "POST":
        form = RecommendForm(request.POST)
        try:
            # The service decides (and audits) who may recommend, before it looks at the choice.
            services.recommend(access, form.cleaned_data["skill"] if form.is_valid() else "")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Recommended. It comes first in their skills library.")
        return redirect("skills:client_skills", client_id=access.client_id)
    recommendations = queries.recommendations(access)
    practices = queries.shown_practices(access, queries.practices(access)[:50])
    context = {
        "client": record_of(access),
        "recommendations": [(r, library.get(r.skill)) for r in recommendations],
        "practices": practices,
        "form": RecommendForm(exclude={r.skill for r in recommendations}),
        "can_recommend": access.can(perms.RECOMMEND_SKILLS),
    }
    return render(request, "skills/client_skills.html", context)


@require_POST
def client_withdraw(request: HttpRequest, client_id: uuid.UUID, slug: str) -> HttpResponse:
    access = policy.client(user_of(request), client_id, perms.RECOMMEND_SKILLS)
    services.withdraw(access, slug)
    messages.success(request, "The recommendation is withdrawn.")
    return redirect("skills:client_skills", client_id=access.client_id)
