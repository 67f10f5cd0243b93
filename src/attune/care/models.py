"""Practices (tenants), client records, care teams, episodes of care, partner links and crisis resources."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from attune.core.fields import EncryptedTextField
from attune.core.policy import Access, Relation


def _weekdays() -> list[int]:
    return [0, 1, 2, 3, 4]


class Practice(models.Model):
    """A practice (tenant). Its country decides which crisis resources its clients see; its working hours and
    escalation time decide when an unacknowledged safety alert goes to more of the care team, and what a client
    is told about when the team will see what they said."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    created = models.DateTimeField(default=timezone.now)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code, e.g. GB")
    time_zone = models.CharField(max_length=64, default="Europe/London")
    working_days = models.JSONField(default=_weekdays, help_text="0 = Monday ... 6 = Sunday")
    day_starts = models.TimeField(default=datetime.time(9, 0))
    day_ends = models.TimeField(default=datetime.time(17, 0))
    escalation_minutes = models.PositiveSmallIntegerField(default=30)
    # API tokens are for staff; clients and partners get them only when the practice chooses to (an app of its
    # own, say). Off by default: a token is one more key that someone else could find on a shared phone.
    client_api_tokens = models.BooleanField(
        default=False, help_text="Clients and partners may create API tokens (for an app that uses the API)."
    )

    def __str__(self) -> str:
        return self.name


class ClientQuerySet(models.QuerySet["Client"]):
    def with_status(self) -> ClientQuerySet:
        open_episode = Episode.objects.filter(client=models.OuterRef("pk"), closed__isnull=True)
        return self.annotate(is_active=models.Exists(open_episode))


class Client(models.Model):
    """A client record. It belongs to a practice and can exist before the client has a portal login."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="clients")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="client_record",
    )
    preferred_name = models.CharField(max_length=80)
    pronouns = models.CharField(max_length=40, blank=True)
    referral_reason = EncryptedTextField(client_field="id")
    created = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["preferred_name", "id"]
        indexes = [models.Index(fields=["practice", "preferred_name"], name="client_practice_name_idx")]

    def __str__(self) -> str:
        return self.preferred_name

    @property
    def client_id(self) -> uuid.UUID:
        return self.id


class CareTeamMember(models.Model):
    class Role(models.TextChoices):
        PRIMARY = "primary", "Primary clinician"
        MEMBER = "member", "Care team member"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="care_team")
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_teams")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    added = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-role", "added"]
        constraints = [
            models.UniqueConstraint(fields=["client", "clinician"], name="one_care_team_row_per_clinician"),
            models.UniqueConstraint(
                fields=["client"], condition=models.Q(role="primary"), name="one_primary_clinician"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} clinician"

    @property
    def is_primary(self) -> bool:
        return self.role == self.Role.PRIMARY


class Episode(models.Model):
    class CloseReason(models.TextChoices):
        COMPLETED = "completed", "Goals reached"
        CLIENT_CHOICE = "client_choice", "The client chose to end"
        TRANSFERRED = "transferred", "Transferred to another service"
        NO_CONTACT = "no_contact", "No contact"
        OTHER = "other", "Other"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="episodes")
    opened = models.DateField(default=timezone.localdate)
    closed = models.DateField(null=True, blank=True)
    close_reason = models.CharField(max_length=20, choices=CloseReason.choices, blank=True)

    class Meta:
        ordering = ["-opened"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"], condition=models.Q(closed__isnull=True), name="one_open_episode_per_client"
            ),
            models.CheckConstraint(
                condition=models.Q(closed__isnull=True) | models.Q(closed__gte=models.F("opened")),
                name="episode_closes_after_it_opens",
            ),
        ]

    def __str__(self) -> str:
        return f"episode from {self.opened}"

    @property
    def is_open(self) -> bool:
        return self.closed is None


class PartnerLinkQuerySet(models.QuerySet["PartnerLink"]):
    def for_access(self, access: Access) -> models.QuerySet[PartnerLink]:
        """The client and their care team see every link of the client, ended ones too (their history); a partner
        sees only their own link, and only while it is in force."""
        rows = self.filter(client_id=access.client_id)
        if access.relation == Relation.PARTNER:
            return rows.filter(partner_id=access.user.pk, ended__isnull=True)
        return rows


class PartnerLink(models.Model):
    """A partner account linked to a client for couples work. A partner sees only what the client shares.

    It exists once both have said yes: the client invited (or confirmed their clinician's invitation) and the
    partner accepted it. Either of them, or the clinician with the client, ends it at once (`ended`); the row
    stays, so the couple's history stays with the client's record."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="partner_links")
    partner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_links")
    created = models.DateTimeField(default=timezone.now)
    ended = models.DateTimeField(null=True, blank=True)

    objects = PartnerLinkQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "partner"],
                condition=models.Q(ended__isnull=True),
                name="one_live_partner_link",
            )
        ]

    def __str__(self) -> str:
        return "partner link"


class CrisisResource(models.Model):
    """A crisis line or service a practice offers its clients, shown at once after a critical answer."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="crisis_resources")
    name = models.CharField(max_length=120)
    phone = models.CharField(max_length=40, blank=True)
    text_line = models.CharField(max_length=120, blank=True)
    web_url = models.URLField(blank=True)
    hours = models.CharField(max_length=120, blank=True)
    region = models.CharField(max_length=80, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        # The table keeps the name it had when monitoring owned it.
        db_table = "monitoring_crisisresource"
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class SafeContact(models.Model):
    """How the care team may safely reach a client, in the client's own words: which channels are safe, a
    phone number, whether a message may be left, and times to avoid. Recorded by the client (in the intake or
    their settings); shown first on a safety alert. Unknown (None) is not the same as no."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, primary_key=True, related_name="safe_contact")
    email_ok = models.BooleanField(null=True, blank=True)
    push_ok = models.BooleanField(null=True, blank=True)
    phone_ok = models.BooleanField(null=True, blank=True)
    phone = EncryptedTextField()
    may_leave_message = models.BooleanField(null=True, blank=True)
    times_to_avoid = EncryptedTextField()
    updated = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return "safe contact"
