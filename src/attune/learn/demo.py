"""Demo learning work for Dana, seeded idempotently (rows have fixed ids), after the diary's demo.

After a session on pacing, alice suggested rehearsing "saying not now and staying close" and the read on threat
responses. Dana practised the rehearsal three ways, kept the phrase she liked with her own phrases, read the module
on freeze and fawn responses, and wrote a thought record linked to "the Shield", which she shares with alice; a letter
she wrote stays private. Everything is invented and described in general, respectful terms.
"""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

from django.utils import timezone

from attune.core import policy
from attune.learn import perms
from attune.learn.models import ModuleRead, NarrativePiece, Rehearsal, Suggestion, ThoughtRecord, Window
from attune.skills import journal
from attune.skills.models import GroundingPhrase

NAMESPACE = uuid.UUID("0c6f7a1e-5b52-4a55-9d1e-7c2f4b9d8e31")
PHRASE = "I'm not ready for that, and I'd like to stay close."


def demo_id(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, name)


def _suggest(client: Any, alice: Any, kind: str, target: str, when: datetime.datetime) -> None:
    if not Suggestion.objects.filter(client=client, kind=kind, target=target, withdrawn__isnull=True).exists():
        Suggestion(
            id=demo_id(f"suggest-{kind}-{target}"),
            client=client,
            kind=kind,
            target=target,
            suggested_by=alice,
            created=when,
        ).save()


def seed(clients: dict[str, Any], users: dict[str, Any], now: datetime.datetime | None = None) -> None:
    dana, alice, dana_user = clients.get("dana"), users.get("alice"), users.get("dana")
    if dana is None or alice is None or dana_user is None:
        return
    now = now or timezone.now()
    _suggest(dana, alice, "rehearsal", "saying-not-now", now - datetime.timedelta(days=3))
    _suggest(dana, alice, "module", "threat-responses", now - datetime.timedelta(days=3))

    if not Rehearsal.objects.filter(pk=demo_id("dana-not-now")).exists():
        Rehearsal(
            id=demo_id("dana-not-now"),
            client=dana,
            rehearsal="saying-not-now",
            at="end",
            # Three ways of saying it at the first line, then on with the one she liked.
            steps=[
                {"node": "offer", "choice": 0},
                {"node": "offer", "choice": 2},
                {"node": "offer", "choice": 3},
                {"node": "response", "choice": 1},
            ],
            own_words="[]",
            distress_before=45,
            distress_after=25,
            note="The third one felt most like me.",
            shared=True,
            started=now - datetime.timedelta(days=2, hours=3),
            finished=now - datetime.timedelta(days=2, hours=2, minutes=50),
        ).save()
    if not GroundingPhrase.objects.filter(pk=demo_id("dana-phrase-not-now")).exists():
        GroundingPhrase(id=demo_id("dana-phrase-not-now"), client=dana, text=PHRASE).save()
    ModuleRead.objects.get_or_create(
        client=dana, module="threat-responses", defaults={"read_at": now - datetime.timedelta(days=1, hours=9)}
    )

    # The Shield is on Dana's map in the diary, which this app reaches only through the skills engine's journal hook.
    access = policy.client(dana_user, dana.pk, perms.WRITE_LEARN)
    shield = next((r.id for r in journal.scripts(access) if r.label == "the Shield"), None)
    entry = next((r.id for r in journal.entries(access, 30) if "A situation" in r.label), None)
    if not ThoughtRecord.objects.filter(pk=demo_id("dana-thought-record")).exists():
        ThoughtRecord(
            id=demo_id("dana-thought-record"),
            client=dana,
            window=Window.INSIDE,
            situation="Plans changed at the last minute and I went quiet for most of the evening.",
            feelings=json.dumps(["Anxious", "Ashamed"]),
            before=[70, 55],
            after=[40, 30],
            thought="I always spoil things by shutting down.",
            supports="I did go quiet, and Frank looked hurt.",
            against=(
                "The Shield showed up because I felt rushed, not because I wanted to hurt anyone. Two days ago I said "
                "I needed ten minutes, and it helped."
            ),
            balanced=(
                "The Shield is an old way of keeping me safe. I'm learning to ask for time instead, and I'm doing it "
                "more often."
            ),
            diary_entry_id=entry,
            script_id=shield,
            shared=True,
            created=now - datetime.timedelta(days=1, hours=2),
            updated=now - datetime.timedelta(days=1, hours=2),
        ).save()
    if not NarrativePiece.objects.filter(pk=demo_id("dana-letter")).exists():
        NarrativePiece(
            id=demo_id("dana-letter"),
            client=dana,
            kind="letter",
            window=Window.INSIDE,
            title="To the Shield",
            body=(
                "You have been with me a long time. You stepped in when I had no other way to stay safe, and I am "
                "grateful for that.\n\nThings are different now. I would like to try speaking for myself first. You "
                "can rest a little."
            ),
            script_id=shield,
            distress_before=50,
            distress_after=35,
            shared=False,
            created=now - datetime.timedelta(hours=20),
            updated=now - datetime.timedelta(hours=20),
        ).save()
