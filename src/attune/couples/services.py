"""Every write of couples work. Each function takes the access its caller reached the couple (or a row of it)
with, checks the permission it needs (a refusal is audited), then writes the change and its audit event in one
transaction, with any notice to the other partner written to the outbox in that same transaction.

What it decides:
- an agreement is in force only while both partners' consents to one version stand and their link is in force;
  `withdraw` ends the caller's consent to every version of the agreement at once, asks no reason, and tells the
  other partner only notify's neutral sentence;
- a consent is given to the version the person read (the newest); a version either partner withdrew from can
  never come into force again: agreeing again means a new version, and the history keeps every row;
- a check-in answer or a note is written private; only its author shows it, per answer, to the other partner or
  to the clinician, and can stop showing it;
- a link is made only when both said yes (the client invites or confirms their clinician's proposal; the partner
  accepts the invitation) and either partner, or the clinician with the client, ends it at once.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from attune.accounts import services as accounts
from attune.accounts.models import Invitation
from attune.care import services as care
from attune.care.models import Client, PartnerLink
from attune.core.models import AuditEvent
from attune.core.policy import Access, Relation
from attune.couples import inputs, perms
from attune.couples.models import (
    RELATIONSHIP_INSTRUMENT,
    SCALED,
    Agreement,
    AgreementNote,
    AgreementVersion,
    CheckInAnswer,
    Consent,
    CoupleNote,
    Kind,
    PartnerInvite,
    Question,
    Rehearsal,
    RelationshipQuestions,
    Rhythm,
    Went,
)
from attune.notify import services as notify
from attune.questionnaires import services as questionnaires
from attune.questionnaires.models import Response

AS = {Relation.SELF: "client", Relation.PARTNER: "partner", Relation.CARE_TEAM: "clinician"}


# --- who the couple is --------------------------------------------------------------------------------------


def participants(link: PartnerLink) -> set[int]:
    """The two people whose consents an agreement needs: the client's account and the partner's."""
    client_user = Client.objects.filter(pk=link.client_id).values_list("user_id", flat=True).first()
    return {p for p in (client_user, link.partner_id) if p is not None}


def _in_force(link: PartnerLink) -> None:
    if link.ended is not None:
        raise ValidationError("This couples link has ended, so nothing new can be added to it.")


def _text(name: str, value: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({name: "Please write something here."})
    if len(value) > inputs.TEXT_LIMITS[name]:
        raise ValidationError({name: f"Please keep this under {inputs.TEXT_LIMITS[name]} characters."})
    return value


def _tell_the_others(access: Access, link: PartnerLink, target: str, key: str) -> None:
    """notify's neutral sentence to the partners other than the one acting, in this transaction. What changed and
    why never leaves the app: the purpose and target are the only things notify keeps."""
    for person in sorted(participants(link) - {access.actor_id}):
        notify.enqueue(recipient_id=person, purpose="message", target=target, dedupe_key=f"{key}:{person}")


def agreement_path(agreement: Agreement) -> str:
    return f"/couples/agreements/{agreement.pk}/"


# --- linking ------------------------------------------------------------------------------------------------


def invite_partner(access: Access, email: str) -> PartnerInvite:
    """The client invites a partner at once; a clinician proposes one, and the client's yes sends it."""
    access.require(perms.INVITE)
    email = _text("email", email).lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": "Please enter an email address."}) from exc
    with transaction.atomic():
        invite = PartnerInvite(client_id=access.client_id, proposed_by_id=access.actor_id, email=email)
        invite.proposed_as = AS[access.relation]
        if access.is_self:
            invite.confirmed = timezone.now()
            invite.invitation_id = accounts.invite_to_portal(access, email, perm=perms.INVITE, kind="partner").pk
        invite.save()
        access.record(AuditEvent.Action.CREATE, "PartnerInvite", invite.pk, perms.INVITE)
        if not access.is_self and access.client.user_id is not None:
            notify.enqueue(
                recipient_id=access.client.user_id,
                purpose="message",
                target="/couples/",
                dedupe_key=f"partner-invite:{invite.pk}",
            )
    return invite


