"""Writes of the outbox: enqueueing notifications (in the caller's transaction) and saving preferences.

`enqueue` is how anything leaves the app: it writes one row per channel the recipient has turned on, inside
the caller's transaction, and asks for delivery only once that transaction commits. A rolled-back change
therefore sends nothing, and a committed one is delivered even if the process dies before the job is queued
(the tick recovers rows whose delivery never started).
"""

from __future__ import annotations

import datetime
import logging
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from attune.accounts import services as account_services
from attune.accounts.models import User
from attune.core import audit, events
from attune.core.models import AuditEvent
from attune.notify import quiet
from attune.notify.inputs import PreferencesInput, PushSubscriptionInput
from attune.notify.models import Notification, NotificationPreference, PushSubscription

logger = logging.getLogger("attune.notify")

Channel = Notification.Channel

# A person's devices with push on; subscribing one more forgets the oldest.
DEVICES_MAX = 10


def preferences_of(user_id: int) -> NotificationPreference:
    """The person's preferences; the defaults (unsaved) if they never chose."""
    found = NotificationPreference.objects.filter(user_id=user_id).first()
    return found if found is not None else NotificationPreference(user_id=user_id)


def current(user: User) -> PreferencesInput:
    """The person's choices as the input that would save them unchanged."""
    prefs = preferences_of(user.pk)
    return PreferencesInput(
        email=prefs.email,
        push=prefs.push,
        paused=prefs.paused,
        quiet_start=prefs.quiet_start,
        quiet_end=prefs.quiet_end,
        label=user.discreet_name,
    )


def enqueue(
    *, recipient_id: int, purpose: str, target: str, dedupe_key: str, urgent: bool = False
) -> list[Notification]:
    """Write the notifications for one event to one person, in the caller's transaction.

    One row per channel the recipient has on (none if they turned everything off). Enqueueing the same
    dedupe_key again returns the rows already written. Non-urgent rows wait for the end of quiet hours.
    `target` is a site-relative path that needs sign-in; it is never put in the message itself.
    """
    _check(purpose, target, dedupe_key)
    if purpose == Notification.Purpose.SIGN_IN:
        raise ValueError("sign-in links are sent by send_sign_in_link only")
    with transaction.atomic():
        recipient = User.objects.filter(pk=recipient_id, is_active=True).first()
        if recipient is None:
            return []
        prefs = preferences_of(recipient_id)
        if prefs.paused:
            return []
        due = _due(prefs, urgent)
        return [
            _row(recipient, channel, purpose, target, dedupe_key, due, urgent)
            for channel in _channels(recipient, prefs)
        ]


def send_sign_in_link(event: events.SignInLinkRequested) -> list[Notification]:
    """The per-account limit's one-time link (accounts.services.request_sign_in_link): by email only, at once,
    whatever the person's other choices, because it is how they get in. Subscribed in NotifyConfig.ready()."""
    _check(Notification.Purpose.SIGN_IN, event.target, event.dedupe_key)
    with transaction.atomic():
        recipient = User.objects.filter(pk=event.user_id, is_active=True).first()
        if recipient is None or not recipient.email:
            return []
        row = _row(
            recipient,
            Channel.EMAIL,
            Notification.Purpose.SIGN_IN,
            event.target,
            event.dedupe_key,
            timezone.now(),
            urgent=True,
        )
        return [row]


def _check(purpose: str, target: str, dedupe_key: str) -> None:
    if purpose not in Notification.Purpose.values:
        raise ValueError(f"unknown purpose {purpose!r}")
    parts = urlsplit(target)
    if not target.startswith("/") or target.startswith("//") or parts.scheme or parts.netloc:
        raise ValueError("target must be a path on this site")
    if not dedupe_key or len(dedupe_key) > Notification._meta.get_field("dedupe_key").max_length:  # type: ignore[operator]
        raise ValueError("dedupe_key must be 1 to 200 characters")


def _channels(recipient: User, prefs: NotificationPreference) -> list[str]:
    channels: list[str] = []
    if prefs.email and recipient.email:
        channels.append(Channel.EMAIL)
    # One push row per message, whatever the number of devices: delivery sends it to each live one.
    if settings.ATTUNE_PUSH_ENABLED and prefs.push and live_devices(recipient.pk).exists():
        channels.append(Channel.PUSH)
    return channels


def live_devices(user_id: int) -> QuerySet[PushSubscription]:
    return PushSubscription.objects.filter(user_id=user_id, revoked__isnull=True)


