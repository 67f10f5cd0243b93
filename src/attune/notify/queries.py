"""Reads of the notify app: the development mail folder."""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from pathlib import Path

# The page shows the newest messages only; the folder itself keeps everything until `make clean`.
SHOWN = 50


@dataclass(frozen=True)
class MailFile:
    name: str
    sender: str
    to: str
    subject: str
    date: str
    body: str


def demo_mail(folder: Path) -> list[MailFile]:
    files = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True) if folder.is_dir() else []
    return [_read(path) for path in files[:SHOWN]]


def _read(path: Path) -> MailFile:
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    body = parsed.get_body(preferencelist=("plain",))
    return MailFile(
        name=path.name,
        sender=str(parsed.get("From", "")),
        to=str(parsed.get("To", "")),
        subject=str(parsed.get("Subject", "")),
        date=str(parsed.get("Date", "")),
        body=body.get_content() if body is not None else "",
    )