def decide_invite(access: Access, invite: PartnerInvite, *, send: bool) -> PartnerInvite:
    """The client's yes (the invitation is sent) or no (nothing is sent) to their clinician's proposal."""
    access.require(perms.CONFIRM_INVITE)
    with transaction.atomic():
        locked = PartnerInvite.objects.select_for_update().filter(client_id=access.client_id, pk=invite.pk).get()
        if not locked.waiting:
            raise ValidationError("You have already answered this.")
        if send:
            locked.confirmed = timezone.now()
            sent = accounts.invite_to_portal(access, locked.email, perm=perms.CONFIRM_INVITE, kind="partner")
            locked.invitation_id = sent.pk
        else:
            locked.declined = timezone.now()
        locked.save(update_fields=["confirmed", "declined", "invitation_id"])
        access.record(AuditEvent.Action.UPDATE, "PartnerInvite", locked.pk, perms.CONFIRM_INVITE)
    return locked


def invitation_states(invites: Iterable[PartnerInvite]) -> dict[uuid.UUID, str]:
    """Whether each sent invitation was accepted, is waiting, or was withdrawn or expired."""
    ids = [i.invitation_id for i in invites if i.invitation_id is not None]
    found = {inv.pk: inv for inv in Invitation.objects.filter(pk__in=ids)}
    states: dict[uuid.UUID, str] = {}
    for invite in invites:
        sent = found.get(invite.invitation_id) if invite.invitation_id else None
        if sent is None:
            continue
        states[invite.pk] = "accepted" if sent.accepted else ("waiting" if sent.usable else "not used")
    return states


def end_link(access: Access, link: PartnerLink, *, with_client: bool = False) -> PartnerLink:
    """Either partner ends the link at once. A clinician ends it only with the client, and says so."""
    access.require(perms.END_LINK)
    if access.relation == Relation.CARE_TEAM and not with_client:
        raise ValidationError({"with_client": "A clinician ends a link only with the client: please confirm."})
    return care.end_partner_link(access, link, perms.END_LINK)


# --- agreements -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class State:
    """An agreement as it stands now, worked out from its rows."""

    latest: AgreementVersion
    in_force: AgreementVersion | None
    consents: dict[int, Consent]  # the latest version's consents, by person
    withdrawn_by: set[int]  # people who withdrew since the latest version was drafted
    link_ended: bool

    @property
    def key(self) -> str:
        if self.in_force is not None:
            return "in_force"
        if self.link_ended:
            return "ended"
        if self.withdrawn_by:
            return "withdrawn"
        return "waiting" if self.consents else "draft"


def state_of(agreement: Agreement, versions: list[AgreementVersion], people: set[int]) -> State:
    """The state of an agreement from its versions (with their consents prefetched), newest last."""
    link_ended = agreement.link.ended is not None
    in_force = None
    if not link_ended and len(people) == 2:
        for version in reversed(versions):
            standing = {c.person_id for c in version.consents.all() if c.withdrawn is None}
            if people <= standing:
                in_force = version
                break
    latest = versions[-1]
    consents = {c.person_id: c for c in latest.consents.all()}
    # Who withdrew since the newest version was drafted (from it, or from an older one still in force then):
    # the agreement reads "withdrawn" until someone drafts a new version to agree again.
    withdrawn = {
        c.person_id
        for v in versions
        for c in v.consents.all()
        if c.withdrawn is not None and (v is latest or c.withdrawn >= latest.created)
    }
    return State(latest, in_force, consents, withdrawn, link_ended)


def _check_kind(kind: str) -> str:
    if kind not in Kind.values:
        raise ValidationError({"kind": "Choose what kind of agreement this is."})
    return kind


def draft(access: Access, link: PartnerLink, *, kind: str, title: str, text: str) -> Agreement:
    """A new agreement, at version 1, with nobody's consent yet (each partner gives their own)."""
    access.require(perms.DRAFT)
    _in_force(link)
    kind = _check_kind(kind)
    title, text = _text("title", title), _text("text", text)
    with transaction.atomic():
        agreement = Agreement.objects.create(
            client_id=access.client_id, link_id=link.pk, kind=kind, created_by_id=access.actor_id
        )
        version = AgreementVersion(
            client_id=access.client_id,
            link_id=link.pk,
            agreement=agreement,
            number=1,
            title=title,
            text=text,
            drafted_by_id=access.actor_id,
            drafted_as=AS[access.relation],
        )
        version.save()
        access.record(AuditEvent.Action.CREATE, "Agreement", agreement.pk, perms.DRAFT)
        access.record(AuditEvent.Action.CREATE, "AgreementVersion", version.pk, perms.DRAFT)
        _tell_the_others(access, link, agreement_path(agreement), f"agreement:{agreement.pk}:v1")
    return agreement