def _due(prefs: NotificationPreference, urgent: bool) -> datetime.datetime:
    now = timezone.now()
    if urgent:
        return now
    until = quiet.quiet_until(timezone.localtime(now), prefs.quiet_start, prefs.quiet_end)
    return until if until is not None else now


def _row(
    recipient: User,
    channel: str,
    purpose: str,
    target: str,
    dedupe_key: str,
    due: datetime.datetime,
    urgent: bool,
) -> Notification:
    existing = Notification.objects.filter(dedupe_key=dedupe_key, channel=channel).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            row = Notification.objects.create(
                recipient=recipient,
                channel=channel,
                purpose=purpose,
                target=target,
                dedupe_key=dedupe_key,
                next_attempt_at=due,
                urgent=urgent,
            )
    except IntegrityError:  # the same key enqueued concurrently: theirs stands
        return Notification.objects.get(dedupe_key=dedupe_key, channel=channel)
    transaction.on_commit(lambda: schedule(row.pk, due))
    return row


def schedule(notification_id: uuid.UUID, due: datetime.datetime | None = None) -> None:
    """Queue a delivery job. A failure here loses nothing: the row is committed and the tick recovers it."""
    from attune.notify.tasks import deliver

    try:
        job = deliver.using(run_after=due) if due is not None and due > timezone.now() else deliver
        job.enqueue(str(notification_id))
    except Exception as exc:
        logger.warning("delivery of %s not queued (%s); the tick will recover it", notification_id, type(exc).__name__)


def save_preferences(user: User, data: PreferencesInput) -> NotificationPreference:
    """Save a person's choices; the label is their account's discreet name (written by accounts)."""
    with transaction.atomic():
        prefs = preferences_of(user.pk)
        prefs.email, prefs.push, prefs.paused = data.email, data.push, data.paused
        prefs.quiet_start, prefs.quiet_end = data.quiet_start, data.quiet_end
        prefs.updated = timezone.now()
        prefs.save()
        audit.record(
            audit.Entry(
                action=AuditEvent.Action.UPDATE,
                outcome=AuditEvent.Outcome.SUCCESS,
                agent_id=user.pk,
                agent_role="user",
                entity_type="NotificationPreference",
                entity_id=str(user.pk),
            )
        )
        if data.label is not None and data.label.strip() != user.discreet_name:
            account_services.set_discreet_name(user, data.label)
        if data.paused:
            _cancel_waiting(user.pk)
    return prefs


def _cancel_waiting(user_id: int) -> None:
    """Everything off means nothing more goes out, including what was waiting for quiet hours to end."""
    Notification.objects.filter(recipient_id=user_id, status=Notification.Status.QUEUED).update(
        status=Notification.Status.CANCELLED, lease_until=None
    )


def add_device(user: User, data: PushSubscriptionInput) -> PushSubscription:
    """Turn on notifications on one device (a browser's push subscription) and push for the person.

    An endpoint belongs to one browser profile, not to a person: if someone else had it (a shared computer where
    another person signed in and turned it on), it moves to whoever turned it on last, so that only one person's
    messages reach that screen.
    """
    with transaction.atomic():
        device, created = PushSubscription.objects.update_or_create(
            endpoint=data.endpoint,
            defaults={
                "user": user,
                "p256dh": data.keys.p256dh,
                "auth": data.keys.auth,
                "revoked": None,
                "created": timezone.now(),
            },
        )
        stale = list(live_devices(user.pk).order_by("-created", "-pk").values_list("pk", flat=True)[DEVICES_MAX:])
        PushSubscription.objects.filter(pk__in=stale).delete()
        prefs = preferences_of(user.pk)
        if not prefs.push:  # turning a device on is asking for push
            prefs.push, prefs.updated = True, timezone.now()
            prefs.save()
        _audit(user, AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE, device.pk)
    return device


def remove_device(user: User, endpoint: str) -> bool:
    """Turn off notifications on one device of this person; False if they had no such device."""
    with transaction.atomic():
        device = PushSubscription.objects.filter(user=user, endpoint=endpoint).first()
        if device is None:
            return False
        device_id = device.pk
        device.delete()
        _audit(user, AuditEvent.Action.DELETE, device_id)
    return True


def _audit(user: User, action: str, device_id: int) -> None:
    audit.record(
        audit.Entry(
            action=action,
            outcome=AuditEvent.Outcome.SUCCESS,
            agent_id=user.pk,
            agent_role="user",
            entity_type="PushSubscription",
            entity_id=str(device_id),
        )
    )
