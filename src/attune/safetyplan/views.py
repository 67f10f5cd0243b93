"""The safety plan's pages: the client's own in the portal, and the care team's under the client record. Each
view reaches the client's record through the policy first (policy.own / policy.client; a row with
policy.row_of), then validates, then calls one service or query helper with that access and renders."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from attune.accounts.roles import user_of
from attune.care.records import record_of
from attune.core import forms as shared_forms
from attune.core import policy
from attune.core.policy import Access
from attune.safetyplan import inputs, perms, queries, services
from attune.safetyplan.forms import PersonForm, RelationshipForm, ReviewedForm, SharingForm, StepForm

SERVICE_NAMES = {"services": "service_name_1", "people": "people", "skills": "skills"}


def _own(request: HttpRequest, perm: policy.Perm) -> Access:
    return policy.own(user_of(request), perm, shows=perms.VIEW_PLAN if perm.write else None)


def _version_of(form: Any) -> int | None:
    value = form.cleaned_data.get("version")
    return int(value) if value is not None else None


# --- the plan ------------------------------------------------------------------------------------------------


def plan(request: HttpRequest) -> HttpResponse:
    access = _own(request, perms.VIEW_PLAN)
    page = queries.plan_page(access)
    context = {
        "page": page,
        "sharing_form": SharingForm(initial={"sharing": page.sharing}),
        "owner": True,
    }
    return render(request, "safetyplan/plan.html", context)


def _step_form(request: HttpRequest, access: Access, step: str, plan: Any) -> StepForm | RelationshipForm:
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    version = {"version": plan.version if plan is not None else 0}
    if step == inputs.RELATIONSHIP_STEP:
        current = plan.relationship_data if plan is not None else {}
        return RelationshipForm(data, current=current, initial=version)
    current = (plan.safety_data if plan is not None else {}).get(step) or {}
    people = [(str(p.pk), str(p.name)) for p in queries.people(access)] if step in {"distractions", "help"} else []
    return StepForm(
        data,
        files,
        step=step,
        current=current,
        skills=queries.skill_choices(access) if step == "coping" else None,
        people=people,
        photo=access.is_self and step == "reasons",
        initial=version,
    )


def _photo_change(form: StepForm | RelationshipForm) -> bytes | object | None:
    if "photo" not in form.fields:
        return services.KEEP
    if form.cleaned_data.get("remove_photo"):
        return None
    upload = form.cleaned_data.get("photo")
    return upload.read() if upload else services.KEEP


def edit_step(
    request: HttpRequest, access: Access, step: str, done: str, template_context: dict[str, Any]
) -> HttpResponse:
    """One step's page, for the client and for the care team (the parts the client shares with them)."""
    if step not in inputs.ALL_STEPS:
        raise Http404("No such step")
    plan = queries.plan_of(access)
    part = inputs.RELATIONSHIP if step == inputs.RELATIONSHIP_STEP else inputs.SAFETY
    services.require_part(access, plan, part, perms.EDIT_PLAN)
    form = _step_form(request, access, step, plan)
    steps = list(inputs.STEP_KEYS) + ([inputs.RELATIONSHIP_STEP] if access.is_self else [])
    position = steps.index(step) if step in steps else 0
    next_step = steps[position + 1] if position + 1 < len(steps) else ""
    if next_step and "client" in template_context:
        next_url = reverse("safetyplan:client_step", args=[template_context["client"].pk, next_step])
    elif next_step:
        next_url = reverse("safetyplan:step", args=[next_step])
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_step(
                    access, step, form.values(), expected_version=_version_of(form), photo=_photo_change(form)
                )
            except services.StaleWriteError as exc:
                form.add_error(None, str(exc))
                status = 409
            except ValidationError as exc:
                shared_forms.add_errors(form, exc, SERVICE_NAMES)
                status = 422
            else:
                messages.success(request, "Saved. You can change this whenever you like.")
                return redirect(next_url if next_step and request.POST.get("then") == "next" else done)
        else:
            status = 422
    context = {
        "form": form,
        "step": step,
        "title": inputs.STEP_TITLES.get(step, "My relationship-safety plan"),
        "hint": next((h for k, _t, h in inputs.STEPS if k == step), ""),
        "signs": queries.suggested_signs(access) if step == "warning_signs" else [],
        "helped": queries.helped_most(access) if step == "coping" else set(),
        "photo": plan.photo if plan is not None and step == "reasons" and access.is_self else "",
        "position": position + 1,
        "count": len(steps),
        "next_step": next_step,
        **template_context,
    }
    return render(request, "safetyplan/step.html", context, status=status)


@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, step: str) -> HttpResponse:
    access = _own(request, perms.EDIT_PLAN)
    return edit_step(request, access, step, reverse("safetyplan:plan"), {"owner": True})


@require_POST
def sharing(request: HttpRequest) -> HttpResponse:
    access = _own(request, perms.SHARE_PLAN)
    form = SharingForm(request.POST)
    if form.is_valid():
        services.set_sharing(access, form.cleaned_data["sharing"])
        messages.success(request, "Saved. This applies straight away.")
    else:
        messages.error(request, "Choose one of the options.")
    return redirect("safetyplan:plan")


