"""Couples work: agreements with two independent consents, private check-ins, rehearsals of consent in action,
and the clinician's couple-level notes.

Every row belongs to a client record and one partner link (`care.PartnerLink`), so free text is sealed with the
client's data key. Who sees which row is each QuerySet's `for_access()`, applied by the policy to every way of
reaching a row:
- a partner sees rows of their own link only, and only while it is in force;
- a check-in answer or a note is its author's alone: the other partner sees an answer only after its author
  showed it to them, the clinician only what the author showed the clinician; a row outside that view does not
  exist for the caller (no count, no date);
- the clinician's couple-level notes are the care team's alone, kept apart from either partner's record.

Nothing here is deleted: a withdrawn consent keeps its row with the moment of withdrawal, a new version of an
agreement is a new row. Whether an agreement is in force is worked out from these rows on every read
(`in_force_version`), never stored, so a withdrawal holds on the very next request everywhere.
"""

from __future__ import annotations

import uuid
from typing import TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from attune.core.fields import EncryptedTextField
from attune.core.policy import Access, Relation

M = TypeVar("M", bound=models.Model)

PARTICIPANTS = (Relation.SELF, Relation.PARTNER)


def _couple_rows(rows: QuerySet[M], access: Access) -> QuerySet[M]:
    rows = rows.filter(client_id=access.client_id)
    if access.relation == Relation.PARTNER:
        return rows.filter(link__partner_id=access.user.pk, link__ended__isnull=True)
    if access.relation in (Relation.SELF, Relation.CARE_TEAM):
        return rows
    return rows.none()


class CoupleQuerySet(QuerySet[M]):
    """Rows both partners and the clinician see (agreements, versions, consents, rehearsals)."""

    def for_access(self, access: Access) -> QuerySet[M]:
        return _couple_rows(self, access)


class AuthorQuerySet(QuerySet[M]):
    """Rows their author keeps (notes on an agreement): the author, and the clinician if the author chose."""

    def for_access(self, access: Access) -> QuerySet[M]:
        rows = _couple_rows(self, access)
        if access.relation in PARTICIPANTS:
            return rows.filter(author_id=access.user.pk)
        return rows.filter(shown_to_clinician__isnull=False)


class AnswerQuerySet(QuerySet[M]):
    """A check-in answer: its author; the other partner once shown to them; the clinician once shown to them."""

    def for_access(self, access: Access) -> QuerySet[M]:
        rows = _couple_rows(self, access)
        if access.relation in PARTICIPANTS:
            return rows.filter(Q(author_id=access.user.pk) | Q(shown_to_partner__isnull=False))
        return rows.filter(shown_to_clinician__isnull=False)


class ClinicianQuerySet(QuerySet[M]):
    """The clinician's couple-level notes and the invitations they proposed: never a partner's."""

    def for_access(self, access: Access) -> QuerySet[M]:
        rows = self.filter(client_id=access.client_id)
        return rows if access.relation == Relation.CARE_TEAM else rows.none()


class InviteQuerySet(QuerySet[M]):
    def for_access(self, access: Access) -> QuerySet[M]:
        rows = self.filter(client_id=access.client_id)
        return rows if access.relation in (Relation.SELF, Relation.CARE_TEAM) else rows.none()


class Kind(models.TextChoices):
    BOUNDARY = "boundary", "A boundary"
    RED_LINE = "red_line", "A red line"
    NON_NEGOTIABLE = "non_negotiable", "A non-negotiable"
    PACING = "pacing", "Pacing (how fast, what first, what not yet)"
    CHECK_IN = "check_in", "A check-in ritual (how we pause and ask; our pause signal)"
    FREE = "free", "Something else, in our own words"


class Agreement(models.Model):
    """One agreement of a couple. Its words live in its versions; its state comes from their consents."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="couple_agreements")
    link = models.ForeignKey("care.PartnerLink", on_delete=models.CASCADE, related_name="agreements")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = CoupleQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "id"]
        indexes = [models.Index(fields=["link", "created"], name="agreement_link_created_idx")]

    def __str__(self) -> str:
        return "agreement"


class AgreementVersion(models.Model):
    """The words of an agreement at one version. A new version is a new row; none is ever changed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="+")
    link = models.ForeignKey("care.PartnerLink", on_delete=models.CASCADE, related_name="+")
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = EncryptedTextField()
    text = EncryptedTextField()
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    drafted_as = models.CharField(max_length=12)  # the drafter's relation then: client, partner or clinician
    created = models.DateTimeField(default=timezone.now)

    objects = CoupleQuerySet.as_manager()

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="one_agreement_version_number")]

    def __str__(self) -> str:
        return "agreement version"


class Consent(models.Model):
    """One partner's consent to one version. Given once; withdrawn once, with no reason asked; never deleted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="+")
    link = models.ForeignKey("care.PartnerLink", on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="consents")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    given = models.DateTimeField(default=timezone.now)
    withdrawn = models.DateTimeField(null=True, blank=True)

    objects = CoupleQuerySet.as_manager()

    class Meta:
        ordering = ["given", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "person"], name="one_consent_per_version_person")]

    def __str__(self) -> str:
        return "agreement consent"


class AgreementNote(models.Model):
    """A partner's private note on an agreement: theirs alone, and the clinician's if they choose."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="+")
    link = models.ForeignKey("care.PartnerLink", on_delete=models.CASCADE, related_name="+")
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = EncryptedTextField()
    shown_to_clinician = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)

    objects = AuthorQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "id"]

    def __str__(self) -> str:
        return "agreement note"


