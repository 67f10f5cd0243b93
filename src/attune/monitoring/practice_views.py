"""Practice admins configure the crisis resources their clients are shown. No clinical content here."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from attune.accounts.models import Membership
from attune.core import policy
from attune.monitoring import forms, queries, services


@require_http_methods(["GET", "POST"])
def crisis_resources(request: HttpRequest, practice_id: int) -> HttpResponse:
    practice = policy.practice_for(request.user, practice_id, Membership.Role.ADMIN)
    form = forms.CrisisResourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_crisis_resource(request.user, practice.pk, **form.cleaned_data)
        messages.success(request, "Added. Clients see it at once after an answer that needs support.")
        return redirect("monitoring:crisis_resources", practice_id=practice.pk)
    context = {"practice": practice, "form": form, "resources": queries.crisis_resources(practice)}
    return render(request, "monitoring/crisis_resources.html", context)


@require_http_methods(["GET", "POST"])
def crisis_resource_edit(request: HttpRequest, practice_id: int, resource_id: int) -> HttpResponse:
    practice = policy.practice_for(request.user, practice_id, Membership.Role.ADMIN)
    resource = services._resource(practice, resource_id)
    initial = {name: getattr(resource, name) for name in services.RESOURCE_FIELDS}
    form = forms.CrisisResourceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.update_crisis_resource(request.user, practice.pk, resource.pk, **form.cleaned_data)
        messages.success(request, "Saved.")
        return redirect("monitoring:crisis_resources", practice_id=practice.pk)
    return render(
        request, "monitoring/crisis_resource_edit.html", {"practice": practice, "form": form, "resource": resource}
    )


@require_POST
def crisis_resource_remove(request: HttpRequest, practice_id: int, resource_id: int) -> HttpResponse:
    services.remove_crisis_resource(request.user, practice_id, resource_id)
    messages.success(request, "Removed.")
    return redirect("monitoring:crisis_resources", practice_id=practice_id)
