"""Authorisation-matrix rows (SECURITY.md 3) for couples work: every page and API operation of attune/couples,
for every member of the standing cast. The columns are those of tests/authz_matrix.py; the builders below make
each row's request and the rows it needs (with a canary in every encrypted field).

Targets say whose couple the request is about:
  own      dana and frank's link (alice is dana's clinician); for a row: an agreement on it drafted by alice, dana's
           PRIVATE note and check-in answer, an invitation alice proposed for dana.
  other    eli's link with a partner outside the cast (bob is eli's clinician), and the same rows on it.
  "-"      the caller's own couples (found from the signed-in user).

Reading the rows: dana (the client) and frank (her partner) take part; alice reads, drafts with them and keeps
couple-level notes, but neither consents, withdraws nor checks in for them (403). sam (supervisor) and ada (admin)
have a relationship without any couples permission: 403. Everyone else: 404. A private note or answer does not
exist for the other partner (404), and only dana answers her clinician's proposal to invite someone.
"""

from __future__ import annotations

import uuid

from attune.accounts.models import User
from attune.care.models import Client, PartnerLink
from attune.couples.models import (
    Agreement,
    AgreementNote,
    AgreementVersion,
    CheckInAnswer,
    PartnerInvite,
    RelationshipQuestions,
)
from attune.questionnaires.models import Response
from tests.authz_requests import Ctx, Req, api_path, builds, page
from tests.cast import canary


def _client(c: Ctx) -> Client:
    return c.cast.client("eli" if c.target == "other" else "dana")


def _link(c: Ctx) -> PartnerLink:
    client = _client(c)
    if c.target != "other":
        return PartnerLink.objects.get(client=client, partner=c.cast.frank, ended__isnull=True)
    partner, _ = User.objects.get_or_create(email="robin.partner@example.org", defaults={"display_name": "Robin"})
    link, _ = PartnerLink.objects.get_or_create(client=client, partner=partner, ended__isnull=True)
    return link


def _clinician(c: Ctx) -> User:
    return c.cast.bob if c.target == "other" else c.cast.alice


def _agreement(c: Ctx) -> Agreement:
    link = _link(c)
    agreement = Agreement.objects.create(client=link.client, link=link, kind="pacing", created_by=_clinician(c))
    version = AgreementVersion(
        client=link.client,
        link=link,
        agreement=agreement,
        number=1,
        title=canary("agreementversion", "title"),
        text=canary("agreementversion", "text"),
        drafted_by=_clinician(c),
        drafted_as="clinician",
    )
    version.save()
    return agreement


def _client_user(c: Ctx) -> int:
    user_id = _client(c).user_id
    assert user_id is not None
    return user_id


def _note(c: Ctx) -> str:
    agreement = _agreement(c)
    note = AgreementNote(
        client_id=agreement.client_id,
        link_id=agreement.link_id,
        agreement=agreement,
        author_id=_client_user(c),
        text=canary("agreementnote", "text"),
    )
    note.save()
    return str(note.pk)


def _answer(c: Ctx) -> str:
    link = _link(c)
    answer = CheckInAnswer(
        client_id=link.client_id,
        link=link,
        author_id=_client_user(c),
        round=uuid.uuid4(),
        question="helped",
        text=canary("checkinanswer", "text"),
    )
    answer.save()
    return str(answer.pk)


def _invite(c: Ctx) -> str:
    invite = PartnerInvite(client=_client(c), proposed_by=_clinician(c), proposed_as="clinician")
    invite.email = "proposed.partner@example.org"
    invite.save()
    return str(invite.pk)


def _turn_for(link: PartnerLink, person: int, *, sent: bool) -> RelationshipQuestions:
    """A turn at the relationship questions: the client's in their own record, the partner's as its respondent."""
    respondent = None if person == link.client.user_id else person
    response = Response.by_anyone.create(
        client_id=link.client_id,
        instrument="csi16",
        respondent_id=respondent,
        status=Response.Status.COMPLETED if sent else Response.Status.ASSIGNED,
        total=58 if sent else None,
        scored=sent,
    )
    return RelationshipQuestions.objects.create(
        client_id=link.client_id, link=link, person_id=person, response=response, sent_as="clinician"
    )


