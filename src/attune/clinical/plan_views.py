"""Treatment plans and goals: the care team's pages under the client record, the client's in the portal, and the
practice admin's choice of the attainment score's correlation. Each view reaches the record through the policy
first (policy.client / policy.own / policy.practice; a goal with policy.row_of), then validates, then calls one
service."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from attune.accounts.models import Membership
from attune.accounts.roles import user_of
from attune.care.records import practice_of, record_of
from attune.clinical import perms, queries, services
from attune.clinical.forms import GoalForm, GoalStatusForm, PlanForm, PlanScriptsForm, RatingForm, RhoForm
from attune.clinical.models import Goal, GoalStatus, TreatmentPlan
from attune.core import forms as shared_forms
from attune.core import policy
from attune.core.policy import Access


def _client(request: HttpRequest, client_id: uuid.UUID, perm: policy.Perm) -> Access:
    return policy.client(user_of(request), client_id, perm, shows=perms.VIEW_PLAN if perm.write else None)


def _goal(access: Access, goal_id: uuid.UUID, perm: policy.Perm) -> Goal:
    return policy.row_of(access, queries.goals(access), goal_id, perm, entity="Goal")


def _plan_context(access: Access, **extra: Any) -> dict[str, Any]:
    plan = queries.current_plan(access)
    cards = queries.goal_cards(access, plan) if plan is not None else []
    record = record_of(access)
    scripts = queries.linked_scripts(access, plan) if plan is not None else []
    context: dict[str, Any] = {
        "client": record,
        "plan": plan,
        "scripts": scripts,
        "cards": cards,
        "attainment": queries.attainment(cards, queries.gas_rho(record.practice_id)),
        "can_write": access.can(perms.WRITE_PLAN),
        "has_open_episode": plan is not None and plan.episode.closed is None,
    }
    if context["can_write"] and plan is not None and "scripts_form" not in extra:
        context["scripts_form"] = _scripts_form(access, plan, None)
    context.update(extra)
    return context


@require_http_methods(["GET", "POST"])
def plan(request: HttpRequest, client_id: uuid.UUID) -> HttpResponse:
    access = _client(request, client_id, perms.VIEW_PLAN)
    if request.method == "GET" and access.is_self:
        # The client's plan is shown to her in her own words, in the portal.
        return redirect("clinical:my_plan")
    if request.method == "GET":
        found = queries.current_plan(access)
        initial = (
            {
                "formulation_client": found.formulation_client,
                "formulation_clinician": found.formulation_clinician,
                "version": found.version,
            }
            if found is not None
            else {}
        )
        return render(request, "clinical/plan.html", _plan_context(access, form=PlanForm(initial=initial)))
    access.require(perms.WRITE_PLAN)
    form = PlanForm(request.POST)
    status = 422
    if form.is_valid():
        data = services.PlanInput(form.cleaned_data["formulation_client"], form.cleaned_data["formulation_clinician"])
        try:
            services.save_plan(access, data, expected_version=form.cleaned_data["version"])
        except services.StaleWriteError as exc:
            form.add_error(None, str(exc))
            status = 409
        except ValidationError as exc:
            shared_forms.add_errors(form, exc)
        else:
            messages.success(request, "The plan is saved. What it said before is kept in its history.")
            return redirect("clinical:plan", client_id=access.client_id)
    return render(request, "clinical/plan.html", _plan_context(access, form=form), status=status)


def _scripts_form(access: Access, plan: TreatmentPlan, data: Any) -> PlanScriptsForm | None:
    choices = [(str(ref.id), ref.label) for ref in queries.map_scripts(access)]
    if not choices:
        return None
    initial = {"scripts": [str(pk) for pk in plan.script_ids], "version": plan.version}
    return PlanScriptsForm(data, initial=initial, choices=choices)


@require_POST
def plan_scripts(request: HttpRequest, client_id: uuid.UUID) -> HttpResponse:
    """Link scripts on the client's map to the formulation."""
    access = _client(request, client_id, perms.WRITE_PLAN)
    found = queries.current_plan(access)
    form = _scripts_form(access, found, request.POST) if found is not None else None
    if form is None:
        messages.error(request, "There is nothing to link yet: the plan and the client's map both need to exist.")
        return redirect("clinical:plan", client_id=access.client_id)
    status = 422
    if form.is_valid():
        try:
            services.link_scripts(access, form.script_ids(), expected_version=form.cleaned_data["version"])
        except services.StaleWriteError as exc:
            form.add_error(None, str(exc))
            status = 409
        except ValidationError as exc:
            shared_forms.add_errors(form, exc)
        else:
            messages.success(request, "The linked scripts are saved with the plan.")
            return redirect("clinical:plan", client_id=access.client_id)
    return render(request, "clinical/plan.html", _plan_context(access, form=PlanForm(), scripts_form=form),
                  status=status)  # fmt: skip


@require_http_methods(["GET", "POST"])
def goal_new(request: HttpRequest, client_id: uuid.UUID) -> HttpResponse:
    access = _client(request, client_id, perms.WRITE_PLAN)
    found = queries.current_plan(access)
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if found is None:
                raise ValidationError("Save the plan first: goals belong to the plan of an episode.")
            services.add_goal(access, found, form.goal_input())
        except ValidationError as exc:
            shared_forms.add_errors(form, exc)
        else:
            messages.success(request, "The goal is on the plan.")
            return redirect("clinical:plan", client_id=access.client_id)
    context = {"client": record_of(access), "form": form, "goal": None, "plan": found}
    return render(request, "clinical/goal_edit.html", context, status=422 if form.errors else 200)