def new_version(access: Access, agreement: Agreement, *, title: str, text: str) -> AgreementVersion:
    """A new version (to change the words, or to agree again after a withdrawal). Older versions stay as they
    were; the one in force stays in force until both partners agree to the new one."""
    access.require(perms.DRAFT)
    _in_force(agreement.link)
    title, text = _text("title", title), _text("text", text)
    with transaction.atomic():
        Agreement.objects.select_for_update().filter(client_id=access.client_id, pk=agreement.pk).get()
        last = agreement.versions.aggregate(n=Max("number"))["n"] or 0
        version = AgreementVersion(
            client_id=access.client_id,
            link_id=agreement.link_id,
            agreement=agreement,
            number=last + 1,
            title=title,
            text=text,
            drafted_by_id=access.actor_id,
            drafted_as=AS[access.relation],
        )
        version.save()
        access.record(AuditEvent.Action.CREATE, "AgreementVersion", version.pk, perms.DRAFT)
        key = f"agreement:{agreement.pk}:v{version.number}"
        _tell_the_others(access, agreement.link, agreement_path(agreement), key)
    return version


def consent(access: Access, agreement: Agreement, version_id: uuid.UUID | None) -> Consent:
    """The caller's own consent to the newest version, the one they read (`version_id`). Giving it again is a
    no-op; a version anyone withdrew from is closed, and agreeing again needs a new version."""
    access.require(perms.TAKE_PART)
    _in_force(agreement.link)
    with transaction.atomic():
        Agreement.objects.select_for_update().filter(client_id=access.client_id, pk=agreement.pk).get()
        latest = agreement.versions.order_by("-number").first()
        if latest is None or latest.pk != version_id:
            raise ValidationError("These words have changed since you opened the page. Please read the newest version.")
        existing = {c.person_id: c for c in latest.consents.all()}
        # A withdrawal from this version, or from the agreement since this version was drafted, closes it.
        closed = Consent.objects.filter(
            client_id=access.client_id, version__agreement=agreement, withdrawn__gte=latest.created
        )
        if closed.exists():
            raise ValidationError(
                "Someone withdrew from this version, so it cannot come into force. To agree again, make a new "
                "version: it can keep the same words."
            )
        mine = existing.get(access.actor_id)
        if mine is not None:
            return mine
        given = Consent.objects.create(
            client_id=access.client_id, link_id=agreement.link_id, version=latest, person_id=access.actor_id
        )
        access.record(AuditEvent.Action.CREATE, "Consent", given.pk, perms.TAKE_PART)
        key = f"agreement:{agreement.pk}:consent:{given.pk}"
        _tell_the_others(access, agreement.link, agreement_path(agreement), key)
    return given


def withdraw(access: Access, agreement: Agreement) -> int:
    """Withdraw the caller's consent to this agreement, every version of it, at once. No reason is asked or kept.
    The other partner is told only that something changed. Returns how many consents ended (0: none stood)."""
    access.require(perms.TAKE_PART)
    with transaction.atomic():
        standing = Consent.objects.select_for_update().filter(
            client_id=access.client_id, version__agreement=agreement, person_id=access.actor_id, withdrawn__isnull=True
        )
        ids = list(standing.values_list("pk", flat=True))
        if not ids:
            return 0
        Consent.objects.filter(client_id=access.client_id, pk__in=ids).update(withdrawn=timezone.now())
        access.record_many(AuditEvent.Action.UPDATE, "Consent", ids, perms.TAKE_PART)
        key = f"agreement:{agreement.pk}:withdrawn:{min(ids)}"
        _tell_the_others(access, agreement.link, agreement_path(agreement), key)
    return len(ids)


def add_note(access: Access, agreement: Agreement, *, text: str, show_clinician: bool) -> AgreementNote:
    """A private note on an agreement: the author's alone, and the clinician's if they choose."""
    access.require(perms.TAKE_PART)
    text = _text("note", text)
    with transaction.atomic():
        note = AgreementNote(
            client_id=access.client_id,
            link_id=agreement.link_id,
            agreement=agreement,
            author_id=access.actor_id,
            text=text,
            shown_to_clinician=timezone.now() if show_clinician else None,
        )
        note.save()
        access.record(AuditEvent.Action.CREATE, "AgreementNote", note.pk, perms.TAKE_PART)
    return note


def show_note(access: Access, note: AgreementNote, *, to_clinician: bool) -> AgreementNote:
    access.require(perms.TAKE_PART)
    if note.author_id != access.actor_id:
        raise access.deny_row("AgreementNote", note.pk, perms.TAKE_PART)
    with transaction.atomic():
        note.shown_to_clinician = timezone.now() if to_clinician else None
        note.save(update_fields=["shown_to_clinician"])
        access.record(AuditEvent.Action.UPDATE, "AgreementNote", note.pk, perms.TAKE_PART)
    return note