def _turns_waiting(c: Ctx) -> PartnerLink:
    """A turn waiting for each partner of the target couple (so that starting or sending hands it back)."""
    link = _link(c)
    for person in (link.client.user_id, link.partner_id):
        if person is not None:
            _turn_for(link, person, sent=False)
    return link


def _client_turn(c: Ctx, *, sent: bool) -> str:
    """The client's own turn (dana's, or eli's): private to her; the partner does not see it."""
    link = _link(c)
    return str(_turn_for(link, _client_user(c), sent=sent).pk)


ANSWERS = {"csi16-1": "4", "csi16-2": "skip"}

AGREEMENT = {"kind": "pacing", "title": "Going slowly", "text": "Closeness first, nothing expected."}
CHECK_IN = {"safe": "3", "helped": "We laughed at the pause signal."}

# --- pages ---
builds("couples:home", "GET")(lambda c: Req("GET", page("couples:home")))
builds("couples:invite", "POST")(lambda c: Req("POST", page("couples:invite"), form={"email": "kit@example.org"}))
builds("couples:decide_invite", "POST")(
    lambda c: Req("POST", page("couples:decide_invite", _invite(c)), form={"send": "no"})
)
builds("couples:client_couples", "GET")(lambda c: Req("GET", page("couples:client_couples", _client(c).pk)))
builds("couples:client_couples", "POST")(
    lambda c: Req("POST", page("couples:client_couples", _client(c).pk), form={"email": "kit@example.org"})
)
builds("couples:space", "GET")(lambda c: Req("GET", page("couples:space", _link(c).pk)))
builds("couples:agreement_new", "GET")(lambda c: Req("GET", page("couples:agreement_new", _link(c).pk)))
builds("couples:agreement_new", "POST")(
    lambda c: Req("POST", page("couples:agreement_new", _link(c).pk), form=AGREEMENT)
)
builds("couples:check_in", "GET")(lambda c: Req("GET", page("couples:check_in", _link(c).pk)))
builds("couples:check_in", "POST")(lambda c: Req("POST", page("couples:check_in", _link(c).pk), form=CHECK_IN))
builds("couples:rhythm", "POST")(lambda c: Req("POST", page("couples:rhythm", _link(c).pk), form={"every_days": 14}))
builds("couples:rehearsal", "GET")(lambda c: Req("GET", page("couples:rehearsal", _link(c).pk)))
builds("couples:rehearsal", "POST")(
    lambda c: Req("POST", page("couples:rehearsal", _link(c).pk), form={"went": "paused", "note": ""})
)
builds("couples:skill", "GET")(lambda c: Req("GET", page("couples:skill", _link(c).pk, "consent-check-in")))
builds("couples:couple_note", "POST")(
    lambda c: Req("POST", page("couples:couple_note", _link(c).pk), form={"text": "Worked on pacing."})
)
builds("couples:end", "GET")(lambda c: Req("GET", page("couples:end", _link(c).pk)))
builds("couples:end", "POST")(lambda c: Req("POST", page("couples:end", _link(c).pk), form={"with_client": "on"}))
builds("couples:agreement", "GET")(lambda c: Req("GET", page("couples:agreement", _agreement(c).pk)))
builds("couples:agreement_version", "POST")(
    lambda c: Req("POST", page("couples:agreement_version", _agreement(c).pk), form={"title": "v2", "text": "Again."})
)


def _consent(c: Ctx) -> Req:
    agreement = _agreement(c)
    version = agreement.versions.get()
    return Req("POST", page("couples:agreement_consent", agreement.pk), form={"version": str(version.pk)})


