"""Demo clinical record for Dana, seeded idempotently (rows have fixed ids).

alice's DAP note of a session a week ago, signed that day, with an addendum she signed a day later; and a draft
note of today's session. Everything is invented and described in general, respectful terms.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.utils import timezone

from attune.clinical.models import NoteAddendum, NoteStatus, NoteTemplate, SessionNote

NAMESPACE = uuid.UUID("0b7a39e6-5a55-4d36-a2b4-8d3c7f2f1e42")


def demo_id(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, name)


def seed(clients: dict[str, Any], users: dict[str, Any], now: datetime.datetime | None = None) -> None:
    dana, alice = clients.get("dana"), users.get("alice")
    if dana is None or alice is None:
        return
    now = now or timezone.now()
    _notes(dana, alice, now)


def _notes(dana: Any, alice: Any, now: datetime.datetime) -> None:
    signed_at = now - datetime.timedelta(days=7)
    signed_id = demo_id("note-signed")
    if not SessionNote.objects.filter(pk=signed_id).exists():
        SessionNote(
            id=signed_id,
            client=dana,
            author=alice,
            template=NoteTemplate.DAP,
            session_date=timezone.localtime(signed_at).date(),
            data=(
                "Dana described a week with four moments where she went quiet when plans changed at short notice. "
                "Twice she tried asking for ten minutes before answering, and said it helped. We practised paced "
                "breathing together and looked at her diary entries she had chosen to share."
            ),
            assessment=(
                "Dana is noticing the pattern she calls the Shield earlier, often at the first body cue. The new "
                "response is taking hold in lower-stakes moments; higher-stakes ones still feel out of reach."
            ),
            plan=(
                "Keep logging Shield moments. Try asking for time once in a conversation with a friend. Next "
                "session: agree goals for the coming months together."
            ),
            status=NoteStatus.SIGNED,
            signed_at=signed_at,
            signed_by=alice,
            version=3,
            created=signed_at - datetime.timedelta(hours=1),
            updated=signed_at,
        ).save()
    addendum_id = demo_id("note-signed-addendum")
    if not NoteAddendum.objects.filter(pk=addendum_id).exists():
        NoteAddendum(
            id=addendum_id,
            client=dana,
            note_id=signed_id,
            author=alice,
            text=(
                "Correction: the breathing practice in session was the longer out-breath pattern, not box "
                "breathing. Dana asked that we begin next time with a few minutes of grounding."
            ),
            signed_at=signed_at + datetime.timedelta(days=1),
        ).save()
    draft_id = demo_id("note-draft")
    if not SessionNote.objects.filter(pk=draft_id).exists():
        SessionNote(
            id=draft_id,
            client=dana,
            author=alice,
            template=NoteTemplate.DAP,
            session_date=timezone.localtime(now).date(),
            data="Began with grounding, as Dana asked.",
        ).save()