# --- check-ins and rehearsals ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerInput:
    question: str
    value: int | None = None
    text: str = ""
    show_partner: bool = False
    show_clinician: bool = False


def check_in(access: Access, link: PartnerLink, answers: Iterable[AnswerInput]) -> list[CheckInAnswer]:
    """One check-in: the caller's answers, private unless they chose to show one. Any question may be skipped."""
    access.require(perms.TAKE_PART)
    _in_force(link)
    now, round_id, rows = timezone.now(), uuid.uuid4(), []
    for given in answers:
        if given.question not in Question.values:
            raise ValidationError({"question": "There is no such question."})
        scaled = given.question in SCALED
        if scaled and given.value is None:
            continue
        if scaled and not (inputs.SCALE_MIN <= int(given.value or 0) <= inputs.SCALE_MAX):
            raise ValidationError({given.question: "Choose one of the answers."})
        text = "" if scaled else _text("answer", given.text, required=False)
        if not scaled and not text:
            continue
        row = CheckInAnswer(
            client_id=access.client_id,
            link_id=link.pk,
            author_id=access.actor_id,
            round=round_id,
            question=given.question,
            value=given.value if scaled else None,
            text=text,
            answered=now,
            shown_to_partner=now if given.show_partner else None,
            shown_to_clinician=now if given.show_clinician else None,
        )
        rows.append(row)
    if not rows:
        raise ValidationError("Answer at least one question, or come back another time.")
    with transaction.atomic():
        for row in rows:
            row.save()
        access.record_many(AuditEvent.Action.CREATE, "CheckInAnswer", [r.pk for r in rows], perms.TAKE_PART)
    return rows


def show_answer(access: Access, answer: CheckInAnswer, *, to: str, shown: bool) -> CheckInAnswer:
    """The author shows one answer to their partner or the clinician, or stops showing it."""
    access.require(perms.TAKE_PART)
    if answer.author_id != access.actor_id:
        raise access.deny_row("CheckInAnswer", answer.pk, perms.TAKE_PART)
    if to not in ("partner", "clinician"):
        raise ValidationError({"to": "Choose your partner or your clinician."})
    field = f"shown_to_{to}"
    with transaction.atomic():
        setattr(answer, field, timezone.now() if shown else None)
        answer.save(update_fields=[field])
        access.record(AuditEvent.Action.UPDATE, "CheckInAnswer", answer.pk, perms.TAKE_PART)
    return answer


def set_rhythm(access: Access, link: PartnerLink, every_days: int) -> Rhythm:
    access.require(perms.TAKE_PART)
    _in_force(link)
    if every_days not in dict(inputs.RHYTHMS):
        raise ValidationError({"every_days": "Choose how often."})
    with transaction.atomic():
        rhythm, _ = Rhythm.objects.select_for_update().get_or_create(
            link_id=link.pk, defaults={"client_id": access.client_id}
        )
        rhythm.every_days, rhythm.set_by_id, rhythm.updated = every_days, access.actor_id, timezone.now()
        rhythm.save()
        access.record(AuditEvent.Action.UPDATE, "CheckInRhythm", rhythm.pk, perms.TAKE_PART)
    return rhythm


def log_rehearsal(access: Access, link: PartnerLink, *, went: str, note: str) -> Rehearsal:
    """How a practice of the consent check-in went, for both partners and the clinician to see."""
    access.require(perms.TAKE_PART)
    _in_force(link)
    if went not in Went.values:
        raise ValidationError({"went": "Choose how it went."})
    note = _text("note", note, required=False)
    with transaction.atomic():
        row = Rehearsal(client_id=access.client_id, link_id=link.pk, logged_by_id=access.actor_id, went=went, note=note)
        row.save()
        access.record(AuditEvent.Action.CREATE, "Rehearsal", row.pk, perms.TAKE_PART)
    return row


def add_couple_note(access: Access, link: PartnerLink, text: str) -> CoupleNote:
    """The clinician's note about the couple, apart from either partner's record."""
    access.require(perms.WRITE_NOTES)
    text = _text("text", text)
    with transaction.atomic():
        note = CoupleNote(client_id=access.client_id, link_id=link.pk, author_id=access.actor_id, text=text)
        note.save()
        access.record(AuditEvent.Action.CREATE, "CoupleNote", note.pk, perms.WRITE_NOTES)
    return note


