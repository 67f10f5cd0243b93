"""Demo couples work for Dana and Frank, with Alice, seeded idempotently (rows have fixed ids).

Two agreements in force, drafted with Alice in session two weeks ago: a pacing agreement and their pause signal.
A weekly check-in rhythm, a check-in each (Frank showed his to Dana and Alice; Dana kept hers to herself), and one
rehearsal of the consent check-in. Each answered the relationship questions twice (six and two weeks ago);
Frank showed Dana his latest total. Everything is invented and described in general, respectful terms.

The relationship questionnaire's licensed wording is not shipped: the demo loads a stand-in copy the way a practice
loads its own (`attune instruments import`), with wording that says it is a stand-in.
"""

from __future__ import annotations

import datetime
import io
import json
import tempfile
import uuid
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from attune.care.models import Client, PartnerLink
from attune.couples.models import (
    RELATIONSHIP_INSTRUMENT,
    Agreement,
    AgreementVersion,
    CheckInAnswer,
    Consent,
    Rehearsal,
    RelationshipQuestions,
    Rhythm,
)
from attune.measures import library, scoring
from attune.questionnaires import engine
from attune.questionnaires import services as questionnaires
from attune.questionnaires.models import Answer, Response

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
    if link is not None:
        load_stand_in_wording()
        seed_relationship_questions(dana, frank, link)
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


def load_stand_in_wording() -> None:
    """The relationship questionnaire with stand-in wording, imported like a practice's own copy, unless the
    practice's real copy (or this one) is already loaded."""
    if engine.administrable(library.load(RELATIONSHIP_INSTRUMENT)):
        return
    questionnaire = json.loads((library.INSTRUMENTS_DIR / f"{RELATIONSHIP_INSTRUMENT}.json").read_text())
    for group in questionnaire["item"]:
        for number, item in enumerate(group["item"], start=1):
            item["text"] = f"Question {number} (demo stand-in: your practice's licensed wording appears here)"
    with tempfile.TemporaryDirectory() as folder:
        q, s = Path(folder) / "questionnaire.json", Path(folder) / "scoring.json"
        q.write_text(json.dumps(questionnaire))
        s.write_text((library.INSTRUMENTS_DIR / f"{RELATIONSHIP_INSTRUMENT}.scoring.json").read_text())
        call_command("instruments", "import", str(q), "--scoring", str(s), stdout=io.StringIO())


# (person, weeks ago, answer to question 1, answer to the others, shown to the other partner)
TURNS = [("dana", 6, 3, 3, False), ("frank", 6, 2, 3, False), ("dana", 2, 4, 3, False), ("frank", 2, 3, 4, True)]


def seed_relationship_questions(dana: Client, frank: Any, link: PartnerLink) -> None:
    if dana.user_id is None or RelationshipQuestions.objects.filter(pk=demo_id("turn:0")).exists():
        return
    instrument = library.load(RELATIONSHIP_INSTRUMENT)
    for i, (who, weeks, first, rest, shown) in enumerate(TURNS):
        person: int = dana.user_id if who == "dana" else frank.pk
        when = timezone.now() - datetime.timedelta(weeks=weeks)
        values = {link_id: float(first if link_id == "csi16-1" else rest) for link_id in instrument.item_ids}
        response = Response(
            id=demo_id(f"turn-response:{i}"),
            client=dana,
            instrument=RELATIONSHIP_INSTRUMENT,
            status=Response.Status.COMPLETED,
            respondent_id=None if who == "dana" else person,
            created=when,
            started=when,
            updated=when,
            submitted=when,
        )
        questionnaires.score_into(response, scoring.score(instrument, values))
        response.save()
        Answer.by_anyone.bulk_create(
            Answer(response=response, client=dana, link_id=k, value=v, respondent_id=response.respondent_id)
            for k, v in values.items()
        )
        RelationshipQuestions.objects.create(
            id=demo_id(f"turn:{i}"),
            client=dana,
            link=link,
            person_id=person,
            response=response,
            sent_as="clinician",
            sent_by_id=None,
            created=when,
            shown_to_partner=when if shown else None,
        )
