"""Monitoring in the client's portal: the support page after a critical answer, setting a questionnaire aside,
and the client's own results (only what their clinician chose to show them, in plain words)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from attune.care import crisis
from attune.care.records import record_of
from attune.core import policy
from attune.core.policy import Relation
from attune.measures import library
from attune.monitoring import forms, perms, progress, queries, services
from attune.monitoring.views import error_text, safe_svg
from attune.questionnaires import perms as questionnaire_perms
from attune.questionnaires import services as questionnaires


@require_GET
def support(request: HttpRequest, response_id: str) -> HttpResponse:
    located = questionnaires.locate(request.user, response_id, questionnaire_perms.ANSWER)
    if located.access.relation is not Relation.SELF:
        raise Http404("No such page")
    context = {
        "response": located.response,
        "resources": crisis.resources_for(located.access.client.practice_id),
        "continue_url": reverse("questionnaires:portal_resume", args=[located.response.pk]),
    }
    return render(request, "monitoring/support.html", context)


@require_POST
def postpone(request: HttpRequest, response_id: str) -> HttpResponse:
    form = forms.PostponeForm(request.POST)
    if not form.is_valid():
        questionnaires.locate(request.user, response_id, questionnaire_perms.ANSWER)
        messages.error(request, "Choose when you would like to be reminded.")
        return redirect("workspace:portal")
    try:
        response = services.postpone(request.user, response_id, form.cleaned_data["days"])
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        when = response.postponed_until
        messages.success(request, f"Set aside. It will be back on your home page on {when:%A} {when.day} {when:%B}.")  # type: ignore[union-attr]
    return redirect("workspace:portal")


def _own_client(request: HttpRequest) -> policy.Access:
    own = policy.visible_to(request.user, relations=[Relation.SELF]).first()
    if own is None:
        policy.deny_legacy(request.user, "Patient", "", perms.VIEW_OWN_RESULTS)
        raise PermissionDenied("This page is for clients")
    return policy.get_client_for(request.user, own.pk, perms.VIEW_OWN_RESULTS)


@require_GET
def my_results(request: HttpRequest) -> HttpResponse:
    access = _own_client(request)
    client = record_of(access)
    visible = queries.visible_instruments(client)
    sessions = queries.session_dates(client)
    shown = []
    for code in sorted(visible & set(library.codes())):
        responses = queries.episode_series(client, code)
        if not responses:
            continue
        built = progress.build(library.load(code), responses, sessions, for_client=True, ident=f"mine-{code}")
        shown.append({"progress": built, "chart": safe_svg(built.chart)})
    return render(request, "monitoring/my_results.html", {"shown": shown})