builds("couples:agreement_consent", "POST")(_consent)
builds("couples:agreement_withdraw", "POST")(
    lambda c: Req("POST", page("couples:agreement_withdraw", _agreement(c).pk), form={})
)
builds("couples:note_add", "POST")(
    lambda c: Req("POST", page("couples:note_add", _agreement(c).pk), form={"text": "Mine alone."})
)
builds("couples:note_show", "POST")(lambda c: Req("POST", page("couples:note_show", _note(c)), form={"show": "yes"}))
builds("couples:answer_show", "POST")(
    lambda c: Req("POST", page("couples:answer_show", _answer(c)), form={"to": "partner", "show": "yes"})
)
builds("couples:between_you", "GET")(lambda c: Req("GET", page("couples:between_you", _link(c).pk)))
builds("couples:between_you", "POST")(lambda c: Req("POST", page("couples:between_you", _turns_waiting(c).pk), form={}))
builds("couples:questions_send", "POST")(
    lambda c: Req("POST", page("couples:questions_send", _turns_waiting(c).pk), form={})
)
builds("couples:questions", "GET")(lambda c: Req("GET", page("couples:questions", _client_turn(c, sent=False))))
builds("couples:questions", "POST")(
    lambda c: Req("POST", page("couples:questions", _client_turn(c, sent=False)), form={**ANSWERS, "action": "later"})
)
builds("couples:total_show", "POST")(
    lambda c: Req("POST", page("couples:total_show", _client_turn(c, sent=True)), form={"show": "yes"})
)

# --- API ---
builds("api:list_couples", "GET")(lambda c: Req("GET", api_path("list_couples")))
builds("api:invite_couples_partner", "POST")(
    lambda c: Req("POST", api_path("invite_couples_partner", _client(c).pk), body={"email": "kit@example.org"})
)
builds("api:decide_couples_invitation", "POST")(
    lambda c: Req("POST", api_path("decide_couples_invitation", _invite(c)), body={"send": False})
)
builds("api:end_couples_link", "POST")(
    lambda c: Req("POST", api_path("end_couples_link", _link(c).pk), body={"with_client": True})
)
builds("api:list_couple_agreements", "GET")(lambda c: Req("GET", api_path("list_couple_agreements", _link(c).pk)))
builds("api:create_couple_agreement", "POST")(
    lambda c: Req("POST", api_path("create_couple_agreement", _link(c).pk), body=AGREEMENT)
)
builds("api:get_couple_agreement", "GET")(lambda c: Req("GET", api_path("get_couple_agreement", _agreement(c).pk)))
builds("api:create_agreement_version", "POST")(
    lambda c: Req("POST", api_path("create_agreement_version", _agreement(c).pk), body={"title": "v2", "text": "x"})
)


def _api_consent(c: Ctx) -> Req:
    agreement = _agreement(c)
    body = {"version_id": str(agreement.versions.get().pk)}
    return Req("POST", api_path("consent_to_agreement", agreement.pk), body=body)


builds("api:consent_to_agreement", "POST")(_api_consent)
builds("api:withdraw_from_agreement", "POST")(
    lambda c: Req("POST", api_path("withdraw_from_agreement", _agreement(c).pk), body={})
)
builds("api:list_agreement_notes", "GET")(lambda c: Req("GET", api_path("list_agreement_notes", _agreement(c).pk)))
builds("api:create_agreement_note", "POST")(
    lambda c: Req("POST", api_path("create_agreement_note", _agreement(c).pk), body={"text": "Mine."})
)
builds("api:list_check_in_answers", "GET")(lambda c: Req("GET", api_path("list_check_in_answers", _link(c).pk)))
builds("api:create_check_in", "POST")(
    lambda c: Req(
        "POST", api_path("create_check_in", _link(c).pk), body={"answers": [{"question": "safe", "value": 3}]}
    )
)
builds("api:show_check_in_answer", "POST")(
    lambda c: Req("POST", api_path("show_check_in_answer", _answer(c)), body={"to": "partner", "shown": True})
)
builds("api:set_check_in_rhythm", "PUT")(
    lambda c: Req("PUT", api_path("set_check_in_rhythm", _link(c).pk), body={"every_days": 14})
)
builds("api:list_rehearsals", "GET")(lambda c: Req("GET", api_path("list_rehearsals", _link(c).pk)))
builds("api:log_rehearsal", "POST")(
    lambda c: Req("POST", api_path("log_rehearsal", _link(c).pk), body={"went": "paused"})
)
builds("api:list_couple_notes", "GET")(lambda c: Req("GET", api_path("list_couple_notes", _link(c).pk)))
builds("api:create_couple_note", "POST")(
    lambda c: Req("POST", api_path("create_couple_note", _link(c).pk), body={"text": "Worked on pacing."})
)
builds("api:list_relationship_questions", "GET")(
    lambda c: Req("GET", api_path("list_relationship_questions", _link(c).pk))
)
builds("api:start_relationship_questions", "POST")(
    lambda c: Req("POST", api_path("start_relationship_questions", _turns_waiting(c).pk), body={})
)
builds("api:send_relationship_questions", "POST")(
    lambda c: Req("POST", api_path("send_relationship_questions", _turns_waiting(c).pk), body={})
)
builds("api:answer_relationship_questions", "POST")(
    lambda c: Req(
        "POST",
        api_path("answer_relationship_questions", _client_turn(c, sent=False)),
        body={"answers": ANSWERS, "send": False},
    )
)
builds("api:show_relationship_total", "POST")(
    lambda c: Req("POST", api_path("show_relationship_total", _client_turn(c, sent=True)), body={"shown": True})
)