# --- versions --------------------------------------------------------------------------------------------------


def versions(request: HttpRequest) -> HttpResponse:
    access = _own(request, perms.VIEW_PLAN)
    rows = queries.versions(access).select_related("author")
    page = Paginator(rows, 20).get_page(request.GET.get("page") or 1)
    access.shown("PlanVersion", [v.pk for v in page.object_list], perms.VIEW_PLAN)
    return render(request, "safetyplan/versions.html", {"page": page, "titles": inputs.STEP_TITLES})


def version(request: HttpRequest, version_id: uuid.UUID) -> HttpResponse:
    access = _own(request, perms.VIEW_PLAN)
    found = policy.row_of(access, queries.versions(access), version_id, perms.VIEW_PLAN, entity="PlanVersion")
    page = queries.plan_page(access, safety=found.safety_data, relationship=found.relationship_data, audit=False)
    current = page.plan.version if page.plan is not None else 0
    return render(request, "safetyplan/version.html", {"version": found, "page": page, "current": current})


@require_POST
def restore(request: HttpRequest, version_id: uuid.UUID) -> HttpResponse:
    access = _own(request, perms.RESTORE_PLAN)
    found = policy.row_of(access, queries.versions(access), version_id, perms.RESTORE_PLAN, entity="PlanVersion")
    expected = request.POST.get("current")
    try:
        services.restore(access, found, expected_version=int(expected) if expected and expected.isdigit() else None)
    except services.StaleWriteError as exc:
        messages.error(request, str(exc))
        return redirect("safetyplan:version", version_id=found.pk)
    messages.success(request, f"Version {found.number} is back. Your plan before this is kept as a version too.")
    return redirect("safetyplan:plan")


# --- the support network -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def network(request: HttpRequest) -> HttpResponse:
    access = _own(request, perms.EDIT_NETWORK if request.method == "POST" else perms.VIEW_PLAN)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_person(access, form.cleaned_data)
        except ValidationError as exc:
            shared_forms.add_errors(form, exc)
        else:
            messages.success(request, "Added to your support network.")
            return redirect("safetyplan:network")
    people = queries.shown_people(access)
    status = 422 if form.errors else 200
    return render(request, "safetyplan/network.html", {"form": form, "people": people}, status=status)


@require_http_methods(["GET", "POST"])
def person(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    access = _own(request, perms.EDIT_NETWORK)
    found = policy.row_of(access, queries.people(access), person_id, perms.VIEW_PLAN, entity="SupportPerson")
    form = PersonForm(request.POST or None, initial={f: getattr(found, f) for f in PersonForm.base_fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(access, found, form.cleaned_data)
        except ValidationError as exc:
            shared_forms.add_errors(form, exc)
        else:
            messages.success(request, "Saved.")
            return redirect("safetyplan:network")
    status = 422 if form.errors else 200
    return render(request, "safetyplan/person.html", {"form": form, "person": found}, status=status)


@require_POST
def person_delete(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    access = _own(request, perms.EDIT_NETWORK)
    found = policy.row_of(access, queries.people(access), person_id, perms.EDIT_NETWORK, entity="SupportPerson")
    services.remove_person(access, found)
    messages.success(request, "Taken off your list.")
    return redirect("safetyplan:network")


# --- the care team's, under the client record --------------------------------------------------------------------


def client_plan(request: HttpRequest, client_id: uuid.UUID) -> HttpResponse:
    access = policy.client(user_of(request), client_id, perms.VIEW_PLAN)
    page = queries.plan_page(access)
    context = {
        "client": record_of(access),
        "page": page,
        "owner": access.is_self,
        "can_review": access.can(perms.REVIEW_PLAN) and page.plan is not None and page.shows_safety,
        "can_edit": access.can(perms.EDIT_PLAN) and (page.plan is None or page.shows_safety),
        "reviewed_form": ReviewedForm(initial={"reviewed_on": timezone.localdate()}),
    }
    return render(request, "safetyplan/staff_plan.html", context)


@require_http_methods(["GET", "POST"])
def client_step(request: HttpRequest, client_id: uuid.UUID, step: str) -> HttpResponse:
    access = policy.client(user_of(request), client_id, perms.EDIT_PLAN, shows=perms.VIEW_PLAN)
    client = record_of(access)
    done = reverse("safetyplan:client_plan", args=[client.pk])
    return edit_step(request, access, step, done, {"owner": access.is_self, "client": client})


@require_POST
def client_reviewed(request: HttpRequest, client_id: uuid.UUID) -> HttpResponse:
    access = policy.client(user_of(request), client_id, perms.REVIEW_PLAN, shows=perms.VIEW_PLAN)
    form = ReviewedForm(request.POST)
    if form.is_valid():
        try:
            services.mark_reviewed(access, form.cleaned_data["reviewed_on"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Marked as reviewed together.")
    else:
        messages.error(request, "Enter the date you went through the plan together.")
    return redirect("safetyplan:client_plan", client_id=access.client_id)
