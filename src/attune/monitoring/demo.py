"""Demo monitoring data, seeded idempotently: crisis resources for both practices; for Dana a weekly PHQ-9 and a
fortnightly PCL-5, three PCL-5 results over six weeks (one prorated), weekly session dates, and her PCL-5 results
shared with her; a worsening PHQ-9 for Amara and an overdue GAD-7 for Chloe, so the inbox and caseload have
something to show. Everything is invented.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from attune.care.models import Client, CrisisResource
from attune.core import policy
from attune.monitoring.models import Alert, ChangeEvent, MeasureVisibility, Schedule, SessionRecord
from attune.questionnaires import perms as questionnaire_perms
from attune.questionnaires import services as questionnaires
from attune.questionnaires.models import Response

# Real UK services (checked against each service's own site): both demo practices are in Great Britain.
UK_RESOURCES = [
    ("Emergency services", "999", "", "", "24 hours, every day", "UK: if you might act on these thoughts now"),
    ("Samaritans", "116 123", "", "https://www.samaritans.org", "24 hours, every day, free", "UK and Ireland"),
    ("Shout", "", "Text SHOUT to 85258", "https://giveusashout.org", "24 hours, every day, free", "UK"),
    (
        "National Domestic Abuse Helpline",
        "0808 2000 247",
        "",
        "https://www.nationaldahelpline.org.uk",
        "24 hours, every day, free",
        "England",
    ),
    (
        "Rape Crisis 24/7 Support Line",
        "0808 500 2222",
        "",
        "https://247sexualabusesupport.org.uk",
        "24 hours, every day",
        "England and Wales",
    ),
    ("NHS 111, option 2 (mental health)", "111", "", "https://111.nhs.uk", "24 hours, every day", "England"),
]
RESOURCES = {"northside": UK_RESOURCES, "southside": UK_RESOURCES}

# Dana's PCL-5: (days ago, answers to items 1-20; None is "prefer not to answer").
PCL5: list[tuple[int, Sequence[int | None]]] = [
    (42, [3] * 8 + [2] * 12),  # 48
    (28, [3] * 2 + [2] * 10 + [None] + [2] * 7),  # 40 over 19 items, prorated to 42
    (14, [2] * 11 + [1] * 9),  # 31: below the cut-off of 33
]


def seed(clients: dict[str, Client], users: dict[str, Any]) -> None:
    today = timezone.localdate()
    for slug, rows in RESOURCES.items():
        practice = next((c.practice for c in clients.values() if c.practice.slug == slug), None)
        if practice is None:
            continue
        # Idempotent by name: an older demo database gains the services it lacks, and keeps what admins changed.
        have = set(CrisisResource.objects.filter(practice=practice).values_list("name", flat=True))
        for position, (name, phone, text, url, hours, region) in enumerate(rows):
            if name not in have:
                CrisisResource.objects.create(
                    practice=practice,
                    name=name,
                    phone=phone,
                    text_line=text,
                    web_url=url,
                    hours=hours,
                    region=region,
                    position=position,
                )
    dana, alice = clients["dana"], users["alice"]
    if not Schedule.objects.filter(client=dana).exists():
        Schedule.objects.create(client=dana, instrument="phq9", kind="weeks", every=1, starts=today, created_by=alice)
        starts = today - datetime.timedelta(days=42)
        Schedule.objects.create(client=dana, instrument="pcl5", kind="weeks", every=2, starts=starts, created_by=alice)
    if not SessionRecord.objects.filter(client=dana).exists():  # once: the dates move with the day it runs
        for days_ago in (42, 35, 28, 21, 14, 7, -7):
            SessionRecord.objects.create(client=dana, date=today - datetime.timedelta(days=days_ago), clinician=alice)
    MeasureVisibility.objects.get_or_create(
        client=dana, instrument="pcl5", defaults={"visible": True, "changed_by": alice}
    )
    if not Response.objects.filter(client=dana, instrument="pcl5", status=Response.Status.COMPLETED).exists():
        for days_ago, answers in PCL5:
            _administer(users["dana"], dana, "pcl5", answers, days_ago)
    _others(users, today)


def _others(users: dict[str, Any], today: datetime.date) -> None:
    alice = users["alice"]
    amara = Client.objects.filter(preferred_name="Amara", practice__slug="northside").first()
    if amara is not None and not Response.objects.filter(client=amara, instrument="phq9").exists():
        # In session with Alice: 8, then 15 three weeks later (a reliable deterioration of 7 points).
        _administer(alice, amara, "phq9", [1] * 8 + [0], 21)
        _administer(alice, amara, "phq9", [2] * 7 + [1, 0], 3)
    chloe = Client.objects.filter(preferred_name="Chloe", practice__slug="northside").first()
    if chloe is not None and not Schedule.objects.filter(client=chloe).exists():
        starts = today - datetime.timedelta(days=10)
        Schedule.objects.create(client=chloe, instrument="gad7", kind="weeks", every=1, starts=starts, created_by=alice)


def _administer(actor: Any, client: Client, code: str, answers: Sequence[int | None], days_ago: int) -> Response:
    """Answer and send through the engine (so alerts and changes are raised as in real use), then move the
    response and what it raised back to the day it was given."""
    access = policy.client(actor, client.pk, questionnaire_perms.ANSWER)
    response = questionnaires.start(access, code, response_id=uuid.uuid4())
    located = questionnaires.answering(access, response)
    questionnaires.acknowledge_notice(located)
    for number, value in enumerate(answers, start=1):
        link_id = f"{code}-{number}"
        if value is None:
            questionnaires.answer(located, link_id, skipped=True)
        else:
            questionnaires.answer(located, link_id, value=value)
    questionnaires.submit(located, uuid.uuid4())
    when = timezone.now() - datetime.timedelta(days=days_ago, hours=2)
    Response.objects.filter(pk=response.pk).update(created=when, started=when, updated=when, submitted=when)
    Alert.objects.filter(response=response).update(raised=when)
    ChangeEvent.objects.filter(response=response).update(recorded=when)
    response.refresh_from_db()
    return response