class Question(models.TextChoices):
    SAFE = "safe", "How safe did you feel with each other since the last check-in?"
    PAUSES = "pauses", "How well were pauses respected?"
    HELPED = "helped", "One thing that helped"


SCALED = (Question.SAFE, Question.PAUSES)
SCALE = [
    (0, "Not at all"),
    (1, "A little"),
    (2, "Somewhat"),
    (3, "Mostly"),
    (4, "Completely"),
]


class CheckInAnswer(models.Model):
    """One partner's answer to one check-in question, private until they show it (per answer)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="+")
    link = models.ForeignKey("care.PartnerLink", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    round = models.UUIDField()  # the answers given together, in one check-in
    question = models.CharField(max_length=12, choices=Question.choices)
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    text = EncryptedTextField()
    answered = models.DateTimeField(default=timezone.now)
    shown_to_partner = models.DateTimeField(null=True, blank=True)
    shown_to_clinician = models.DateTimeField(null=True, blank=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ["-answered", "question", "id"]
        indexes = [models.Index(fields=["link", "author", "answered"], name="checkin_link_author_idx")]

    def __str__(self) -> str:
        return "check-in answer"

    def label(self) -> str:
        return dict(Question.choices)[self.question]

    def value_label(self) -> str:
        return dict(SCALE).get(self.value, "") if self.value is not None else ""


class Rhythm(models.Model):
    """How often the couple checks in. Either partner sets it; the latest choice holds."""

    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="+")
    link = models.OneToOneField("care.PartnerLink", on_delete=models.CASCADE, related_name="check_in_rhythm")
    every_days = models.PositiveSmallIntegerField(default=7)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated = models.DateTimeField(default=timezone.now)

    objects = CoupleQuerySet.as_manager()

    def __str__(self) -> str:
        return "check-in rhythm"


class Went(models.TextChoices):
    PAUSED = "paused", "We paused and asked"
    NOT_NOW = "not_now", "We heard a 'not now' and respected it"
    RESUMED = "resumed", "We checked in and chose to carry on"
    STOPPED = "stopped", "We stopped, and that was fine"
    HARD = "hard", "It was hard; we'd like to talk about it in session"


class Rehearsal(models.Model):
    """A practice of the consent check-in, as a couple, and how it went. Both partners and the clinician see it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="+")
    link = models.ForeignKey("care.PartnerLink", on_delete=models.CASCADE, related_name="+")
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    went = models.CharField(max_length=12, choices=Went.choices)
    note = EncryptedTextField()
    created = models.DateTimeField(default=timezone.now)

    objects = CoupleQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "id"]

    def __str__(self) -> str:
        return "rehearsal"


class CoupleNote(models.Model):
    """The clinician's note about the couple, kept apart from each partner's individual record."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="+")
    link = models.ForeignKey("care.PartnerLink", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = EncryptedTextField()
    created = models.DateTimeField(default=timezone.now)

    objects = ClinicianQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "id"]

    def __str__(self) -> str:
        return "couple note"


class TotalQuerySet(QuerySet[M]):
    """How things are between you (the relationship questionnaire): each person's own; the other partner's only
    once its author showed them the total, and only when it was sent; the clinician sees every partner's."""

    def for_access(self, access: Access) -> QuerySet[M]:
        rows = _couple_rows(self, access)
        if access.relation in PARTICIPANTS:
            shown = Q(shown_to_partner__isnull=False, response__status="completed")
            return rows.filter(Q(person_id=access.user.pk) | shown)
        return rows


RELATIONSHIP_INSTRUMENT = "csi16"  # sixteen questions on how satisfied each partner is with the relationship


class RelationshipQuestions(models.Model):
    """One partner's turn at the relationship questionnaire, answered through the questionnaire engine. For the
    client it is a response in their own record; for the partner, a response with the partner as its respondent
    (kept out of the client's record). Private to the person who answers; the clinician sees the total; the
    person may show their total to the other partner, and stop showing it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="+")
    link = models.ForeignKey("care.PartnerLink", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    response = models.OneToOneField("questionnaires.Response", on_delete=models.CASCADE, related_name="+")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    sent_as = models.CharField(max_length=12)  # client, partner, clinician, or rhythm (the couple's own rhythm)
    created = models.DateTimeField(default=timezone.now)
    shown_to_partner = models.DateTimeField(null=True, blank=True)

    objects = TotalQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "id"]
        indexes = [models.Index(fields=["link", "person", "created"], name="relq_link_person_idx")]

    def __str__(self) -> str:
        return "relationship questions"


class PartnerInvite(models.Model):
    """An invitation of a partner to couples work. The client's own is confirmed as it is made; a clinician's
    waits for the client's yes, and only then is the invitation sent (accounts.Invitation). The link itself is
    made when the partner accepts (care)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="+")
    email = EncryptedTextField()
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    proposed_as = models.CharField(max_length=12)
    created = models.DateTimeField(default=timezone.now)
    confirmed = models.DateTimeField(null=True, blank=True)
    declined = models.DateTimeField(null=True, blank=True)
    invitation_id = models.UUIDField(null=True, blank=True)

    objects = InviteQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "id"]

    def __str__(self) -> str:
        return "partner invitation"

    @property
    def waiting(self) -> bool:
        return self.confirmed is None and self.declined is None