# --- how things are between you (the relationship questionnaire, through the questionnaire engine) -------------

# The questions ask about the relationship as a whole, which changes slowly: offered on the couple's rhythm, but
# never more often than this.
RELATIONSHIP_EVERY_DAYS = 28


def relationship_path(link_id: int) -> str:
    return f"/couples/{link_id}/between-you/"


def _client_user(link: PartnerLink) -> int | None:
    return Client.objects.filter(pk=link.client_id).values_list("user_id", flat=True).first()


def _open_turn(link: PartnerLink, person: int) -> RelationshipQuestions | None:
    open_statuses = [Response.Status.ASSIGNED, Response.Status.IN_PROGRESS]
    rows = RelationshipQuestions.objects.filter(link_id=link.pk, person_id=person, response__status__in=open_statuses)
    return rows.select_related("response").first()


def _turn(
    access: Access | None, link: PartnerLink, person: int, response: Response, sent_as: str
) -> RelationshipQuestions:
    row, _created = RelationshipQuestions.objects.get_or_create(
        response=response,
        defaults={
            "client_id": link.client_id,
            "link_id": link.pk,
            "person_id": person,
            "sent_by_id": access.actor_id if access is not None else None,
            "sent_as": sent_as,
        },
    )
    return row


def send_relationship_questions(access: Access, link: PartnerLink) -> list[RelationshipQuestions]:
    """The clinician sends each partner their own turn at the questions (one already waiting is kept, not sent
    twice). Each gets notify's neutral sentence; nobody is told anything about the other's answers."""
    access.require(perms.SEND_QUESTIONS)
    _in_force(link)
    client_user, sent = _client_user(link), []
    with transaction.atomic():
        for person in sorted(participants(link)):
            row = _open_turn(link, person)
            if row is None:
                if person == client_user:
                    response = questionnaires.assign(access, RELATIONSHIP_INSTRUMENT)
                else:
                    response = questionnaires.assign_to_respondent(
                        access, RELATIONSHIP_INSTRUMENT, person, perms.SEND_QUESTIONS
                    )
                row = _turn(access, link, person, response, "clinician")
                access.record(AuditEvent.Action.CREATE, "RelationshipQuestions", row.pk, perms.SEND_QUESTIONS)
            notify.enqueue(
                recipient_id=person,
                purpose="message",
                target=relationship_path(link.pk),
                dedupe_key=f"couples-questions:{row.pk}:{person}",
            )
            sent.append(row)
    return sent


def start_relationship_questions(access: Access, link: PartnerLink) -> RelationshipQuestions:
    """The caller's own turn: the one waiting for them, or a new one started now."""
    access.require(perms.TAKE_PART)
    _in_force(link)
    with transaction.atomic():
        row = _open_turn(link, access.actor_id)
        if row is not None:
            return row
        if access.is_self:
            response = questionnaires.start(access, RELATIONSHIP_INSTRUMENT)
        else:
            response = questionnaires.assign_to_respondent(
                access, RELATIONSHIP_INSTRUMENT, access.actor_id, perms.TAKE_PART
            )
        row = _turn(access, link, access.actor_id, response, AS[access.relation])
        access.record(AuditEvent.Action.CREATE, "RelationshipQuestions", row.pk, perms.TAKE_PART)
    return row


SKIP = "skip"


def answer_relationship_questions(
    access: Access, row: RelationshipQuestions, given: Mapping[str, str], *, send: bool, submission_id: object = None
) -> Response:
    """Save the caller's answers (each one at once, through the engine: "prefer not to answer" is `SKIP`, an item
    left empty is left for later) and, when `send`, score and send them. Only the person whose turn it is."""
    access.require(perms.TAKE_PART)
    if row.person_id != access.actor_id:
        raise access.deny_row("RelationshipQuestions", row.pk, perms.TAKE_PART)
    located = questionnaires.for_answerer(access, row.response)
    if not located.row.is_open:
        raise ValidationError("These answers were already sent. Thank you.")
    instrument = questionnaires.instrument_of(located.row)
    known = {item["linkId"] for item in instrument.items}
    with transaction.atomic():
        for link_id, choice in given.items():
            if link_id not in known or choice in ("", None):
                continue
            if choice == SKIP:
                questionnaires.answer(located, link_id, skipped=True)
            else:
                try:
                    value = float(choice)
                except ValueError as exc:
                    raise ValidationError({link_id: "Choose one of the answers."}) from exc
                questionnaires.answer(located, link_id, value=value)
        if send:
            return questionnaires.submit(located, submission_id if submission_id is not None else uuid.uuid4())
    located.row.refresh_from_db()
    return located.row


