"""Exposure hierarchies: the care team's page under the client record (the hierarchy, homework, completion and the
distress trend per situation) and the client's in the portal (her ladder, a window-of-tolerance check before
each practice, the practice log and her own curve). Each view reaches the record through the policy first."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from attune.accounts.roles import user_of
from attune.care.records import record_of
from attune.clinical import perms, queries, services
from attune.clinical.forms import HomeworkForm, PracticeForm, SituationForm
from attune.clinical.models import ExposureSituation
from attune.core import forms as shared_forms
from attune.core import policy
from attune.core.policy import Access

STOPPED = "You stopped when you needed to — that is information too. Thank you for logging it."
SAVED = "Saved. Thank you for practising."


def _situation(access: Access, situation_id: uuid.UUID, perm: policy.Perm) -> ExposureSituation:
    return policy.row_of(access, queries.situations(access), situation_id, perm, entity="ExposureSituation")


def _staff_context(access: Access, **extra: object) -> dict[str, object]:
    steps = queries.ladder(access)
    context: dict[str, object] = {
        "client": record_of(access),
        "ladder": steps,
        "can_plan": access.can(perms.PLAN_EXPOSURE),
        "form": SituationForm(),
        # One homework form per situation, each with its own ids so that every label leads to its field.
        "rungs": [
            (step, HomeworkForm(auto_id=f"id_hw{n}_%s", initial={"minutes": 10})) for n, step in enumerate(steps)
        ],
    }
    context.update(extra)
    return context


@require_http_methods(["GET", "POST"])
def exposure(request: HttpRequest, client_id: uuid.UUID) -> HttpResponse:
    access = policy.client(user_of(request), client_id, perms.VIEW_EXPOSURE)
    if request.method == "GET" and access.is_self:
        return redirect("clinical:my_exposure")
    if request.method == "GET":
        return render(request, "clinical/exposure.html", _staff_context(access))
    access.require(perms.PLAN_EXPOSURE)
    form = SituationForm(request.POST)
    if form.is_valid():
        try:
            services.add_situation(access, form.cleaned_data["description"], form.cleaned_data["expected_distress"])
        except ValidationError as exc:
            shared_forms.add_errors(form, exc)
        else:
            messages.success(request, "Added to the hierarchy.")
            return redirect("clinical:exposure", client_id=access.client_id)
    return render(request, "clinical/exposure.html", _staff_context(access, form=form), status=422)


def exposure_situation(request: HttpRequest, client_id: uuid.UUID, situation_id: uuid.UUID) -> HttpResponse:
    access = policy.client(user_of(request), client_id, perms.VIEW_EXPOSURE)
    found = _situation(access, situation_id, perms.VIEW_EXPOSURE)
    if access.is_self:
        return redirect("clinical:my_exposure")
    context = {"client": record_of(access), "step": queries.ladder(access, only=found)[0]}
    return render(request, "clinical/exposure_situation.html", context)


@require_POST
def exposure_homework(request: HttpRequest, client_id: uuid.UUID, situation_id: uuid.UUID) -> HttpResponse:
    access = policy.client(user_of(request), client_id, perms.PLAN_EXPOSURE, shows=perms.VIEW_EXPOSURE)
    found = _situation(access, situation_id, perms.PLAN_EXPOSURE)
    form = HomeworkForm(request.POST)
    if form.is_valid():
        try:
            services.set_homework(access, found, **form.cleaned_data)
        except ValidationError as exc:
            shared_forms.add_errors(form, exc)
        else:
            messages.success(request, "Homework set. It is on the client's practice ladder now.")
            return redirect("clinical:exposure", client_id=access.client_id)
    messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return render(request, "clinical/exposure.html", _staff_context(access), status=422)


# --- the client's practice ladder, in the portal ---------------------------------------------------------------


def my_exposure(request: HttpRequest) -> HttpResponse:
    access = policy.own(user_of(request), perms.VIEW_EXPOSURE)
    return render(request, "clinical/my_exposure.html", {"ladder": queries.ladder(access)})


@require_http_methods(["GET", "POST"])
def my_practice(request: HttpRequest, homework_id: uuid.UUID) -> HttpResponse:
    """A window-of-tolerance check first; then, if now is a good time, the practice log."""
    access = policy.own(user_of(request), perms.LOG_EXPOSURE, shows=perms.VIEW_EXPOSURE)
    homework = policy.row_of(
        access, queries.homework_rows(access).select_related("situation"), homework_id, perms.VIEW_EXPOSURE,
        entity="ExposureHomework",
    )  # fmt: skip
    if request.method == "POST":
        form = PracticeForm(request.POST)
        if form.is_valid():
            try:
                services.log_practice(access, homework, form.cleaned_data["key"], form.practice_input())
            except ValidationError as exc:
                shared_forms.add_errors(form, exc)
            else:
                messages.success(request, STOPPED if form.cleaned_data["stopped_early"] else SAVED)
                return redirect("clinical:my_exposure")
        return render(request, "clinical/my_practice.html", {"homework": homework, "form": form}, status=422)
    if request.GET.get("now") != "yes":
        return render(request, "clinical/my_practice_check.html", {"homework": homework})
    form = PracticeForm(initial={"key": uuid.uuid4(), "distress_start": 30, "distress_peak": 50, "distress_end": 30})
    return render(request, "clinical/my_practice.html", {"homework": homework, "form": form})
