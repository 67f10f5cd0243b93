"""Demo diary, script map and skills data for Dana, seeded idempotently (rows have fixed ids and keys).

Two weeks of entries, some shared with her care team and some kept private; "the Shield" on her map with a new
response; a script her clinician suggested, waiting for her. Everything is invented and described in general,
respectful terms.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from attune.core import idempotency
from attune.diary.models import DiaryEntry, DiaryPreferences, MapStatus, NewResponse, RelationshipScript
from attune.diary.services import EntryInput
from attune.skills.models import GroundingPhrase, SkillPractice, SkillRecommendation

NAMESPACE = uuid.UUID("6f1d6a52-3c1e-4b8e-9a57-2f0b8f4f6d10")


def demo_id(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, name)


@dataclass(frozen=True)
class Moment:
    days_ago: int
    hour: int
    kind: str
    before: int
    after: int | None = None
    shield: bool = False
    tried: bool = False  # used the new response
    skill: str = ""
    shared: bool = True
    words: str = ""
    note: str = ""


MOMENTS = [
    # This week: the Shield four times, the new response twice; one Shield moment kept private.
    Moment(0, 8, "tone", 55, 30, shield=True, tried=True, skill="paced-breathing", words="A clipped voice, on a call"),
    Moment(1, 19, "situation", 70, 45, shield=True, skill="paced-breathing", shared=False,
           words="Plans changed at the last minute", note="Went quiet for most of the evening."),
    Moment(2, 21, "situation", 60, 35, shield=True, tried=True, skill="grounding-54321",
           words="Being hurried out of the door", note="Said I needed ten minutes. It helped to say it."),
    Moment(3, 13, "place", 40, 30, skill="grounding-54321", words="A crowded corridor"),
    Moment(4, 22, "tone", 65, 35, shield=True, skill="paced-breathing", words="A raised voice next door"),
    Moment(5, 10, "memory", 50, 40, skill="body-scan", shared=False, words="An image that came out of nowhere"),
    # The week before (eight days ago or more, so never inside "the past 7 days").
    Moment(8, 20, "situation", 75, 45, shield=True, tried=True, skill="paced-breathing", words="A change of plans"),
    Moment(9, 9, "sense", 45, 35, skill="grounding-54321", words="A smell on the bus"),
    Moment(10, 18, "phrase", 60, None, words="“Come on, it's only a small thing”", shared=False),
    Moment(11, 21, "tone", 70, 40, shield=True, skill="paced-breathing", words="Someone sounding impatient"),
    Moment(12, 15, "place", 35, 25, skill="grounding-54321"),
    Moment(13, 22, "situation", 65, 60, shield=True, skill="body-scan", words="Feeling rushed", shared=False),
    Moment(14, 12, "touch", 50, 40, skill="", words="An unexpected hand on my shoulder"),
]  # fmt: skip

PRACTICES = [
    # days ago, hour, skill, before, after, shared, variant
    (0, 22, "paced-breathing", 40, 15, True, "six"),
    (3, 7, "paced-breathing", 35, 10, True, "six"),
    (6, 21, "grounding-54321", 45, 35, False, ""),
    (10, 8, "paced-breathing", 30, 10, True, "box"),
]


def _when(now: datetime.datetime, days_ago: int, hour: int) -> datetime.datetime:
    local = timezone.localtime(now)
    moment = local.replace(hour=hour, minute=15, second=0, microsecond=0) - datetime.timedelta(days=days_ago)
    return moment if moment < now else now - datetime.timedelta(minutes=30)


def _scripts(client: Any, alice: Any) -> tuple[RelationshipScript, NewResponse]:
    shield_id, response_id = demo_id("dana-shield"), demo_id("dana-shield-response")
    shield = RelationshipScript.objects.filter(pk=shield_id).first()
    if shield is None:
        shield = RelationshipScript(
            id=shield_id,
            client=client,
            status=MapStatus.ON_MAP,
            drafted_by_client=False,
            drafted_by=alice,
            name="the Shield",
            trigger_kinds=["situation", "tone"],
            triggers="Plans changing suddenly, being hurried, a raised or clipped voice.",
            body_cues=["freezing", "racing_heart", "tension"],
            automatic_responses=["silent", "withdrawing"],
            automatic_words="I go quiet and find a reason to be in another room.",
            protects="Feeling cornered, or pressured into something before I am ready.",
            costs="Frank feels shut out, and afterwards I feel far away from him.",
            approved_at=timezone.now(),
        )
        shield.save()
    response = NewResponse.objects.filter(pk=response_id).first()
    if response is None:
        response = NewResponse(
            id=response_id,
            client=client,
            script=shield,
            status=MapStatus.ON_MAP,
            description="Say “I need ten minutes, then I'll come back”, and take three slow breaths.",
            approved_at=timezone.now(),
        )
        response.save()
    if not RelationshipScript.objects.filter(pk=demo_id("dana-peacekeeper")).exists():
        keeper = RelationshipScript(
            id=demo_id("dana-peacekeeper"),
            client=client,
            drafted_by_client=False,
            drafted_by=alice,
            name="the Peacekeeper",
            trigger_kinds=["phrase", "situation"],
            body_cues=["heat", "nausea"],
            automatic_responses=["appeasing"],
            protects="Conflict, and someone being upset with me.",
            costs="Saying yes when I mean not yet.",
        )
        keeper.save()
        NewResponse(
            id=demo_id("dana-peacekeeper-response"),
            client=client,
            script=keeper,
            drafted_by_client=False,
            drafted_by=alice,
            description="Check with myself first: what do I want here?",
        ).save()
    return shield, response


def _entries(client: Any, shield: RelationshipScript, response: NewResponse, now: datetime.datetime) -> None:
    for index, m in enumerate(MOMENTS):
        key = demo_id(f"dana-entry-{index}")
        if DiaryEntry.objects.filter(client=client, key=key).exists():
            continue
        data = EntryInput(
            trigger_kind=m.kind,
            distress_before=m.before,
            occurred_at=_when(now, m.days_ago, m.hour),
            trigger_words=m.words,
            body_cues=["tension", "racing_heart"] if m.shield else ["tension"],
            body_areas=["chest", "shoulders"] if m.shield else [],
            script_id=shield.pk if m.shield else None,
            response=DiaryEntry.Response.NEW if m.tried else (DiaryEntry.Response.USUAL if m.shield else ""),
            new_response_id=response.pk if m.tried else None,
            skill=m.skill,
            distress_after=m.after,
            note=m.note,
            shared=m.shared,
        )
        values = data.normalised()
        digest = idempotency.fingerprint(client.pk, {"key": key, **values})
        DiaryEntry(client=client, key=key, fingerprint=digest, created=values["occurred_at"], **values).save()


def _skills(client: Any, alice: Any, now: datetime.datetime) -> None:
    for index, (days, hour, skill, before, after, shared, variant) in enumerate(PRACTICES):
        key = demo_id(f"dana-practice-{index}")
        if SkillPractice.objects.filter(client=client, key=key).exists():
            continue
        payload = {"distress_before": before, "distress_after": after, "variant": variant, "shared": shared}
        SkillPractice(
            client=client,
            skill=skill,
            key=key,
            fingerprint=idempotency.fingerprint(client.pk, {"key": key, "skill": skill, **payload}),
            occurred_at=_when(now, days, hour),
            **payload,
        ).save()
    for slug in ("paced-breathing", "grounding-54321"):
        if not SkillRecommendation.objects.filter(client=client, skill=slug, withdrawn__isnull=True).exists():
            SkillRecommendation.objects.create(client=client, skill=slug, recommended_by=alice)
    phrases = ["I am in my own home. It is today, not then.", "I can take ten minutes. Nobody is rushing me now."]
    for index, text in enumerate(phrases):
        if not GroundingPhrase.objects.filter(pk=demo_id(f"dana-phrase-{index}")).exists():
            GroundingPhrase(id=demo_id(f"dana-phrase-{index}"), client=client, text=text).save()


def seed(clients: dict[str, Any], users: dict[str, Any], now: datetime.datetime | None = None) -> None:
    dana, alice = clients.get("dana"), users.get("alice")
    if dana is None or alice is None:
        return
    now = now or timezone.now()
    DiaryPreferences.objects.get_or_create(client=dana, defaults={"share_by_default": False})
    shield, response = _scripts(dana, alice)
    _entries(dana, shield, response, now)
    _skills(dana, alice, now)
