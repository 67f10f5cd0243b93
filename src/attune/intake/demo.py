"""Demo intake, seeded idempotently: Eli has an intake from Bob waiting on their portal home, not started, so that
the whole story (read what will happen, keep a part for the session, pause, come back, send; Bob reads the
summary) can be walked from the demo."""

from __future__ import annotations

from typing import Any

from attune.care.models import Client, Episode
from attune.intake import definition
from attune.intake.models import Intake


def seed(clients: dict[str, Client], users: dict[str, Any]) -> None:
    eli = clients.get("eli")
    if eli is None or Intake.objects.filter(client=eli).exists():
        return
    Intake.objects.create(
        client=eli,
        episode=Episode.objects.filter(client=eli, closed__isnull=True).first(),
        version=definition.load().version,
        sent_by=users["bob"],
    )
