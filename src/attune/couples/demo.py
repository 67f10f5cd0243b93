"""Demo couples work for Dana and Frank, with Alice, seeded idempotently (rows have fixed ids).

Two agreements in force, drafted with Alice in session two weeks ago: a pacing agreement and their pause signal.
A weekly check-in rhythm, a check-in each (Frank showed his to Dana and Alice; Dana kept hers to herself), and one
rehearsal of the consent check-in. Everything is invented and described in general, respectful terms.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.utils import timezone

from attune.care.models import Client, PartnerLink
from attune.couples.models import Agreement, AgreementVersion, CheckInAnswer, Consent, Rehearsal, Rhythm

NAMESPACE = uuid.UUID("0b6f3c55-8f3a-4d59-9d0e-6d2c1b7a9e21")

AGREEMENTS = [
    (
        "pacing",
        "pacing",
        "Going slowly",
        "We go at the pace of whoever wants to go slower. Closeness first: holding hands, lying together, talking. "
        "Anything new we talk about first, outside the bedroom, and not on the same day. Nothing is expected.",
    ),
    (
        "pause",
        "check_in",
        "Our pause signal",
        "Either of us can say \u201cyellow\u201d or tap the other's arm twice. Then we stop, check in, and only "
        "carry on if we both want to. Stopping is always fine and nobody has to explain.",
    ),
]


def demo_id(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, name)


def seed(clients: dict[str, Client], users: dict[str, Any]) -> None:
    dana, frank, alice = clients.get("dana"), users.get("frank"), users.get("alice")
    if dana is None or frank is None or alice is None or dana.user_id is None:
        return
    link = PartnerLink.objects.filter(client=dana, partner=frank, ended__isnull=True).first()
    if link is None or Agreement.objects.filter(pk=demo_id("pacing")).exists():
        return
    now = timezone.now()
    session = now - datetime.timedelta(days=14)
    for name, kind, title, text in AGREEMENTS:
        agreement = Agreement.objects.create(
            id=demo_id(name), client=dana, link=link, kind=kind, created=session, created_by=alice
        )
        version = AgreementVersion(
            id=demo_id(f"{name}:v1"),
            client=dana,
            link=link,
            agreement=agreement,
            number=1,
            title=title,
            text=text,
            drafted_by=alice,
            drafted_as="clinician",
            created=session,
        )
        version.save()
        for offset, person in ((5, dana.user_id), (7, frank.pk)):
            Consent.objects.create(
                id=demo_id(f"{name}:v1:{person}"),
                client=dana,
                link=link,
                version=version,
                person_id=person,
                given=session + datetime.timedelta(minutes=offset),
            )
    Rhythm.objects.create(client=dana, link=link, every_days=7, set_by=frank, updated=session)
    week = now - datetime.timedelta(days=6)
    answers = [
        (frank.pk, "safe", 3, "", True),
        (frank.pk, "pauses", 4, "", True),
        (frank.pk, "helped", None, "Saying yellow out loud felt less awkward the second time.", True),
        (dana.user_id, "safe", 2, "", False),
        (dana.user_id, "pauses", 3, "", False),
    ]
    for i, (author, question, value, words, shown) in enumerate(answers):
        answer = CheckInAnswer(
            id=demo_id(f"answer:{i}"),
            client=dana,
            link=link,
            author_id=author,
            round=demo_id(f"round:{author}"),
            question=question,
            value=value,
            text=words,
            answered=week,
            shown_to_partner=week if shown else None,
            shown_to_clinician=week if shown else None,
        )
        answer.save()
    rehearsal = Rehearsal(
        id=demo_id("rehearsal:1"),
        client=dana,
        link=link,
        logged_by=frank,
        went="not_now",
        note="We practised on the sofa. It was easier than we expected.",
        created=now - datetime.timedelta(days=4),
    )
    rehearsal.save()
