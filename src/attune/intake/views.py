"""The intake in the client's portal: what will happen, each section's notice, one question per page with
"Prefer not to answer", "I'd rather talk about this in person" and "Continue later", a safety message when an
answer suggests danger, review, and sending. Every answer is saved the moment it is given."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from attune.care import crisis, hours
from attune.care import queries as care_queries
from attune.care.records import record_of
from attune.core import policy
from attune.core.policy import ClientRecord, Located
from attune.intake import definition as definitions
from attune.intake import engine, perms, queries, services, summary
from attune.intake.models import Intake
from attune.measures import library
from attune.questionnaires import engine as questionnaire_engine
from attune.questionnaires.models import Response


def _located(request: HttpRequest, intake_id: object) -> Located[Intake]:
    """The client's intake, reached once per request before anything else: only its client answers it."""
    rows = Intake.objects.select_related("sent_by")
    return policy.locate(request.user, rows, intake_id, perms.ANSWER, entity=services.ENTITY)


def _step_url(intake: Intake, step: engine.Step) -> str:
    if step.kind == "section":
        return reverse("intake:portal_section", args=[intake.pk, step.link_id])
    return reverse("intake:portal_item", args=[intake.pk, step.link_id])


def _later(request: HttpRequest) -> HttpResponse:
    messages.success(request, "Your answers are saved. You can carry on whenever you like, from where you left off.")
    return redirect("workspace:portal")


def _sent(intake: Intake) -> HttpResponse:
    return redirect("intake:portal_sent", intake_id=intake.pk)


@require_GET
def resume(request: HttpRequest, intake_id: str) -> HttpResponse:
    located = _located(request, intake_id)
    intake = located.row
    if not intake.is_open:
        return _sent(intake)
    if not intake.welcome_seen:
        return redirect("intake:portal_welcome", intake_id=intake.pk)
    state = services.state_of(intake)
    steps = engine.sequence(services.definition_of(intake), state)
    target = engine.resume_at(steps, state, intake.position)
    step = engine.find(steps, target) if target else None
    if step is None:
        return redirect("intake:portal_review", intake_id=intake.pk)
    return redirect(_step_url(intake, step))


@require_http_methods(["GET", "POST"])
def welcome(request: HttpRequest, intake_id: str) -> HttpResponse:
    located = _located(request, intake_id)
    if not located.row.is_open:
        return _sent(located.row)
    if request.method == "POST":
        if request.POST.get("action") == "later":
            return _later(request)
        services.begin(located)
        return redirect("intake:portal_resume", intake_id=located.row.pk)
    intake = queries.shown_to_client(located)
    context = {
        "intake": intake,
        "definition": services.definition_of(intake),
        "team": care_queries.care_team(record_of(located.access)),
        "resources": crisis.resources_for(located.access.client.practice_id),
    }
    return render(request, "intake/welcome.html", context)


@require_http_methods(["GET", "POST"])
def section(request: HttpRequest, intake_id: str, section_id: str) -> HttpResponse:
    located = _located(request, intake_id)
    intake = located.row
    definition = services.definition_of(intake)
    try:
        current = definition.section(section_id)
    except KeyError as exc:
        raise Http404("No such part of the intake") from exc
    if not intake.is_open:
        return _sent(intake)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "in-person":
            services.keep_for_session(located, section_id)
            messages.success(request, f"“{current.title}” is kept for your session. Thank you for letting us know.")
        elif action == "answer-now":
            services.keep_for_session(located, section_id, in_person=False)
        elif action == "later":
            services.pause(located, section_id)
            return _later(request)
        else:
            services.open_section(located, section_id)
        return redirect("intake:portal_resume", intake_id=intake.pk)
    queries.shown_to_client(located)
    state = services.state_of(intake)
    number = [s.link_id for s in definition.sections].index(section_id) + 1
    context = {
        "intake": intake,
        "section": current,
        "number": number,
        "of": len(definition.sections),
        "in_person": section_id in state.in_person,
        # The most it could ask: conditional questions and the PC-PTSD-5's follow-ups included.
        "asked": sum(len(library.load(q.instrument).items) if q.instrument else 1 for q in current.questions),
    }
    return render(request, "intake/section.html", context)


def _given(request: HttpRequest) -> tuple[list[str], str]:
    return request.POST.getlist("codes"), request.POST.get("text", "")


def _save(request: HttpRequest, located: Located[Intake], link_id: str) -> services.Answered:
    if request.POST.get("action") == "skip":
        return services.answer(located, link_id, skipped=True)
    codes, text = _given(request)
    return services.answer(located, link_id, codes=codes, text=text)


@require_http_methods(["GET", "POST"])
def item(request: HttpRequest, intake_id: str, link_id: str) -> HttpResponse:
    located = _located(request, intake_id)
    intake = located.row
    if not intake.is_open:
        return _sent(intake)
    question = _question_or_404(located, link_id)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "next")
        if action == "in-person":
            services.keep_for_session(located, question.section)
            title = services.definition_of(intake).section(question.section).title
            messages.success(request, f"“{title}” is kept for your session. Thank you for letting us know.")
            return redirect("intake:portal_resume", intake_id=intake.pk)
        codes, text = _given(request)
        if action == "later" and not (codes or text.strip()):
            services.pause(located, link_id)
            return _later(request)
        try:
            answered = _save(request, located, link_id)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            if request.headers.get("X-Attune-Autosave"):
                return HttpResponse(status=204)
            if answered.concern:
                # Safety first: support before the next question.
                return redirect("intake:portal_support", intake_id=intake.pk)
            if action == "later":
                # Coming back lands on this very question, with the answer just given.
                services.pause(located, link_id)
                return _later(request)
            if action == "back":
                return _back(located, link_id)
            return redirect("intake:portal_resume", intake_id=intake.pk)
    return _item_page(request, located, question, link_id, error)