TABLE = """
endpoint                        method target    dana eli alice bob carol frank sam ada rita anon
# --- pages: where couples work starts -------------------------------------------------------------------
couples:home                    GET    -          200 200   404 404   404   200 404 404  404  302
couples:invite                  POST   -          302 302   404 404   404   404 404 404  404  302
couples:decide_invite           POST   own        302 404   403 404   404   403 403 403  404  302
couples:decide_invite           POST   other      404 302   404 403   404   404 403 403  404  302
couples:client_couples          GET    own        403 404   200 404   404   403 403 403  404  302
couples:client_couples          GET    other      404 403   404 200   404   404 403 403  404  302
couples:client_couples          POST   own        403 404   302 404   404   403 403 403  404  302
# --- pages: the couple's space --------------------------------------------------------------------------
couples:space                   GET    own        200 404   200 404   404   200 403 403  404  302
couples:space                   GET    other      404 200   404 200   404   404 403 403  404  302
couples:agreement_new           GET    own        200 404   200 404   404   200 403 403  404  302
couples:agreement_new           POST   own        302 404   302 404   404   302 403 403  404  302
couples:agreement_new           POST   other      404 302   404 302   404   404 403 403  404  302
couples:check_in                GET    own        200 404   403 404   404   200 403 403  404  302
couples:check_in                POST   own        302 404   403 404   404   302 403 403  404  302
couples:check_in                POST   other      404 302   404 403   404   404 403 403  404  302
couples:rhythm                  POST   own        302 404   403 404   404   302 403 403  404  302
couples:rehearsal               GET    own        200 404   403 404   404   200 403 403  404  302
couples:rehearsal               POST   own        302 404   403 404   404   302 403 403  404  302
couples:skill                   GET    own        200 404   403 404   404   200 403 403  404  302
couples:couple_note             POST   own        403 404   302 404   404   403 403 403  404  302
couples:couple_note             POST   other      404 403   404 302   404   404 403 403  404  302
couples:end                     GET    own        200 404   200 404   404   200 403 403  404  302
couples:end                     POST   own        302 404   302 404   404   302 403 403  404  302
couples:end                     POST   other      404 302   404 302   404   404 403 403  404  302
couples:agreement               GET    own        200 404   200 404   404   200 403 403  404  302
couples:agreement               GET    other      404 200   404 200   404   404 403 403  404  302
couples:agreement_version       POST   own        302 404   302 404   404   302 403 403  404  302
couples:agreement_consent       POST   own        302 404   403 404   404   302 403 403  404  302
couples:agreement_consent       POST   other      404 302   404 403   404   404 403 403  404  302
couples:agreement_withdraw      POST   own        302 404   403 404   404   302 403 403  404  302
couples:note_add                POST   own        302 404   403 404   404   302 403 403  404  302
couples:note_show               POST   own        302 404   403 404   404   404 403 403  404  302
couples:answer_show             POST   own        302 404   403 404   404   404 403 403  404  302
couples:answer_show             POST   other      404 302   404 403   404   404 403 403  404  302
# --- pages: how things are between you (a turn's answers are its person's alone; dana's turn here) ----
couples:between_you             GET    own        200 404   403 404   404   200 403 403  404  302
couples:between_you             GET    other      404 200   404 403   404   404 403 403  404  302
couples:between_you             POST   own        302 404   403 404   404   302 403 403  404  302
couples:questions_send          POST   own        403 404   302 404   404   403 403 403  404  302
couples:questions_send          POST   other      404 403   404 302   404   404 403 403  404  302
couples:questions               GET    own        200 404   403 404   404   404 403 403  404  302
couples:questions               GET    other      404 200   404 403   404   404 403 403  404  302
couples:questions               POST   own        302 404   403 404   404   404 403 403  404  302
couples:total_show              POST   own        302 404   403 404   404   404 403 403  404  302
couples:total_show              POST   other      404 302   404 403   404   404 403 403  404  302
# --- API -----------------------------------------------------------------------------------------------
api:list_couples                GET    -          200 200   200 200   200   200 200 200  200  401
api:invite_couples_partner      POST   own        201 404   201 404   404   403 403 403  404  401
api:invite_couples_partner      POST   other      404 201   404 201   404   404 403 403  404  401
api:decide_couples_invitation   POST   own        200 404   403 404   404   403 403 403  404  401
api:end_couples_link            POST   own        200 404   200 404   404   200 403 403  404  401
api:end_couples_link            POST   other      404 200   404 200   404   404 403 403  404  401
api:list_couple_agreements      GET    own        200 404   200 404   404   200 403 403  404  401
api:list_couple_agreements      GET    other      404 200   404 200   404   404 403 403  404  401
api:create_couple_agreement     POST   own        201 404   201 404   404   201 403 403  404  401
api:get_couple_agreement        GET    own        200 404   200 404   404   200 403 403  404  401
api:get_couple_agreement        GET    other      404 200   404 200   404   404 403 403  404  401
api:create_agreement_version    POST   own        201 404   201 404   404   201 403 403  404  401
api:consent_to_agreement        POST   own        200 404   403 404   404   200 403 403  404  401
api:consent_to_agreement        POST   other      404 200   404 403   404   404 403 403  404  401
api:withdraw_from_agreement     POST   own        200 404   403 404   404   200 403 403  404  401
api:list_agreement_notes        GET    own        200 404   200 404   404   200 403 403  404  401
api:create_agreement_note       POST   own        201 404   403 404   404   201 403 403  404  401
api:list_check_in_answers       GET    own        200 404   200 404   404   200 403 403  404  401
api:create_check_in             POST   own        201 404   403 404   404   201 403 403  404  401
api:show_check_in_answer        POST   own        200 404   403 404   404   404 403 403  404  401
api:show_check_in_answer        POST   other      404 200   404 403   404   404 403 403  404  401
api:set_check_in_rhythm         PUT    own        200 404   403 404   404   200 403 403  404  401
api:list_rehearsals             GET    own        200 404   200 404   404   200 403 403  404  401
api:log_rehearsal               POST   own        201 404   403 404   404   201 403 403  404  401
api:list_couple_notes           GET    own        403 404   200 404   404   403 403 403  404  401
api:list_couple_notes           GET    other      404 403   404 200   404   404 403 403  404  401
api:create_couple_note          POST   own        403 404   201 404   404   403 403 403  404  401
api:list_relationship_questions GET    own        200 404   200 404   404   200 403 403  404  401
api:list_relationship_questions GET    other      404 200   404 200   404   404 403 403  404  401
api:start_relationship_questions POST  own        201 404   403 404   404   201 403 403  404  401
api:start_relationship_questions POST  other      404 201   404 403   404   404 403 403  404  401
api:send_relationship_questions POST   own        403 404   200 404   404   403 403 403  404  401
api:send_relationship_questions POST   other      404 403   404 200   404   404 403 403  404  401
api:answer_relationship_questions POST own        200 404   403 404   404   404 403 403  404  401
api:answer_relationship_questions POST other      404 200   404 403   404   404 403 403  404  401
api:show_relationship_total     POST   own        200 404   403 404   404   404 403 403  404  401
api:show_relationship_total     POST   other      404 200   404 403   404   404 403 403  404  401
"""
