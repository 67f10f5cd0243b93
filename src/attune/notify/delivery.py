"""Delivering the outbox: claim a row with a lease, send it, mark it sent; retry with backoff; recover rows
whose worker died.

A row is claimed by one conditional UPDATE (due, not sent, no live lease -> sending, attempts + 1, a lease), so
two workers never hold it at once. A worker that dies mid-send leaves a lease that expires; the tick then queues
the row again and the next claim sends it. Email files are named after the row, so the repeat replaces the first
copy instead of adding one. Errors are recorded as the exception class and a fixed reason, never its message.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
import uuid

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from attune.notify import channels, services
from attune.notify.models import Notification

logger = logging.getLogger("attune.notify")

Status = Notification.Status

# At most this many rows are re-queued per tick; the rest wait for the next minute.
RECOVER_BATCH = 500


def lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.ATTUNE_NOTIFY_LEASE_SECONDS)


def backoff(attempts: int) -> datetime.timedelta:
    """Wait before the next attempt after `attempts` failed ones: doubling from the base, up to the cap."""
    seconds = settings.ATTUNE_NOTIFY_BACKOFF_SECONDS * 2 ** max(0, attempts - 1)
    return datetime.timedelta(seconds=min(seconds, settings.ATTUNE_NOTIFY_BACKOFF_CAP_SECONDS))


def _claimable(now: datetime.datetime) -> Q:
    free = Q(lease_until__isnull=True) | Q(lease_until__lte=now)
    return Q(status__in=[Status.QUEUED, Status.SENDING], next_attempt_at__lte=now) & free


def claim(notification_id: uuid.UUID, now: datetime.datetime) -> Notification | None:
    """Take the row for one attempt, or None if it is not due, already done, or held by a live lease."""
    until = now + lease()
    taken = Notification.objects.filter(
        _claimable(now), pk=notification_id, attempts__lt=settings.ATTUNE_NOTIFY_MAX_ATTEMPTS
    ).update(status=Status.SENDING, attempts=F("attempts") + 1, lease_until=until)
    if not taken:
        return None
    return Notification.objects.select_related("recipient").get(pk=notification_id)


def deliver(notification_id: uuid.UUID) -> str:
    now = timezone.now()
    row = claim(notification_id, now)
    if row is None:
        return "skipped"
    held = Notification.objects.filter(pk=row.pk, status=Status.SENDING, lease_until=row.lease_until)
    paused = services.preferences_of(row.recipient_id).paused and row.purpose != Notification.Purpose.SIGN_IN
    if paused or not row.recipient.is_active:
        held.update(status=Status.CANCELLED, lease_until=None)
        return Status.CANCELLED
    try:
        channels.SENDERS[Notification.Channel(row.channel)](row)
    except channels.Undeliverable:
        held.update(status=Status.CANCELLED, lease_until=None)
        return Status.CANCELLED
    except Exception as exc:
        return _failed(row, exc)
    # Only the holder of this lease marks it; if the lease ran out and another worker took over, theirs stands.
    held.update(status=Status.SENT, sent_at=timezone.now(), lease_until=None, last_error="")
    return Status.SENT


def _reason(row: Notification, exc: Exception) -> str:
    if row.channel == Notification.Channel.PUSH:
        return "the push service refused the message or could not be reached"
    if isinstance(exc, smtplib.SMTPException):
        return "the mail server refused or dropped the message"
    if isinstance(exc, OSError):
        return "could not reach the mail server or write the message"
    return "delivery failed"


def _failed(row: Notification, exc: Exception) -> str:
    error = f"{type(exc).__name__}: {_reason(row, exc)}"[:120]
    logger.warning("delivery of %s failed (attempt %s): %s", row.pk, row.attempts, type(exc).__name__)
    held = Notification.objects.filter(pk=row.pk, status=Status.SENDING, lease_until=row.lease_until)
    if row.attempts >= settings.ATTUNE_NOTIFY_MAX_ATTEMPTS:
        held.update(status=Status.FAILED, lease_until=None, last_error=error)
        return Status.FAILED
    retry_at = timezone.now() + backoff(row.attempts)
    if held.update(status=Status.QUEUED, lease_until=None, last_error=error, next_attempt_at=retry_at):
        services.schedule(row.pk, retry_at)
    return Status.QUEUED


def recover(now: datetime.datetime) -> int:
    """The tick's part: queue again the rows whose delivery never started or whose worker died.

    A queued row due for longer than a lease has lost its job (the process died before queueing it, or its worker
    died holding the job); a sending row whose lease expired has lost its worker. Rows that used every attempt
    this way are given up as failed. Each row re-queued moves its due time to now, so the next tick leaves it
    alone for one lease while the new job runs.
    """
    _give_up_on_exhausted(now)
    stale = Notification.objects.filter(
        _claimable(now), next_attempt_at__lte=now - lease(), attempts__lt=settings.ATTUNE_NOTIFY_MAX_ATTEMPTS
    ) | Notification.objects.filter(_claimable(now), status=Status.SENDING)
    ids = list(stale.values_list("pk", flat=True)[:RECOVER_BATCH])
    Notification.objects.filter(pk__in=ids).update(next_attempt_at=now)
    for pk in ids:
        services.schedule(pk)
    if ids:
        logger.info("re-queued %s notifications", len(ids))
    return len(ids)


def _give_up_on_exhausted(now: datetime.datetime) -> None:
    Notification.objects.filter(
        _claimable(now), status=Status.SENDING, attempts__gte=settings.ATTUNE_NOTIFY_MAX_ATTEMPTS
    ).update(status=Status.FAILED, lease_until=None, last_error="WorkerLost: the worker stopped during delivery")