def _question_or_404(located: Located[Intake], link_id: str) -> definitions.Question:
    try:
        return services.question_for(located.row, link_id)
    except ValidationError as exc:
        raise Http404("No such question") from exc


def _back(located: Located[Intake], link_id: str) -> HttpResponse:
    intake = Intake.objects.get(pk=located.row.pk)
    steps = engine.sequence(services.definition_of(intake), services.state_of(intake))
    previous = engine.neighbours(steps, link_id)[0]
    step = engine.find(steps, previous) if previous else None
    return redirect(_step_url(intake, step) if step else reverse("intake:portal_resume", args=[intake.pk]))


def _item_page(
    request: HttpRequest, located: Located[Intake], question: definitions.Question, link_id: str, error: str
) -> HttpResponse:
    intake = Intake.objects.get(pk=located.row.pk)
    definition = services.definition_of(intake)
    state = services.state_of(intake)
    steps = engine.sequence(definition, state)
    step = engine.find(steps, link_id)
    if step is None:
        return redirect("intake:portal_resume", intake_id=intake.pk)
    queries.shown_to_client(located)
    context: dict[str, Any] = {
        "intake": intake,
        "section": definition.section(question.section),
        "place": engine.place(definition, state, step),
        "previous": engine.neighbours(steps, link_id)[0],
        "error": error,
        **(_embedded(intake, question, link_id, state) if question.kind == "embedded" else _own(question, state)),
    }
    if error:
        context["chosen"], context["written"] = _given(request)
    return render(request, "intake/item.html", context, status=422 if error else 200)


def _own(question: definitions.Question, state: engine.State) -> dict[str, Any]:
    given = state.answers.get(question.link_id) or engine.Given()
    return {
        "kind": question.kind,
        "link_id": question.link_id,
        "stem": "",
        "text": question.text,
        "help": question.help,
        "options": question.options,
        "chosen": list(given.codes),
        "written": given.text,
        "skipped": given.skipped,
        "max_length": question.max_length,
    }


def _embedded(intake: Intake, question: definitions.Question, link_id: str, state: engine.State) -> dict[str, Any]:
    """An item of an instrument given inside the intake (the PC-PTSD-5), as the questionnaire engine words it."""
    instrument = library.load(question.instrument)
    values = state.embedded.get(question.instrument, {})
    step = questionnaire_engine.step(instrument, link_id, values)
    answer = (
        Response.objects.get(pk=intake.screen_id).answers.filter(link_id=link_id).first() if intake.screen_id else None
    )
    chosen = [c for o, _d, c in step.options if answer is not None and not answer.skipped and o == answer.value]
    return {
        "kind": "single",
        "link_id": link_id,
        "stem": step.stem or _intro(instrument),
        "text": step.text,
        "help": "",
        "options": [definitions.Option(code, display) for _o, display, code in step.options],
        "chosen": chosen,
        "written": "",
        "skipped": bool(answer and answer.skipped),
        "instrument": instrument,
    }


def _intro(instrument: library.Instrument) -> str:
    """The instrument's lead-in (a display item before its first question), shown above that question."""
    return next((i.get("text", "") for i in instrument.questionnaire.get("item", []) if i.get("type") == "display"), "")


@require_GET
def support(request: HttpRequest, intake_id: str) -> HttpResponse:
    located = _located(request, intake_id)
    context = {
        "intake": queries.shown_to_client(located),
        "resources": crisis.resources_for(located.access.client.practice_id),
        # Told at once through the outbox; seen when the team is next at work (the same words as monitoring's).
        "when_seen": hours.when_seen(record_of(located.access).practice, timezone.now()),
    }
    return render(request, "intake/support.html", context)


@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, intake_id: str) -> HttpResponse:
    located = _located(request, intake_id)
    intake = located.row
    if request.method == "POST":
        try:
            intake = services.submit(located, request.POST.get("submission_id"))
        except services.SubmissionConflict:
            pass  # already sent, perhaps from another tab: show what was sent
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("intake:portal_review", intake_id=intake.pk)
        return _sent(intake)
    if not intake.is_open:
        return _sent(intake)
    queries.shown_to_client(located)
    built = summary.build(intake, services.state_of(intake), services.sections_of(intake))
    context = {"intake": intake, "summary": built, "submission_id": uuid.uuid4()}
    return render(request, "intake/review.html", context)


@require_GET
def sent(request: HttpRequest, intake_id: str) -> HttpResponse:
    located = _located(request, intake_id)
    intake = located.row
    if intake.is_open:
        return redirect("intake:portal_resume", intake_id=intake.pk)
    queries.shown_to_client(located)
    records = services.sections_of(intake)
    kept = [
        s.title
        for s in services.definition_of(intake).sections
        if s.link_id in records and records[s.link_id].in_person
    ]
    context = {"intake": intake, "kept": kept, "team": care_queries.care_team(record_of(located.access))}
    return render(request, "intake/sent.html", context)


# --- used by other apps' pages ----------------------------------------------------------------------------


def portal_panel(client: ClientRecord) -> dict[str, Any]:
    """For the portal home (workspace.views.portal): an intake waiting for the client, if there is one."""
    return {"intake_waiting": queries.waiting_for(client)}
