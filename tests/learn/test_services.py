"""Learning services: branching rehearsals, phrases and the pause through the skills engine, thought records and
narrative pieces linked to the client's own scripts and entries only, private by default, suggestions, and the
diary's insights including these practices."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from attune.core import policy
from attune.core.models import AuditEvent
from attune.diary import insights
from attune.learn import perms, queries, services
from attune.learn.models import NarrativePiece, Rehearsal, ThoughtRecord
from attune.skills import perms as skill_perms
from attune.skills.models import GroundingPhrase, SkillPractice
from tests.cast import Cast
from tests.learn.conftest import World, own, piece, thought

pytestmark = pytest.mark.django_db


def test_a_rehearsal_branches_reflects_on_each_reply_and_goes_on_with_the_last_one(cast: Cast) -> None:
    access = own(cast, "dana")
    run = services.start_rehearsal(access, "saying-not-now", distress_before=40)
    assert run.at == "offer" and run.shared is False
    first = services.choose(access, run, 0)
    assert "Closeness without sex" in first.asks and first.protects
    second = services.choose(access, run, 2)  # the old script: reflected on gently, never marked wrong
    assert "old script" in second.protects + second.asks
    mine = services.choose(access, run, None, "Not tonight. Stay with me?")
    assert mine.own and mine.reply == "Not tonight. Stay with me?"
    assert services.go_on(access, run) == "response"  # own words lead to the node's "after"
    services.choose(access, run, 1)
    assert services.go_on(access, run) == "end"
    with pytest.raises(ValidationError):
        services.choose(access, run, 0)
    saved = services.finish_rehearsal(access, run, distress_after=20, note="steadier", shared=False)
    tried = services.tried(saved)
    assert [t.node for t in tried] == ["offer", "offer", "offer", "response"]
    assert tried[2].reply == "Not tonight. Stay with me?" and saved.finished is not None
    words = " ".join(t.protects + t.asks for t in tried).lower()
    assert "wrong" not in words and "score" not in words


def test_going_on_needs_a_reply_first_and_a_reply_must_be_one_shown(cast: Cast) -> None:
    access = own(cast, "dana")
    run = services.start_rehearsal(access, "hearing-not-now")
    with pytest.raises(ValidationError):
        services.go_on(access, run)
    with pytest.raises(ValidationError):
        services.choose(access, run, 9)
    with pytest.raises(ValidationError):
        services.choose(access, run, None, "   ")


def test_a_whole_run_from_the_api_must_follow_the_conversation(cast: Cast) -> None:
    access = own(cast, "dana")
    with pytest.raises(ValidationError):
        services.record_rehearsal(access, services.RunInput("saying-not-now", [("response", 0, "")]))
    with pytest.raises(ValidationError):
        services.record_rehearsal(access, services.RunInput("saying-not-now", [("offer", 0, ""), ("nowhere", 0, "")]))
    run = services.record_rehearsal(
        access, services.RunInput("saying-not-now", [("offer", 3, ""), ("response", 0, "")], 50, 30)
    )
    assert run.at == "end" and run.shared is False


def test_the_care_team_cannot_write_the_clients_practice(cast: Cast) -> None:
    alice = policy.client(cast.alice, cast.client("dana").pk, perms.VIEW_LEARN)
    with pytest.raises(PermissionDenied):
        services.start_rehearsal(alice, "saying-not-now")
    with pytest.raises(PermissionDenied):
        services.create_thought_record(alice, thought(True))


def test_the_phrase_builder_saves_to_the_clients_own_phrases(cast: Cast) -> None:
    access = own(cast, "dana")
    phrase = services.save_phrase(access, "I'm not ready for that, and I'd like to stay close.")
    assert GroundingPhrase.objects.get(pk=phrase.pk).text.startswith("I'm not ready")
    with pytest.raises(ValidationError):
        services.save_phrase(access, "")


def test_one_tap_pause_is_logged_like_any_skill_once_per_key(cast: Cast) -> None:
    access = own(cast, "dana")
    key = uuid.uuid4()
    practice, created = services.record_pause(access, key)
    again, created_again = services.record_pause(access, key)
    assert created and not created_again and practice.pk == again.pk
    assert SkillPractice.objects.get(pk=practice.pk).skill == "pause-and-reflect"


def test_links_reach_only_the_clients_own_scripts_and_entries(world: World) -> None:
    access = own(world.cast, "dana")
    assert world.shared_record.script_id == world.shield.pk
    assert world.shared_record.diary_entry_id == world.entry.pk
    with pytest.raises(ValidationError):
        services.create_thought_record(access, thought(False, script_id=world.eli_script.pk))
    with pytest.raises(ValidationError):
        services.create_thought_record(access, thought(False, diary_entry_id=uuid.uuid4()))
    with pytest.raises(ValidationError):
        services.create_piece(access, piece("externalising", False, script_id=world.eli_script.pk))


def test_writing_is_private_by_default_and_shared_per_piece(world: World) -> None:
    access = own(world.cast, "dana")
    default = services.create_thought_record(access, services.ThoughtInput(thought="A thought"))
    assert default.shared is False
    assert services.PieceInput().shared is False and services.RunInput("x").shared is False
    alice = policy.client(world.cast.alice, world.dana.pk, perms.VIEW_LEARN)
    seen = set(queries.thought_records(alice).values_list("pk", flat=True))
    assert world.shared_record.pk in seen and world.private_record.pk not in seen and default.pk not in seen
    assert set(queries.pieces(alice).values_list("pk", flat=True)) == {world.shared_piece.pk}
    assert set(queries.rehearsals(alice).values_list("pk", flat=True)) == {world.shared_run.pk}
    services.set_shared(access, world.letter, True)
    assert world.letter.pk in set(queries.pieces(alice).values_list("pk", flat=True))
    services.set_shared(access, world.letter, False)
    assert world.letter.pk not in set(queries.pieces(alice).values_list("pk", flat=True))
    # The clinician sees the link to the Shield on a shared record, and no reading marks.
    assert queries.script_names(alice)[world.shield.pk]
    assert queries.progress(alice).modules_read == 0 and queries.progress(access).modules_read == 1


def test_thought_record_fields_and_feelings_are_checked(cast: Cast) -> None:
    access = own(cast, "dana")
    with pytest.raises(ValidationError):
        services.create_thought_record(access, services.ThoughtInput())
    with pytest.raises(ValidationError):
        services.create_thought_record(access, services.ThoughtInput(thought="x", feelings=[("sad", 101, None)]))
    with pytest.raises(ValidationError):
        services.create_thought_record(access, services.ThoughtInput(thought="x", feelings=[("sad", None, 10)]))
    with pytest.raises(ValidationError):
        services.create_thought_record(access, services.ThoughtInput(thought="x", window="sideways"))
    record = services.create_thought_record(access, services.ThoughtInput(thought="x", feelings=[("sad", 80, 50)]))
    assert record.feeling_rows() == [("sad", 80, 50)] and record.distress_before == 80


def test_suggestions_are_the_care_teams_and_kept_once(world: World) -> None:
    alice = policy.client(world.cast.alice, world.dana.pk, perms.SUGGEST_LEARN)
    again = services.suggest(alice, "module", "threat-responses")
    assert again.pk == world.suggestion.pk
    services.suggest(alice, "exercise", "letter")
    with pytest.raises(ValidationError):
        services.suggest(alice, "module", "no-such-module")
    with pytest.raises(PermissionDenied):
        services.suggest(own(world.cast, "dana"), "module", "consent")
    services.withdraw_suggestion(alice, world.suggestion)
    assert [s.target for s in queries.suggestions(alice)] == ["letter"]


def test_insights_include_distress_before_and_after_these_practices(world: World) -> None:
    access = policy.client(world.cast.dana, world.dana.pk, skill_perms.VIEW_DIARY)
    titles = [title for title, _effect in insights.build(access).effects]
    assert {"Consent rehearsals", "Thought records", "Narrative writing"} <= set(titles)
    alice = policy.client(world.cast.alice, world.dana.pk, skill_perms.VIEW_DIARY)
    counts = {title: e.uses for title, e in insights.build(alice).effects}
    # The care team's insights count only what is shared: one rehearsal, one thought record, one piece.
    assert counts["Consent rehearsals"] == 1 and counts["Thought records"] == 1 and counts["Narrative writing"] == 1
    assert insights.build(alice).other_practices == 3 and insights.build(access).other_practices == 6


def test_progress_counts_the_weeks_practice(world: World) -> None:
    access = own(world.cast, "dana")
    progress = queries.progress(access, today=timezone.localdate())
    assert progress.rehearsals == 2 and progress.ways_tried == 6 and progress.thought_records == 2
    assert progress.pieces == 2 and progress.weeks[-1].total == 2 + 1 + 2 + 2
    assert progress.weeks[-1].starts <= timezone.localdate() < progress.weeks[-1].starts + datetime.timedelta(7)


def test_every_write_is_audited(world: World) -> None:
    kinds = set(
        AuditEvent.objects.filter(client_id=world.dana.pk, action=AuditEvent.Action.CREATE).values_list(
            "entity_type", flat=True
        )
    )
    assert {"ThoughtRecord", "NarrativePiece", "Rehearsal", "Reflection", "SavedPassage", "ModuleRead"} <= kinds
    assert "Suggestion" in kinds


def test_removing_a_piece_is_for_good(world: World) -> None:
    access = own(world.cast, "dana")
    services.delete_row(access, world.letter)
    assert not NarrativePiece.objects.filter(pk=world.letter.pk).exists()
    assert ThoughtRecord.objects.filter(client=world.dana).count() == 2
    assert Rehearsal.objects.filter(client=world.dana).count() == 2
