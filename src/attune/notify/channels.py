"""How a message leaves: the one neutral message, and its two channels, email and Web Push.

Every notification reads the same: one neutral sentence and a link that needs sign-in. The link names the
notification, not its target, so no path ("/alerts/...") reaches an inbox; nothing else is ever said.

Web Push carries even less: the label the person chose and the /n/<id>/ path, encrypted for the device
(RFC 8291); the service worker (static/attune/sw.js) words the one sentence. Each request is signed with the
VAPID key (RFC 8292) and names the notification as its Topic, so a delivery repeated after a crash or a retry
replaces the message still waiting at the push service instead of adding a second; the service worker tags the
shown notification with the same link, so a device that already showed it replaces it too. A push service that
says a device is gone (404, 410) has its subscription deleted; any other failure is retried by the outbox.

Email in development is a file per notification under ATTUNE_MAIL_DIR, written atomically (a temporary file
renamed over `<id>.eml`): a delivery repeated after a crash replaces the file, so the recipient has one message.
In production it goes by SMTP (Django's email backend). SMTP is at-least-once across a crash between the
server accepting the message and the row being marked sent; the Message-ID is the notification's, so mail
systems that drop repeated Message-IDs show it once.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from attune.accounts import services as account_services
from attune.notify import services
from attune.notify.inputs import check_endpoint
from attune.notify.models import Notification, PushSubscription

logger = logging.getLogger("attune.notify")


class Undeliverable(Exception):
    """Nowhere to send it on this channel any more (push turned off, or no device left): nothing to retry."""


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def label_of(notification: Notification) -> str:
    return notification.recipient.discreet_name or "Attune"


def link_of(notification: Notification) -> str:
    if notification.purpose == Notification.Purpose.SIGN_IN:
        # The one link that cannot need sign-in: it is the way in. Its path says nothing about anyone.
        return settings.ATTUNE_SITE_URL + notification.target
    return settings.ATTUNE_SITE_URL + reverse("notify:open", args=[notification.pk])


def render(notification: Notification) -> Message:
    context = {"label": label_of(notification), "link": link_of(notification)}
    name = "sign_in" if notification.purpose == Notification.Purpose.SIGN_IN else "message"
    return Message(
        subject=render_to_string(f"notify/{name}_subject.txt", context).strip(),
        body=render_to_string(f"notify/{name}.txt", context),
    )


def email(notification: Notification) -> EmailMessage:
    message = render(notification)
    domain = settings.ATTUNE_SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "attune.invalid"
    return EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=account_services.sender_for(notification.recipient),
        to=[notification.recipient.email],
        headers={"Message-ID": f"<{notification.pk}@{domain}>"},
    )


def send_email(notification: Notification) -> None:
    mail = email(notification)
    if settings.ATTUNE_MAIL_DIR is None:
        mail.send(fail_silently=False)
    else:
        write_file(Path(settings.ATTUNE_MAIL_DIR), f"{notification.pk}.eml", mail.message().as_bytes())


def write_file(folder: Path, name: str, content: bytes) -> None:
    """Write `folder/name` all at once: readers see the old file or the new one, never half of one."""
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, folder / name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --- Web Push ---------------------------------------------------------------------------------------------------

# What a push service answers for a subscription that no longer exists (RFC 8030 section 7.3).
GONE = {404, 410}


def push_payload(notification: Notification) -> bytes:
    """All a device is told: the label to show and where the message is. The path needs sign-in."""
    link = reverse("notify:open", args=[notification.pk])
    return json.dumps({"label": label_of(notification), "link": link}, separators=(",", ":")).encode()


def push_headers(notification: Notification) -> dict[str, str]:
    # Topic: at most 32 characters of the base64url alphabet; a UUID's hex is exactly that.
    return {"Topic": notification.pk.hex, "Urgency": "high" if notification.urgent else "normal"}


def send_push(notification: Notification) -> None:
    if notification.purpose == Notification.Purpose.SIGN_IN:
        raise Undeliverable  # a sign-in link goes to the account's email only
    if not settings.ATTUNE_PUSH_ENABLED or not services.preferences_of(notification.recipient_id).push:
        raise Undeliverable
    devices = list(services.live_devices(notification.recipient_id).order_by("pk"))
    delivered, failure = 0, None
    for device in devices:
        try:
            check_endpoint(device.endpoint, settings.ATTUNE_PUSH_SERVICES, allow_http=not settings.PRODUCTION)
        except ValueError:
            logger.warning("push subscription %s points at a push service no longer allowed; skipped", device.pk)
            continue
        try:
            _post(device, notification)
            delivered += 1
        except Exception as exc:
            if _status_of(exc) in GONE:
                logger.info("push subscription %s is gone (the push service said so); deleted", device.pk)
                device.delete()
            elif failure is None:
                failure = exc
    if failure is not None:
        raise failure  # retried with backoff; devices that had it see it replaced, not repeated
    if not delivered:
        raise Undeliverable


def _post(device: PushSubscription, notification: Notification) -> None:
    import requests
    from py_vapid import Vapid
    from pywebpush import webpush

    session = requests.Session()
    session.max_redirects = 0  # a push service answers; it does not send the worker elsewhere
    try:
        webpush(
            {"endpoint": device.endpoint, "keys": {"p256dh": device.p256dh, "auth": device.auth}},
            data=push_payload(notification).decode(),
            vapid_private_key=Vapid.from_file(str(settings.ATTUNE_VAPID_PRIVATE_KEY_FILE)),
            vapid_claims={"sub": settings.ATTUNE_VAPID_SUBJECT},
            ttl=settings.ATTUNE_PUSH_TTL_SECONDS,
            headers=dict(push_headers(notification)),
            timeout=settings.ATTUNE_PUSH_TIMEOUT,
            requests_session=session,
        )
    finally:
        session.close()


def _status_of(exc: Exception) -> int | None:
    status = getattr(exc, "status_code", None)
    return status if isinstance(status, int) else None


SENDERS = {Notification.Channel.EMAIL: send_email, Notification.Channel.PUSH: send_push}
