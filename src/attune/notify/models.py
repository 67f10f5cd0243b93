"""The outbox: every message that leaves Attune is first a row here, written in the same transaction as the change
that causes it; a background job only delivers it. Rows carry codes and a site path, never content."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        PUSH = "push", "Push"

    class Purpose(models.TextChoices):
        ALERT = "alert", "Alert"
        ESCALATION = "escalation", "Escalation"
        REMINDER = "reminder", "Reminder"
        MESSAGE = "message", "Message"
        # A one-time link that finishes a sign-in under the per-account limit: email only, sent at once, even
        # when everything else is off (it is the owner's way in), and it links to its target directly.
        SIGN_IN = "sign_in", "Sign-in link"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"  # waiting for its first attempt or for a retry (next_attempt_at)
        SENDING = "sending", "Sending"  # a worker holds it until lease_until
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"  # gave up after the last attempt
        # the recipient turned notifications off (or removed every device, for push) before it went
        CANCELLED = "cancelled", "Cancelled"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    # A site-relative path that needs sign-in ("/alerts/<uuid>/"). It never leaves the app: the message links to
    # /n/<notification id>/, which sends the recipient here after sign-in.
    target = models.CharField(max_length=200)
    # The caller's idempotency key ("alert:<id>:notify:<user id>"): enqueueing it again returns the same rows.
    dedupe_key = models.CharField(max_length=200)
    # Urgent rows skip quiet hours and ask push services to wake the device ("Urgency: high").
    urgent = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    # The exception class and a fixed reason only: an exception's message can carry an address or content.
    last_error = models.CharField(max_length=120, blank=True)
    created = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key", "channel"], name="one_notification_per_key_and_channel")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notify_due")]

    def __str__(self) -> str:
        return f"{self.channel} {self.purpose} {self.status}"


class NotificationPreference(models.Model):
    """How a person wants to hear that something is waiting. No row means the defaults (email on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.BooleanField(default=True)
    push = models.BooleanField(default=True)
    # Everything off in one switch, whatever the channels say; turning it back on restores them.
    paused = models.BooleanField(default=False)
    # Quiet hours in the service's time zone; start after end spans midnight (22:00 to 07:00).
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quiet_start__isnull=True, quiet_end__isnull=True)
                | models.Q(quiet_start__isnull=False, quiet_end__isnull=False),
                name="quiet_hours_have_both_ends",
            )
        ]

    def __str__(self) -> str:
        return "notification preferences"


class PushSubscription(models.Model):
    """A browser's Web Push subscription: where the push service accepts messages for one device, and the keys
    that encrypt them for it. The endpoint is a secret of that device; it never appears in a page or a log.
    Turning the device off, or the push service saying it is gone (404/410), deletes the row."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=500, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=60)
    created = models.DateTimeField(default=timezone.now)
    revoked = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return "push subscription"
