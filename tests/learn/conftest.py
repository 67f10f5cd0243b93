"""Learning data for the standing cast, with a canary in every encrypted field.

dana: "the Shield" on her map (drafted with alice) and a shared diary entry linked to it; a private and a shared
thought record (both linked to the Shield), a private letter and a shared externalising piece about the Shield, a
private and a shared rehearsal (with her own words), a private and a shared reflection, a saved passage, and a
module marked read. alice suggested the module on threat responses. eli: a shared thought record and piece (bob is
his clinician).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from attune.core import policy
from attune.diary import perms as diary_perms
from attune.diary import services as diary_services
from attune.diary.models import DiaryEntry, RelationshipScript
from attune.learn import perms, services
from attune.learn.models import NarrativePiece, Reflection, Rehearsal, SavedPassage, Suggestion, ThoughtRecord
from tests.cast import Cast, canary


@dataclass
class World:
    cast: Cast
    shield: RelationshipScript
    entry: DiaryEntry
    private_record: ThoughtRecord
    shared_record: ThoughtRecord
    letter: NarrativePiece
    shared_piece: NarrativePiece
    private_run: Rehearsal
    shared_run: Rehearsal
    private_reflection: Reflection
    shared_reflection: Reflection
    passage: SavedPassage
    suggestion: Suggestion
    eli_record: ThoughtRecord
    eli_piece: NarrativePiece
    eli_script: RelationshipScript

    @property
    def dana(self) -> Any:
        return self.cast.client("dana")

    @property
    def eli(self) -> Any:
        return self.cast.client("eli")

    def private_rows(self) -> list[Any]:
        return [self.private_record, self.letter, self.private_run, self.private_reflection, self.passage]


def own(cast: Cast, name: str) -> policy.Access:
    return policy.client(cast.users[name], cast.client(name).pk, perms.WRITE_LEARN)


def thought(shared: bool, **links: Any) -> services.ThoughtInput:
    return services.ThoughtInput(
        situation=canary("thoughtrecord", "situation"),
        feelings=[(canary("tr", "feel"), 70, 40), ("tight chest", 60, 35)],
        thought=canary("thoughtrecord", "thought"),
        supports=canary("thoughtrecord", "supports"),
        against=canary("thoughtrecord", "against"),
        balanced=canary("thoughtrecord", "balanced"),
        window="inside",
        shared=shared,
        **links,
    )


def piece(kind: str, shared: bool, **links: Any) -> services.PieceInput:
    return services.PieceInput(
        kind=kind,
        title=canary("narrativepiece", "title"),
        body=canary("narrativepiece", "body"),
        window="inside",
        distress_before=60,
        distress_after=35,
        shared=shared,
        **links,
    )


def run(access: policy.Access, shared: bool) -> Rehearsal:
    data = services.RunInput(
        rehearsal="saying-not-now",
        replies=[("offer", 0, ""), ("offer", None, canary("rehearsal", "own_words")), ("response", 1, "")],
        distress_before=50,
        distress_after=30,
        note=canary("rehearsal", "note"),
        shared=shared,
    )
    return services.record_rehearsal(access, data)


def build_world(cast: Cast) -> World:
    dana, eli = cast.client("dana"), cast.client("eli")
    diary = policy.client(cast.alice, dana.pk, diary_perms.VIEW_DIARY)
    shield = diary_services.draft_script(diary, {"name": canary("relationshipscript", "name")})
    mine = policy.client(cast.dana, dana.pk, diary_perms.WRITE_DIARY)
    shield = diary_services.set_script_status(mine, shield, "on_map")
    entry, _ = diary_services.log_entry(
        mine,
        uuid.uuid4(),
        diary_services.EntryInput(trigger_kind="tone", distress_before=60, script_id=shield.pk, shared=True),
    )
    access = own(cast, "dana")
    links = {"script_id": shield.pk, "diary_entry_id": entry.pk}
    eli_access = own(cast, "eli")
    eli_diary = policy.client(cast.eli, eli.pk, diary_perms.WRITE_DIARY)
    eli_script = diary_services.draft_script(eli_diary, {"name": "the Wall"}, on_map=True)
    suggestion = services.suggest(policy.client(cast.alice, dana.pk, perms.SUGGEST_LEARN), "module", "threat-responses")
    services.mark_read(access, "threat-responses")
    return World(
        cast=cast,
        shield=shield,
        entry=entry,
        private_record=services.create_thought_record(access, thought(False, **links)),
        shared_record=services.create_thought_record(access, thought(True, **links)),
        letter=services.create_piece(access, piece("letter", False)),
        shared_piece=services.create_piece(access, piece("externalising", True, script_id=shield.pk)),
        private_run=run(access, False),
        shared_run=run(access, True),
        private_reflection=services.add_reflection(access, "consent", canary("reflection", "text"), False),
        shared_reflection=services.add_reflection(access, "consent", canary("reflection", "text"), True),
        passage=services.save_passage(access, "threat-responses", 1),
        suggestion=suggestion,
        eli_record=services.create_thought_record(eli_access, thought(True)),
        eli_piece=services.create_piece(eli_access, piece("rewriting", True)),
        eli_script=eli_script,
    )


@pytest.fixture
def world(cast: Cast) -> World:
    return build_world(cast)


def private_texts(world: World) -> list[str]:
    """Every encrypted value of dana's private rows, which her care team must never see."""
    values = []
    for row in world.private_rows():
        for f in type(row)._meta.fields:
            if f.get_internal_type() == "TextField":
                value = getattr(row, f.name)
                if isinstance(value, str) and "CANARY-" in value:
                    values.append(value)
    return values
