"""Users (email login), practice memberships and roles, invitations and personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django_otp.models import Device


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


# The stubs cannot resolve the reverse relation of a model built on django-otp's untyped abstract Device (Passkey).
class User(AbstractBaseUser, PermissionsMixin):  # type: ignore[django-manager-missing]
    email = models.EmailField(unique=True)
    display_name = models.CharField(max_length=80)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # A client or partner may choose a discreet name: it replaces "Attune" in page titles and as the sender
    # name of their emails, so a glance at a tab or an inbox reveals nothing.
    discreet_name = models.CharField(max_length=40, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name or self.email

    def memberships_in_force(self) -> models.QuerySet[Membership]:
        return self.memberships.filter(active=True).select_related("practice")

    @property
    def is_staff_member(self) -> bool:
        """Staff here means practice staff (clinician, supervisor, admin, researcher), who must use MFA."""
        return self.memberships.filter(active=True).exists()


class Membership(models.Model):
    class Role(models.TextChoices):
        CLINICIAN = "clinician", "Clinician"
        SUPERVISOR = "supervisor", "Supervisor"
        ADMIN = "admin", "Practice admin"
        RESEARCHER = "researcher", "Researcher"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    practice = models.ForeignKey("care.Practice", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices)
    active = models.BooleanField(default=True)
    # For clinicians: who supervises them. A supervisor oversees the caseloads of the clinicians they supervise.
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="supervisees"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "practice", "role"], name="one_membership_per_role")]

    def __str__(self) -> str:
        return f"{self.role} membership"


def default_expiry() -> Any:
    return timezone.now() + timedelta(days=settings.ATTUNE_INVITATION_DAYS)


class Invitation(models.Model):
    class Kind(models.TextChoices):
        CLINICIAN = "clinician", "Clinician"
        SUPERVISOR = "supervisor", "Supervisor"
        ADMIN = "admin", "Practice admin"
        RESEARCHER = "researcher", "Researcher"
        CLIENT = "client", "Client portal"
        PARTNER = "partner", "Partner"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey("care.Practice", on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    client = models.ForeignKey("care.Client", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(default=timezone.now)
    expires = models.DateTimeField(default=default_expiry)
    accepted = models.DateTimeField(null=True, blank=True)
    withdrawn = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.kind} invitation"

    @property
    def usable(self) -> bool:
        return self.accepted is None and self.withdrawn is None and timezone.now() < self.expires

    @staticmethod
    def new_token() -> tuple[str, str]:
        raw = secrets.token_urlsafe(32)
        return raw, hash_token(raw)


class ApiToken(models.Model):
    """A personal access token. Only its hash is stored; the token itself is shown once, when created."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=60)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(default=timezone.now)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"token {self.prefix}…"

    @staticmethod
    def new_token() -> tuple[str, str]:
        raw = "att_" + secrets.token_urlsafe(32)
        return raw, hash_token(raw)


class UserSession(models.Model):
    """A signed-in browser session, listed in account settings so a person can see and end them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="browser_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    device = models.CharField(max_length=120, blank=True)
    network = models.CharField(max_length=64, blank=True)
    created = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"session on {self.device or 'a device'}"


class SignInStreak(models.Model):
    """Consecutive failed password sign-ins for one submitted email (known or unknown alike), from any network.
    Keyed by a hash of the email; reset when the owner signs in. Decides whether a sign-in also needs an emailed
    link, and past NIST's bound of 100 whether passwords for the account are checked at all (accounts.throttle)."""

    key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return "sign-in streak"


class SignInFailure(models.Model):
    """One failed sign-in or code attempt, keyed by a hash of (account, network address). Used only to compute
    a cool-off; rows older than the window are deleted as new ones arrive."""

    key = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return "sign-in failure"


class Passkey(Device):
    """A passkey (a WebAuthn public-key credential) of one person. A django-otp device, so that a session signed
    in or confirmed with it counts as verified (two-step) exactly like an authenticator app's code does; its
    `verify_token` is django-otp's default (never true), so no typed code ever matches it. Only the public key is
    kept: the private key never leaves the person's device or password manager."""

    # base64url, as the browser sends it
    credential_id: models.CharField[str, str] = models.CharField(max_length=1400, unique=True)
    public_key: models.BinaryField[bytes, bytes] = models.BinaryField()  # COSE-encoded
    sign_count: models.PositiveBigIntegerField[int, int] = models.PositiveBigIntegerField(default=0)
    # The random user handle given to the authenticator (base64url): the same for all of a person's passkeys,
    # never their id or email. A discoverable credential returns it at sign-in and it must match.
    user_handle: models.CharField[str, str] = models.CharField(max_length=128)
    transports: models.JSONField[list[str], list[str]] = models.JSONField(default=list, blank=True)
    backed_up: models.BooleanField[bool, bool] = models.BooleanField(default=False)
    created: models.DateTimeField[Any, Any] = models.DateTimeField(default=timezone.now)
    last_used: models.DateTimeField[Any, Any] = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created"]

    def __str__(self) -> str:
        return "passkey"