def _goal_context(access: Access, goal: Goal, **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "client": record_of(access),
        "goal": goal,
        "history": queries.goal_history(access, goal),
        "ratings": queries.goal_ratings(access, goal),
        "can_write": access.can(perms.WRITE_PLAN),
        "form": GoalForm(initial=GoalForm.initial_for(goal)),
        "rating_form": RatingForm(goal=goal) if goal.is_active else None,
    }
    context.update(extra)
    return context


@require_http_methods(["GET", "POST"])
def goal(request: HttpRequest, client_id: uuid.UUID, goal_id: uuid.UUID) -> HttpResponse:
    access = _client(request, client_id, perms.VIEW_PLAN)
    found = _goal(access, goal_id, perms.VIEW_PLAN)
    if request.method == "GET" and access.is_self:
        return redirect("clinical:my_goal", goal_id=found.pk)
    if request.method == "GET":
        return render(request, "clinical/goal.html", _goal_context(access, found))
    access.require(perms.WRITE_PLAN, "Goal", str(found.pk))
    form = GoalForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            services.revise_goal(access, found, form.goal_input(), expected_version=form.cleaned_data["version"])
        except services.StaleWriteError as exc:
            form.add_error(None, str(exc))
            status = 409
        except ValidationError as exc:
            shared_forms.add_errors(form, exc)
        else:
            messages.success(request, "The goal is revised. What it said before is kept below.")
            return redirect("clinical:goal", client_id=access.client_id, goal_id=found.pk)
    return render(request, "clinical/goal.html", _goal_context(access, found, form=form, open_edit=True), status=status)


@require_POST
def goal_status(request: HttpRequest, client_id: uuid.UUID, goal_id: uuid.UUID) -> HttpResponse:
    access = _client(request, client_id, perms.WRITE_PLAN)
    found = _goal(access, goal_id, perms.WRITE_PLAN)
    form = GoalStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what to do with the goal.")
        return render(request, "clinical/goal.html", _goal_context(access, found), status=422)
    changed = services.set_goal_status(access, found, form.cleaned_data["status"])
    done = "set aside; its history and ratings are kept" if changed.status == GoalStatus.SET_ASIDE else "taken up again"
    messages.success(request, f"The goal is {done}.")
    return redirect("clinical:goal", client_id=access.client_id, goal_id=found.pk)


@require_POST
def goal_rate(request: HttpRequest, client_id: uuid.UUID, goal_id: uuid.UUID) -> HttpResponse:
    """The care team's rating of where a goal stands on its scale."""
    access = _client(request, client_id, perms.RATE_GOALS)
    found = _goal(access, goal_id, perms.RATE_GOALS)
    form = RatingForm(request.POST, goal=found)
    if form.is_valid():
        try:
            services.rate_goal(access, found, form.cleaned_data["score"], form.cleaned_data["note"])
        except ValidationError as exc:
            shared_forms.add_errors(form, exc)
        else:
            messages.success(request, "Rating saved.")
            return redirect("clinical:goal", client_id=access.client_id, goal_id=found.pk)
    return render(request, "clinical/goal.html", _goal_context(access, found, rating_form=form), status=422)


# --- the client's own plan, in the portal ------------------------------------------------------------------


def my_plan(request: HttpRequest) -> HttpResponse:
    access = policy.own(user_of(request), perms.VIEW_PLAN)
    found = queries.current_plan(access)
    cards = queries.goal_cards(access, found) if found is not None else []
    scripts = queries.linked_scripts(access, found) if found is not None else []
    context = {"plan": found, "cards": [c for c in cards if c.goal.is_active], "scripts": scripts}
    return render(request, "clinical/my_plan.html", context)


@require_http_methods(["GET", "POST"])
def my_goal(request: HttpRequest, goal_id: uuid.UUID) -> HttpResponse:
    """One of the client's goals, where they can say how they think it is going."""
    access = policy.own(user_of(request), perms.RATE_GOALS, shows=perms.VIEW_PLAN)
    found = _goal(access, goal_id, perms.VIEW_PLAN)
    form = RatingForm(request.POST or None, goal=found)
    if request.method == "POST" and form.is_valid():
        try:
            services.rate_goal(access, found, form.cleaned_data["score"], form.cleaned_data["note"])
        except ValidationError as exc:
            shared_forms.add_errors(form, exc)
        else:
            messages.success(request, "Thank you. Your care team will see how you feel it is going.")
            return redirect("clinical:my_plan")
    own = [r for r in queries.goal_ratings(access, found) if r.by_client][:5]
    context = {"goal": found, "form": form, "own_ratings": own}
    return render(request, "clinical/my_goal.html", context, status=422 if form.errors else 200)


# --- the practice's choice of correlation -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def practice_settings(request: HttpRequest, practice_id: int) -> HttpResponse:
    access = policy.practice(user_of(request), practice_id, Membership.Role.ADMIN)
    form = RhoForm(request.POST or None, initial={"gas_rho": queries.gas_rho(access.practice_id)})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_gas_rho(access, form.cleaned_data["gas_rho"])
        except ValidationError as exc:
            shared_forms.add_errors(form, exc)
        else:
            messages.success(request, "Saved. Goal attainment scores use it from now on.")
            return redirect("clinical:practice_settings", practice_id=access.practice_id)
    return render(request, "clinical/practice_settings.html", {"practice": practice_of(access), "form": form})
