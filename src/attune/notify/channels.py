"""How a message leaves: the one neutral message, and the email channel.

Every notification reads the same: one neutral sentence and a link that needs sign-in. The link names the
notification, not its target, so no path ("/alerts/...") reaches an inbox; nothing else is ever said.

Email in development is a file per notification under ATTUNE_MAIL_DIR, written atomically (a temporary file
renamed over `<id>.eml`): a delivery repeated after a crash replaces the file, so the recipient has one message.
In production it goes by SMTP (Django's email backend). SMTP is at-least-once across a crash between the
server accepting the message and the row being marked sent; the Message-ID is the notification's, so mail
systems that drop repeated Message-IDs show it once.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from attune.accounts import services as account_services
from attune.notify.models import Notification


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def label_of(notification: Notification) -> str:
    return notification.recipient.discreet_name or "Attune"


def link_of(notification: Notification) -> str:
    return settings.ATTUNE_SITE_URL + reverse("notify:open", args=[notification.pk])


def render(notification: Notification) -> Message:
    context = {"label": label_of(notification), "link": link_of(notification)}
    return Message(
        subject=render_to_string("notify/message_subject.txt", context).strip(),
        body=render_to_string("notify/message.txt", context),
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


SENDERS = {Notification.Channel.EMAIL: send_email}
