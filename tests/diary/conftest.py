"""Diary data for the standing cast, with a canary in every encrypted field.

dana: "the Shield" on her map (drafted with alice) with a new response; a draft of her own that only she can see;
a draft alice suggested; one private and one shared entry, one private and one shared practice of the new
response, one private and one shared skill practice, a recommendation and a grounding phrase.
eli: a script on his map with a new response, one shared entry, a shared skill practice and a phrase (bob is his
clinician).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest

from attune.diary.models import DiaryEntry, NewResponse, RelationshipScript, ResponsePractice
from attune.skills.models import GroundingPhrase, SkillPractice
from tests.cast import Cast, canary
from tests.diary import through_policy as services
from tests.skills import through_policy as skill_services


@dataclass
class World:
    cast: Cast
    shield: RelationshipScript
    response: NewResponse
    own_draft: RelationshipScript
    suggested: RelationshipScript
    private_entry: DiaryEntry
    shared_entry: DiaryEntry
    private_practice: ResponsePractice
    shared_practice: ResponsePractice
    private_skill: SkillPractice
    shared_skill: SkillPractice
    phrase: GroundingPhrase
    eli_script: RelationshipScript
    eli_entry: DiaryEntry
    eli_response: NewResponse
    eli_skill: SkillPractice
    eli_phrase: GroundingPhrase
    canaries: dict[str, str] = field(default_factory=dict)

    @property
    def dana(self) -> Any:
        return self.cast.client("dana")

    @property
    def eli(self) -> Any:
        return self.cast.client("eli")


def script_values(prefix: str) -> dict[str, Any]:
    return {
        "name": canary("relationshipscript", f"{prefix}name"),
        "trigger_kinds": ["tone", "situation"],
        "triggers": canary("relationshipscript", "triggers"),
        "body_cues": ["tension", "freezing"],
        "automatic_responses": ["silent"],
        "automatic_words": canary("relationshipscript", "automatic_words"),
        "protects": canary("relationshipscript", "protects"),
        "costs": canary("relationshipscript", "costs"),
    }


def entry_input(*, shared: bool, **extra: Any) -> services.EntryInput:
    values: dict[str, Any] = {
        "trigger_kind": "tone",
        "distress_before": 60,
        "trigger_words": canary("diaryentry", "trigger_words"),
        "what_i_did": canary("diaryentry", "what_i_did"),
        "note": canary("diaryentry", "note"),
        "body_cues": ["tension"],
        "skill": "paced-breathing",
        "distress_after": 30,
        "shared": shared,
    }
    values.update(extra)
    return services.EntryInput(**values)


def build_world(cast: Cast) -> World:
    dana, eli = cast.client("dana"), cast.client("eli")
    shield = services.draft_script(cast.alice, dana.pk, script_values("shield-"))
    shield = services.set_script_status(cast.dana, dana.pk, shield.pk, "on_map")
    response = services.draft_new_response(
        cast.dana, dana.pk, shield.pk, canary("newresponse", "description"), on_map=True
    )
    own_draft = services.draft_script(cast.dana, dana.pk, script_values("own-draft-"))
    suggested = services.draft_script(cast.alice, dana.pk, script_values("suggested-"))
    private_entry, _ = services.log_entry(
        cast.dana, dana.pk, uuid.uuid4(), entry_input(shared=False, script_id=shield.pk, new_response_id=response.pk)
    )
    shared_entry, _ = services.log_entry(
        cast.dana, dana.pk, uuid.uuid4(), entry_input(shared=True, script_id=shield.pk, skill="grounding-54321")
    )
    practices = [
        services.log_response_practice(
            cast.dana,
            dana.pk,
            response.pk,
            uuid.uuid4(),
            services.PracticeInput(outcome="helped", note=canary("responsepractice", "note"), shared=shared),
        )[0]
        for shared in (False, True)
    ]
    skills = [
        skill_services.record_practice(
            cast.dana,
            dana.pk,
            "body-scan",
            uuid.uuid4(),
            skill_services.PracticeInput(
                distress_before=50, distress_after=40, note=canary("skillpractice", "note"), shared=shared
            ),
        )[0]
        for shared in (False, True)
    ]
    skill_services.recommend(cast.alice, dana.pk, "paced-breathing")
    phrase = skill_services.add_phrase(cast.dana, dana.pk, canary("groundingphrase", "text"))
    eli_script = services.draft_script(cast.eli, eli.pk, script_values("eli-"), on_map=True)
    eli_entry, _ = services.log_entry(cast.eli, eli.pk, uuid.uuid4(), entry_input(shared=True))
    eli_response = services.draft_new_response(cast.eli, eli.pk, eli_script.pk, "Take a walk first", on_map=True)
    eli_skill, _ = skill_services.record_practice(
        cast.eli, eli.pk, "body-scan", uuid.uuid4(), skill_services.PracticeInput(distress_before=40, shared=True)
    )
    eli_phrase = skill_services.add_phrase(cast.eli, eli.pk, canary("groundingphrase", "text"))
    return World(
        cast=cast,
        shield=shield,
        response=response,
        own_draft=own_draft,
        suggested=suggested,
        private_entry=private_entry,
        shared_entry=shared_entry,
        private_practice=practices[0],
        shared_practice=practices[1],
        private_skill=skills[0],
        shared_skill=skills[1],
        phrase=phrase,
        eli_script=eli_script,
        eli_entry=eli_entry,
        eli_response=eli_response,
        eli_skill=eli_skill,
        eli_phrase=eli_phrase,
    )


@pytest.fixture
def world(cast: Cast) -> World:
    return build_world(cast)


def private_texts(world: World) -> list[str]:
    """Every encrypted value of dana's that her care team must never see."""
    rows: list[Any] = [world.private_entry, world.private_practice, world.private_skill, world.phrase, world.own_draft]
    values = []
    for row in rows:
        for f in type(row)._meta.fields:
            if f.get_internal_type() == "TextField":
                value = getattr(row, f.name)
                if isinstance(value, str) and value.startswith("CANARY-"):
                    values.append(value)
    return values
