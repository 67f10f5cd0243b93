"""Answering a questionnaire one question at a time, in the portal or in session, and the clinician's view of
scores. Every answer is saved the moment it is given; "Continue later" returns exactly where the person was."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from attune.care import crisis, hours
from attune.care.records import record_of
from attune.core import policy
from attune.core.policy import Located
from attune.measures import library
from attune.questionnaires import engine, pages, perms, queries, services
from attune.questionnaires.forms import AssignForm
from attune.questionnaires.models import Response

PREFER_NOT = "skip"


def _url(surface: str, name: str, response: Response, *args: Any) -> str:
    return reverse(f"questionnaires:{surface}_{name}", args=[response.pk, *args])


def _finished_url(surface: str, response: Response) -> str:
    if surface == "portal":
        return reverse("questionnaires:portal_done", args=[response.pk])
    return reverse("questionnaires:response", args=[response.client_id, response.pk])


def _base(surface: str) -> str:
    return "portal_base.html" if surface == "portal" else "staff_base.html"


def _answering(request: HttpRequest, response_id: str) -> Located[Response]:
    """The response, for its answerer: the client in the portal, a clinician in session (else 403)."""
    return policy.locate(
        request.user, Response, response_id, perms.ANSWER, entity=services.ENTITY, allowed=services.answerable
    )


def resume(request: HttpRequest, response_id: str, surface: str) -> HttpResponse:
    located = _answering(request, response_id)
    response, instrument = located.row, services.instrument_of(located.row)
    if not response.is_open:
        return redirect(_finished_url(surface, response))
    if instrument.sensitive and not response.notice_seen:
        return redirect(_url(surface, "notice", response))
    values, given = services.values_of(response)
    target = engine.resume_at(instrument, values, given, response.position)
    if target is None:
        return redirect(_url(surface, "review", response))
    return redirect(_url(surface, "item", response, target))


@require_http_methods(["GET", "POST"])
def notice(request: HttpRequest, response_id: str, surface: str) -> HttpResponse:
    located = _answering(request, response_id)
    if request.method == "POST":
        services.acknowledge_notice(located)
        return redirect(_url(surface, "resume", located.row))
    context = {
        "response": located.row,
        "instrument": services.instrument_of(located.row),
        "surface": surface,
        "base": _base(surface),
    }
    return render(request, "questionnaires/notice.html", context)


@require_http_methods(["GET", "POST"])
def item(request: HttpRequest, response_id: str, link_id: str, surface: str) -> HttpResponse:
    located = _answering(request, response_id)
    response, instrument = located.row, services.instrument_of(located.row)
    if not response.is_open:
        return redirect(_finished_url(surface, response))
    error = ""
    if request.method == "POST":
        choice = request.POST.get("answer", "")
        if request.POST.get("action") == "later" and not choice:
            services.pause(located, link_id)
            return _later(request, surface, response)
        if request.POST.get("action") == "back" and not choice:
            # Going back never requires an answer here first.
            values, _given = services.values_of(response)
            previous = engine.neighbours(instrument, link_id, values)[0]
            return redirect(
                _url(surface, "item", response, previous) if previous else _url(surface, "resume", response)
            )
        try:
            if choice == PREFER_NOT:
                answered = services.answer(located, link_id, skipped=True)
            else:
                answered = services.answer(located, link_id, value=float(choice) if choice else None)
        except (ValidationError, ValueError) as exc:
            error = " ".join(exc.messages) if isinstance(exc, ValidationError) else "Choose one of the answers."
        else:
            if request.headers.get("X-Attune-Autosave"):
                return HttpResponse(status=204)
            if surface == "portal" and answered.critical:
                # Safety first: the crisis resources come before the next question.
                return redirect("monitoring:support", response_id=response.pk)
            if request.POST.get("action") == "later":
                services.pause(located, response.position or link_id)
                return _later(request, surface, response)
            if request.POST.get("action") == "back":
                values, _given = services.values_of(response)
                previous = engine.neighbours(instrument, link_id, values)[0]
                if previous:
                    return redirect(_url(surface, "item", response, previous))
            return redirect(_url(surface, "resume", response))
    values, _given = services.values_of(response)
    if link_id not in engine.sequence(instrument, values):
        return redirect(_url(surface, "resume", response))
    answer = response.answers.filter(link_id=link_id).first()
    previous, _following = engine.neighbours(instrument, link_id, values)
    step = engine.step(instrument, link_id, values)
    context = {
        # The group's instructions in full on its first question; afterwards folded, so the answers stay in view.
        "stem_folded": previous is not None and engine.step(instrument, previous, values).stem == step.stem,
        "response": response,
        "instrument": instrument,
        "step": engine.step(instrument, link_id, values),
        "current": PREFER_NOT if answer and answer.skipped else (answer.value if answer else None),
        "previous": previous,
        "error": error,
        "surface": surface,
        "base": _base(surface),
        "prefer_not": PREFER_NOT,
    }
    return render(request, "questionnaires/item.html", context, status=422 if error else 200)


def _later(request: HttpRequest, surface: str, response: Response) -> HttpResponse:
    messages.success(request, "Your answers are saved. You can continue whenever you like, from where you left off.")
    if surface == "portal":
        return redirect("workspace:portal")
    return redirect("questionnaires:client_measures", client_id=response.client_id)


@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, response_id: str, surface: str) -> HttpResponse:
    located = _answering(request, response_id)
    response, instrument = located.row, services.instrument_of(located.row)
    if request.method == "POST":
        try:
            response = services.submit(located, request.POST.get("submission_id"))
        except services.SubmissionConflict:
            pass  # already sent, perhaps from another tab: show the result of that submission
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(_url(surface, "resume", response))
        return redirect(_finished_url(surface, response))
    if not response.is_open:
        return redirect(_finished_url(surface, response))
    values, _given = services.values_of(response)
    answers = {a.link_id: a for a in response.answers.all()}
    rows = []
    for link_id in engine.sequence(instrument, values):
        step = engine.step(instrument, link_id, values)
        given_answer = answers.get(link_id)
        label = ""
        if given_answer is not None and not given_answer.skipped:
            label = next((d for o, d, _c in step.options if o == given_answer.value), "")
        rows.append({"step": step, "answer": given_answer, "label": label})
    context = {
        "response": response,
        "instrument": instrument,
        "rows": rows,
        "unanswered": sum(1 for r in rows if r["answer"] is None),
        "submission_id": uuid.uuid4(),
        "surface": surface,
        "base": _base(surface),
    }
    return render(request, "questionnaires/review.html", context)


def portal_done(request: HttpRequest, response_id: str) -> HttpResponse:
    # The thank-you page belongs to the person who answered in the portal.
    located = _answering(request, response_id)
    context: dict[str, Any] = {"response": located.row, "instrument": services.instrument_of(located.row)}
    if located.row.critical:
        context["crisis_resources"] = crisis.resources_for(located.access.client.practice_id)
        context["when_seen"] = hours.when_seen(record_of(located.access).practice, timezone.now())
    return render(request, "questionnaires/done.html", context)


def portal_list(request: HttpRequest) -> HttpResponse:
    access = policy.own(request.user, perms.VIEW_ANSWERS)
    open_ones = list(queries.portal_open(access.client_id))
    done = list(queries.completed_for(access.client_id).filter(mode=Response.Mode.PORTAL)[:20])
    return render(request, "questionnaires/portal_list.html", {"open": open_ones, "done": done, "titles": _titles()})


def _titles() -> dict[str, str]:
    return {i.code: i.title for i in library.all_instruments()}


@require_http_methods(["GET"])
def client_measures(request: HttpRequest, client_id: str) -> HttpResponse:
    access = policy.client(request.user, client_id, perms.VIEW)
    can_assign = access.can(perms.ASSIGN)
    panels = pages.measures_panels(access)
    completed = list(queries.completed_for(access.client_id))
    context: dict[str, Any] = {
        "client": record_of(access),
        "completed": completed,
        # A skipped critical item is "not known", shown as such beside the score, never read as "no risk".
        "not_known": {r.pk: services.unknown_critical(r, services.instrument_of(r)) for r in completed},
        "open": list(queries.open_for(access.client_id)),
        "can_assign": can_assign,
        "can_answers": access.can(perms.VIEW_ANSWERS),
        "form": AssignForm() if can_assign else None,
        "titles": _titles(),
        "panels_top": [p.top for p in panels if p.top],
        "panels_bottom": [p.bottom for p in panels if p.bottom],
    }
    for panel in panels:
        context.update(panel.context)
    return render(request, "questionnaires/client_measures.html", context)


@require_POST
def assign(request: HttpRequest, client_id: str) -> HttpResponse:
    access = policy.client(request.user, client_id, perms.ASSIGN)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a questionnaire.")
    else:
        code = form.cleaned_data["instrument"]
        if request.POST.get("action") == "in-session":
            response = services.start(access, code)
            return redirect("questionnaires:session_resume", response_id=response.pk)
        asked_at = timezone.now()
        response = services.assign(access, code)
        if response.created < asked_at:
            messages.info(request, "This questionnaire is already waiting on the client's portal home, unstarted.")
        else:
            messages.success(request, "Sent. It will be waiting on the client's portal home.")
    return redirect("questionnaires:client_measures", client_id=access.client_id)


def response_detail(request: HttpRequest, client_id: str, response_id: str) -> HttpResponse:
    access = policy.client(request.user, client_id, perms.VIEW)
    response = policy.row_of(access, Response.objects.all(), response_id, perms.VIEW, entity=services.ENTITY)
    instrument = services.instrument_of(response)
    show_answers = access.can(perms.VIEW_ANSWERS)
    rows = []
    if show_answers:
        answers = {a.link_id: a for a in response.answers.all()}
        values, _given = services.values_of(response)
        for entry in instrument.items:
            given = answers.get(entry["linkId"])
            label = next((d for o, d, _c in entry["options"] if given and o == given.value), "")
            asked = engine.enabled(instrument, entry["linkId"], values)
            critical_item = engine.can_be_critical(instrument.scoring, entry["linkId"])
            rows.append(
                {"item": entry, "answer": given, "label": label, "asked": asked, "critical_item": critical_item}
            )
    context = {
        "client": record_of(access),
        "response": response,
        "instrument": instrument,
        "rows": rows,
        "show_answers": show_answers,
        "not_known": services.unknown_critical(response, instrument) if not response.is_open else [],
    }
    return render(request, "questionnaires/response_detail.html", context)