def show_total(access: Access, row: RelationshipQuestions, *, shown: bool) -> RelationshipQuestions:
    """The person who answered shows their total (never their answers) to the other partner, or stops."""
    access.require(perms.TAKE_PART)
    if row.person_id != access.actor_id:
        raise access.deny_row("RelationshipQuestions", row.pk, perms.TAKE_PART)
    if shown and not (row.response.status == Response.Status.COMPLETED and row.response.scored):
        raise ValidationError("You can show your total once you have sent your answers.")
    with transaction.atomic():
        row.shown_to_partner = timezone.now() if shown else None
        row.save(update_fields=["shown_to_partner"])
        access.record(AuditEvent.Action.UPDATE, "RelationshipQuestions", row.pk, perms.TAKE_PART)
    return row


def offer_relationship_questions(now: datetime.datetime) -> int:
    """On the couple's rhythm (never more often than every four weeks), each partner's own turn at the
    questions, waiting for them with a gentle reminder. Only once the practice has loaded the questions' wording,
    and only for couples who chose a rhythm. Safe to run again: a turn waiting or answered within the period
    keeps the next one back."""
    try:
        questionnaires.instrument_or_error(RELATIONSHIP_INSTRUMENT)
    except ValidationError:
        return 0
    offered = 0
    rhythms: QuerySet[Rhythm] = Rhythm.objects.filter(link__ended__isnull=True).select_related("link")
    for rhythm in rhythms:
        period = datetime.timedelta(days=max(rhythm.every_days, RELATIONSHIP_EVERY_DAYS))
        client_user = _client_user(rhythm.link)
        for person in sorted(participants(rhythm.link)):
            last = (
                RelationshipQuestions.objects.filter(link_id=rhythm.link_id, person_id=person)
                .values_list("created", flat=True)
                .first()
            )
            if _open_turn(rhythm.link, person) is not None or (last is not None and now - last < period):
                continue
            with transaction.atomic():
                response = questionnaires.issue(
                    rhythm.client_id,
                    RELATIONSHIP_INSTRUMENT,
                    None,
                    "couples.rhythm",
                    respondent_id=None if person == client_user else person,
                )
                row = _turn(None, rhythm.link, person, response, "rhythm")
                notify.enqueue(
                    recipient_id=person,
                    purpose="reminder",
                    target=relationship_path(rhythm.link_id),
                    dedupe_key=f"couples-questions:{row.pk}:{person}",
                )
            offered += 1
    return offered


# --- the tick ----------------------------------------------------------------------------------------------------


def remind_check_ins(now: datetime.datetime) -> int:
    """A gentle reminder to each partner whose check-in is due on the rhythm the couple set (once per period).
    Only couples who chose a rhythm are reminded; the message is notify's neutral sentence."""
    sent = 0
    rhythms: QuerySet[Rhythm] = Rhythm.objects.filter(link__ended__isnull=True).select_related("link")
    for rhythm in rhythms:
        period = datetime.timedelta(days=rhythm.every_days)
        for person in sorted(participants(rhythm.link)):
            last = (
                CheckInAnswer.objects.filter(client_id=rhythm.client_id, link_id=rhythm.link_id, author_id=person)
                .values_list("answered", flat=True)
                .first()
            )
            since = max(d for d in (last, rhythm.updated) if d is not None)
            if now - since < period:
                continue
            due = (since + period).date().isoformat()
            with transaction.atomic():
                notify.enqueue(
                    recipient_id=person,
                    purpose="reminder",
                    target=f"/couples/{rhythm.link_id}/check-in/",
                    dedupe_key=f"couples-check-in:{rhythm.link_id}:{person}:{due}",
                )
            sent += 1
    return sent


def answers_by_question(values: Mapping[str, object]) -> list[AnswerInput]:
    """The page and the API send the same shape: {question: value or text} plus the show choices."""
    out = []
    for question in Question.values:
        raw = values.get(question)
        scaled = question in SCALED
        out.append(
            AnswerInput(
                question=question,
                value=int(str(raw)) if scaled and raw not in (None, "") else None,
                text="" if scaled else str(raw or ""),
                show_partner=bool(values.get(f"{question}_partner")),
                show_clinician=bool(values.get(f"{question}_clinician")),
            )
        )
    return out
