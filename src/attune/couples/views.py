"""The couples pages: the couple's shared space for both partners, and the clinician's couples view. Each view
reaches the couple (a `PartnerLink`) or one of its rows through the policy first (policy.locate, policy.own,
policy.client), then validates, then calls one service, and renders. The same URL serves a partner and the
clinician: what each sees is decided by the permission and the rows' `for_access`, never by the template."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from attune.accounts.roles import user_of
from attune.care.models import PartnerLink
from attune.care.records import record_of
from attune.core import forms as shared_forms
from attune.core import policy
from attune.core.policy import Access, Located, Relation
from attune.couples import perms, queries, services
from attune.couples.forms import (
    AgreementForm,
    CheckInForm,
    CoupleNoteForm,
    EndForm,
    InviteForm,
    NoteForm,
    RehearsalForm,
    RhythmForm,
    VersionForm,
)
from attune.couples.models import (
    RELATIONSHIP_INSTRUMENT,
    Agreement,
    AgreementNote,
    CheckInAnswer,
    PartnerInvite,
    RelationshipQuestions,
)
from attune.measures import library as instruments
from attune.questionnaires import engine
from attune.questionnaires import services as questionnaires
from attune.skills import library
from attune.skills import perms as skills_perms
from attune.skills import queries as skills_queries

SKILLS_FOR_PARTNERS = ("consent-check-in", "pause-and-reflect", "paced-breathing", "grounding-54321", "body-scan")
SUMMARY_OF_CONSENT = (
    "Agreeing here is not consent to any act, now or later. It records what you both hope for today. Either of you "
    "can withdraw at any time, with one press and without giving a reason, and it takes effect straight away."
)


def _link(request: HttpRequest, link_id: int, perm: policy.Perm) -> Located[PartnerLink]:
    return policy.locate(
        user_of(request), PartnerLink.objects.select_related("partner"), link_id, perm, entity="PartnerLink"
    )


def _agreement(request: HttpRequest, agreement_id: uuid.UUID, perm: policy.Perm) -> Located[Agreement]:
    return policy.locate(
        user_of(request), Agreement.objects.select_related("link", "link__partner"), agreement_id, perm,
        entity="Agreement",
    )  # fmt: skip


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


# --- where couples work starts ----------------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    """The couples a person is part of: as the client (with their invitations) or as a partner."""
    user = user_of(request)
    own_id = policy.visible_to(user, relations=[Relation.SELF]).values_list("pk", flat=True).first()
    partner_of = list(policy.visible_to(user, relations=[Relation.PARTNER]).values_list("pk", flat=True))
    if own_id is None and not partner_of:
        raise policy.deny(user, "Patient", "", perms.VIEW)
    couples: list[tuple[Access, PartnerLink]] = []
    own: dict[str, Any] = {}
    for client_id in ([own_id] if own_id is not None else []) + partner_of:
        access = policy.client(user, client_id, perms.VIEW)
        for link in queries.links(access):
            couples.append((access, link))
        if access.is_self:
            invites = queries.invites(access)
            states = services.invitation_states(invites)
            sent = [(i, states.get(i.pk)) for i in invites if i.invitation_id is not None]
            own = {"invites": invites, "sent": sent, "form": InviteForm()}
    live = [(a, link) for a, link in couples if link.ended is None]
    ended = [(a, link) for a, link in couples if link.ended is not None]
    return render(request, "couples/home.html", {"live": live, "ended": ended, "own": own})


@require_POST
def invite(request: HttpRequest) -> HttpResponse:
    access = policy.own(user_of(request), perms.INVITE)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.invite_partner(access, form.cleaned_data["email"])
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, "Invitation sent. Your link starts when your partner accepts it.")
    else:
        messages.error(request, "Please enter an email address.")
    return redirect("couples:home")


@require_POST
def decide_invite(request: HttpRequest, invite_id: uuid.UUID) -> HttpResponse:
    located = policy.locate(user_of(request), PartnerInvite, invite_id, perms.CONFIRM_INVITE, entity="PartnerInvite")
    try:
        services.decide_invite(located.access, located.row, send=request.POST.get("send") == "yes")
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "Done. Nothing is sent unless you said yes.")
    return redirect("couples:home")


@require_http_methods(["GET", "POST"])
def client_couples(request: HttpRequest, client_id: uuid.UUID) -> HttpResponse:
    """The clinician's way in: the client's couples links, invitations, and a proposal to invite a partner."""
    perm = perms.INVITE if request.method == "POST" else perms.VIEW_NOTES
    access = policy.client(user_of(request), client_id, perm)
    access.require(perms.VIEW_NOTES)
    form = InviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_partner(access, form.cleaned_data["email"])
        except ValidationError as exc:
            shared_forms.add_errors(form, exc)
        else:
            messages.success(request, "Proposed. The invitation is sent only when the client says yes.")
            return redirect("couples:client_couples", client_id=access.client_id)
    invites = queries.invites(access)
    context = {
        "client": record_of(access),
        "links": list(queries.links(access)),
        "invites": [(i, services.invitation_states(invites).get(i.pk)) for i in invites],
        "form": form,
    }
    return render(request, "couples/client_couples.html", context)


# --- the couple's space ---------------------------------------------------------------------------------------------


def space(request: HttpRequest, link_id: int) -> HttpResponse:
    located = _link(request, link_id, perms.VIEW)
    access, link = located.access, located.row
    couple = queries.couple(access, link)
    context: dict[str, Any] = {
        "couple": couple,
        "client": record_of(access),
        "agreements": queries.agreements(access, link, couple.people),
        "rehearsals": queries.rehearsals(access, link, limit=5),
        "shown": queries.shown_to_me(access, link, limit=12),
        "summary_of_consent": SUMMARY_OF_CONSENT,
        "sessions": queries.couple_sessions(access, link),
    }
    if access.relation == Relation.CARE_TEAM:
        context.update(
            {
                "between": queries.side_by_side(access, couple, queries.turns(access, link)),
                "trends": queries.trends(access, link),
                "notes": queries.couple_notes(access, link),
                "note_form": CoupleNoteForm(),
            }
        )
        return render(request, "couples/clinician.html", context)
    rhythm = queries.rhythm(access, link)
    last = queries.last_check_in(access, link)
    due = (last + datetime.timedelta(days=rhythm.every_days)) if rhythm and last else None
    context.update(
        {
            "rhythm": rhythm,
            "last_check_in": last,
            "due": due,
            "due_now": due is not None and due <= timezone.now(),
            "rhythm_form": RhythmForm(initial={"every_days": rhythm.every_days if rhythm else 7}),
            "skills": [s for s in (library.get(slug) for slug in SKILLS_FOR_PARTNERS) if s is not None],
        }
    )
    return render(request, "couples/space.html", context)


@require_http_methods(["GET", "POST"])
def agreement_new(request: HttpRequest, link_id: int) -> HttpResponse:
    located = _link(request, link_id, perms.DRAFT)
    access, link = located.access, located.row
    form = AgreementForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.draft(access, link, **form.cleaned_data)
        except ValidationError as exc:
            shared_forms.add_errors(form, exc)
        else:
            messages.success(request, "Drafted. Each of you can now read it and agree, in your own time.")
            return redirect("couples:agreement", agreement_id=agreement.pk)
    context = {"form": form, "couple": queries.couple(access, link), "summary_of_consent": SUMMARY_OF_CONSENT}
    return render(request, "couples/agreement_new.html", context)


def agreement(request: HttpRequest, agreement_id: uuid.UUID) -> HttpResponse:
    located = _agreement(request, agreement_id, perms.VIEW)
    access, row = located.access, located.row
    couple = queries.couple(access, row.link)
    view = queries.agreement(access, row, couple.people)
    mine = view.state.consents.get(access.actor_id)
    context = {
        "couple": couple,
        "view": view,
        "history": queries.history(view),
        "by_version": queries.consents_by_version(view),
        "mine": mine,
        "i_take_part": access.relation in (Relation.SELF, Relation.PARTNER),
        "i_stand": any(
            c.person_id == access.actor_id and c.withdrawn is None for v in view.versions for c in v.consents.all()
        ),
        "notes": queries.notes(access, row),
        "note_form": NoteForm(),
        "version_form": VersionForm(initial={"title": view.state.latest.title, "text": view.state.latest.text}),
        "summary_of_consent": SUMMARY_OF_CONSENT,
        "clinician": access.relation == Relation.CARE_TEAM,
    }
    return render(request, "couples/agreement.html", context)


@require_POST
def agreement_version(request: HttpRequest, agreement_id: uuid.UUID) -> HttpResponse:
    located = _agreement(request, agreement_id, perms.DRAFT)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Please give the new version a name and its words.")
        return redirect("couples:agreement", agreement_id=located.row.pk)
    try:
        version = services.new_version(located.access, located.row, **form.cleaned_data)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, f"Version {version.number} drafted. It is in force once you both agree to it.")
    return redirect("couples:agreement", agreement_id=located.row.pk)


@require_POST
def agreement_consent(request: HttpRequest, agreement_id: uuid.UUID) -> HttpResponse:
    located = _agreement(request, agreement_id, perms.TAKE_PART)
    try:
        services.consent(located.access, located.row, policy.parse_uuid(request.POST.get("version", "")))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "You agreed. You can withdraw at any time, and it takes effect straight away.")
    return redirect("couples:agreement", agreement_id=located.row.pk)


@require_POST
def agreement_withdraw(request: HttpRequest, agreement_id: uuid.UUID) -> HttpResponse:
    located = _agreement(request, agreement_id, perms.TAKE_PART)
    ended = services.withdraw(located.access, located.row)
    if ended:
        messages.success(request, "You have withdrawn. This agreement is no longer in force, from now.")
    else:
        messages.info(request, "You had not agreed to this, so there was nothing to withdraw.")
    return redirect("couples:agreement", agreement_id=located.row.pk)


@require_POST
def note_add(request: HttpRequest, agreement_id: uuid.UUID) -> HttpResponse:
    located = _agreement(request, agreement_id, perms.TAKE_PART)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_note(located.access, located.row, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, "Note saved. Only you can read it" + (
                ", and your clinician." if form.cleaned_data["show_clinician"] else "."
            ))  # fmt: skip
    else:
        messages.error(request, "Please write your note (up to 2000 characters).")
    return redirect("couples:agreement", agreement_id=located.row.pk)


@require_POST
def note_show(request: HttpRequest, note_id: uuid.UUID) -> HttpResponse:
    located = policy.locate(user_of(request), AgreementNote, note_id, perms.TAKE_PART, entity="AgreementNote")
    services.show_note(located.access, located.row, to_clinician=request.POST.get("show") == "yes")
    messages.success(request, "Changed.")
    return redirect("couples:agreement", agreement_id=located.row.agreement_id)


# --- check-ins, rehearsals and skills ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, link_id: int) -> HttpResponse:
    located = _link(request, link_id, perms.TAKE_PART)
    access, link = located.access, located.row
    form = CheckInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.check_in(access, link, services.answers_by_question(form.cleaned_data))
        except ValidationError as exc:
            shared_forms.add_errors(form, exc)
        else:
            messages.success(request, "Thank you. Your answers are saved, private unless you chose to show them.")
            return redirect("couples:check_in", link_id=link.pk)
    context = {
        "form": form,
        "couple": queries.couple(access, link),
        "rounds": queries.my_rounds(access, link),
        "phrases": _own_phrases(request, access),
    }
    return render(request, "couples/check_in.html", context)


def _own_phrases(request: HttpRequest, access: Access) -> list[Any]:
    """The client's own saved phrases (from the phrase builder or the grounding skill), to have to hand while
    checking in. Only the client side of the link has them; they never reach the partner or the clinician."""
    if access.relation != Relation.SELF:
        return []
    own = policy.client(user_of(request), access.client_id, skills_perms.WRITE_DIARY, shows=skills_perms.VIEW_DIARY)
    return skills_queries.phrases(own)


@require_POST
def answer_show(request: HttpRequest, answer_id: uuid.UUID) -> HttpResponse:
    located = policy.locate(user_of(request), CheckInAnswer, answer_id, perms.TAKE_PART, entity="CheckInAnswer")
    try:
        services.show_answer(
            located.access, located.row, to=request.POST.get("to", ""), shown=request.POST.get("show") == "yes"
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "Changed. It takes effect straight away.")
    return redirect("couples:check_in", link_id=located.row.link_id)


@require_POST
def rhythm(request: HttpRequest, link_id: int) -> HttpResponse:
    located = _link(request, link_id, perms.TAKE_PART)
    form = RhythmForm(request.POST)
    try:
        services.set_rhythm(located.access, located.row, form.cleaned_data["every_days"] if form.is_valid() else 0)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "Saved. You will each get a gentle reminder when a check-in is due.")
    return redirect("couples:space", link_id=located.row.pk)


@require_http_methods(["GET", "POST"])
def rehearsal(request: HttpRequest, link_id: int) -> HttpResponse:
    located = _link(request, link_id, perms.TAKE_PART)
    access, link = located.access, located.row
    form = RehearsalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.log_rehearsal(access, link, **form.cleaned_data)
        except ValidationError as exc:
            shared_forms.add_errors(form, exc)
        else:
            messages.success(request, "Logged. Thank you for practising together.")
            return redirect("couples:rehearsal", link_id=link.pk)
    context = {
        "form": form,
        "couple": queries.couple(access, link),
        "skill": library.get("consent-check-in"),
        "rehearsals": queries.rehearsals(access, link),
    }
    return render(request, "couples/rehearsal.html", context)


def skill(request: HttpRequest, link_id: int, slug: str) -> HttpResponse:
    """A skill from the library for either partner (a partner has no client record of their own to log in)."""
    located = _link(request, link_id, perms.TAKE_PART)
    found = library.get(slug)
    if found is None or slug not in SKILLS_FOR_PARTNERS:
        raise Http404("No such skill")
    return render(
        request, "couples/skill.html", {"skill": found, "couple": queries.couple(located.access, located.row)}
    )


@require_POST
def couple_note(request: HttpRequest, link_id: int) -> HttpResponse:
    located = _link(request, link_id, perms.WRITE_NOTES)
    form = CoupleNoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_couple_note(located.access, located.row, form.cleaned_data["text"])
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, "Note saved with the couple's work.")
    else:
        messages.error(request, "Please write the note (up to 4000 characters).")
    return redirect("couples:space", link_id=located.row.pk)


@require_http_methods(["GET", "POST"])
def end(request: HttpRequest, link_id: int) -> HttpResponse:
    located = _link(request, link_id, perms.END_LINK)
    access, link = located.access, located.row
    form = EndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_link(access, link, with_client=form.cleaned_data["with_client"])
        except ValidationError as exc:
            shared_forms.add_errors(form, exc)
        else:
            messages.success(request, "The link has ended. From now on, nothing is shared between you here.")
            if access.relation == Relation.CARE_TEAM:
                return redirect("couples:client_couples", client_id=access.client_id)
            return redirect("couples:home" if access.is_self else "home")
    context = {"form": form, "couple": queries.couple(access, link), "clinician": access.relation == Relation.CARE_TEAM}
    return render(request, "couples/end.html", context)


# --- how things are between you: the relationship questions ---------------------------------------------------


def _turn(request: HttpRequest, row_id: uuid.UUID, perm: policy.Perm) -> Located[RelationshipQuestions]:
    rows = RelationshipQuestions.objects.select_related("response", "link", "link__partner")
    return policy.locate(user_of(request), rows, row_id, perm, entity="RelationshipQuestions")


@require_http_methods(["GET", "POST"])
def between_you(request: HttpRequest, link_id: int) -> HttpResponse:
    """A partner's page for the relationship questions: their own turns and totals, what the other showed them,
    and (POST) starting their turn."""
    located = _link(request, link_id, perms.TAKE_PART)
    access, link = located.access, located.row
    if request.method == "POST":
        try:
            row = services.start_relationship_questions(access, link)
        except ValidationError as exc:
            _errors(request, exc)
            return redirect("couples:between_you", link_id=link.pk)
        return redirect("couples:questions", row_id=row.pk)
    rows = queries.turns(access, link)
    mine = [r for r in rows if r.person_id == access.actor_id]
    context = {
        "couple": queries.couple(access, link),
        "waiting": next((r for r in mine if not queries.is_sent(r)), None),
        "mine": [r for r in mine if queries.is_sent(r)],
        "theirs": [r for r in rows if r.person_id != access.actor_id and r.response.scored],
        "ready": engine.administrable(instruments.load(RELATIONSHIP_INSTRUMENT)),
        "high": (instruments.load(RELATIONSHIP_INSTRUMENT).scoring.get("total") or {}).get("range", [0, 0])[1],
    }
    return render(request, "couples/between_you.html", context)


@require_http_methods(["GET", "POST"])
def questions(request: HttpRequest, row_id: uuid.UUID) -> HttpResponse:
    """The person's own turn, all questions on one page; every answer is saved, to send now or later."""
    located = _turn(request, row_id, perms.TAKE_PART)
    access, row = located.access, located.row
    if row.person_id != access.actor_id:
        raise access.deny_row("RelationshipQuestions", row.pk, perms.TAKE_PART)
    if not row.response.is_open:
        return redirect("couples:between_you", link_id=row.link_id)
    given = {k: str(v) for k, v in request.POST.items() if k.startswith(RELATIONSHIP_INSTRUMENT)}
    if request.method == "POST":
        send = request.POST.get("action") == "send"
        try:
            services.answer_relationship_questions(
                access, row, given, send=send, submission_id=request.POST.get("submission_id")
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            if send:
                messages.success(request, "Sent. Thank you. Your total is below; only you and your clinician see it.")
            else:
                messages.success(request, "Saved. You can carry on whenever you like, from where you left off.")
            return redirect("couples:between_you", link_id=row.link_id)
    values, _answered = questionnaires.values_of(row.response)
    skipped = {a.link_id for a in questionnaires.answers_of(row.response) if a.skipped}
    instrument = questionnaires.instrument_of(row.response)
    items = []
    for item in instrument.items:
        link_id = item["linkId"]
        saved = services.SKIP if link_id in skipped else values.get(link_id)
        current = given.get(link_id) or ("" if saved is None else str(saved))
        options = [(f"{ordinal:g}", display, _chosen(current, ordinal)) for ordinal, display, _code in item["options"]]
        items.append({"item": item, "options": options, "skipped": current == services.SKIP})
    context = {
        "couple": queries.couple(access, row.link),
        "row": row,
        "items": items,
        "skip": services.SKIP,
        "submission_id": uuid.uuid4(),
    }
    return render(request, "couples/questions.html", context, status=422 if request.method == "POST" else 200)


def _chosen(current: str, ordinal: float) -> bool:
    try:
        return current not in ("", services.SKIP) and float(current) == ordinal
    except ValueError:
        return False


@require_POST
def total_show(request: HttpRequest, row_id: uuid.UUID) -> HttpResponse:
    located = _turn(request, row_id, perms.TAKE_PART)
    try:
        services.show_total(located.access, located.row, shown=request.POST.get("show") == "yes")
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "Changed. It takes effect straight away.")
    return redirect("couples:between_you", link_id=located.row.link_id)


@require_POST
def questions_send(request: HttpRequest, link_id: int) -> HttpResponse:
    located = _link(request, link_id, perms.SEND_QUESTIONS)
    try:
        services.send_relationship_questions(located.access, located.row)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "Sent to each partner. Each answers privately; you will see each total here.")
    return redirect("couples:space", link_id=located.row.pk)
