"""Monitoring in the client's portal: the support page after a critical answer, setting a questionnaire aside,
and the client's own results (only what their clinician chose to show them, in plain words)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from attune.care import crisis, hours
from attune.care.models import Practice
from attune.core import policy
from attune.core.policy import Located
from attune.measures import library
from attune.monitoring import forms, perms, progress, queries, services
from attune.monitoring.views import error_text, safe_svg
from attune.questionnaires import perms as questionnaire_perms
from attune.questionnaires import services as questionnaires
from attune.questionnaires.models import Response


def _answering(request: HttpRequest, response_id: str) -> Located[Response]:
    return policy.locate(
        request.user,
        Response,
        response_id,
        questionnaire_perms.ANSWER,
        entity=questionnaires.ENTITY,
        allowed=questionnaires.answerable,
    )


@require_GET
def support(request: HttpRequest, response_id: str) -> HttpResponse:
    located = _answering(request, response_id)
    if not located.access.is_self:
        raise Http404("No such page")
    practice = Practice.objects.get(pk=located.access.client.practice_id)
    context = {
        "response": located.row,
        "resources": crisis.resources_for(practice.pk),
        # True words about when the team will see the answer: today at work, or when they are next at work.
        "when_seen": hours.when_seen(practice, timezone.now()),
        "can_continue": located.row.is_open,
    }
    return render(request, "monitoring/support.html", context)


@require_POST
def support_seen(request: HttpRequest, response_id: str) -> HttpResponse:
    """The client has seen the support page; they go on with the questionnaire or to their home page."""
    located = _answering(request, response_id)
    if not located.access.is_self:
        raise Http404("No such page")
    form = forms.SupportSeenForm(request.POST)
    then = form.cleaned_data["then"] if form.is_valid() else "home"
    services.saw_support(located)
    if then == "continue" and located.row.is_open:
        return redirect(reverse("questionnaires:portal_resume", args=[located.row.pk]))
    return redirect("workspace:portal")


@require_POST
def postpone(request: HttpRequest, response_id: str) -> HttpResponse:
    located = _answering(request, response_id)
    form = forms.PostponeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose when you would like to be reminded.")
        return redirect("workspace:portal")
    try:
        response = questionnaires.postpone(located, form.cleaned_data["days"])
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        when = response.postponed_until
        messages.success(request, f"Set aside. It will be back on your home page on {when:%A} {when.day} {when:%B}.")  # type: ignore[union-attr]
    return redirect("workspace:portal")


@require_GET
def my_results(request: HttpRequest) -> HttpResponse:
    access = policy.own(request.user, perms.VIEW_OWN_RESULTS)
    visible = queries.visible_instruments(access.client_id)
    sessions = queries.session_dates(access.client_id)
    shown = []
    for code in sorted(visible & set(library.codes())):
        responses = queries.episode_series(access.client_id, code)
        if not responses:
            continue
        built = progress.build(library.load(code), responses, sessions, for_client=True, ident=f"mine-{code}")
        shown.append({"progress": built, "chart": safe_svg(built.chart)})
    return render(request, "monitoring/my_results.html", {"shown": shown})
