"""Diary services: logging and editing entries (idempotent), sharing defaults, and the script map's drafting and
approval rules. Every write leaves its audit event."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from attune.core.idempotency import ReplayMismatchError
from attune.core.models import AuditEvent
from attune.diary.models import DiaryEntry, MapStatus
from tests.diary import through_policy as services
from tests.diary.conftest import World, entry_input, script_values

pytestmark = pytest.mark.django_db


def test_a_quick_log_needs_only_the_kind_and_the_distress(cast) -> None:
    dana = cast.client("dana")
    entry, created = services.log_entry(
        cast.dana, dana.pk, uuid.uuid4(), services.EntryInput(trigger_kind="place", distress_before=40)
    )
    assert created and entry.trigger_kind == "place" and entry.distress_before == 40
    assert entry.shared is False  # the default preference is to keep entries private
    assert abs((timezone.now() - entry.occurred_at).total_seconds()) < 60
    assert AuditEvent.objects.filter(entity_type="DiaryEntry", entity_id=str(entry.pk), action="C").exists()


def test_the_same_key_and_payload_returns_the_original(cast) -> None:
    dana, key = cast.client("dana"), uuid.uuid4()
    when = timezone.now() - datetime.timedelta(hours=1)
    data = services.EntryInput(trigger_kind="tone", distress_before=70, occurred_at=when, trigger_words="a voice")
    first, created = services.log_entry(cast.dana, dana.pk, key, data)
    again, created_again = services.log_entry(cast.dana, dana.pk, key, data)
    assert created and not created_again
    assert again.pk == first.pk
    assert DiaryEntry.objects.filter(client=dana, key=key).count() == 1


def test_the_same_key_with_a_different_payload_is_refused(cast) -> None:
    dana, key = cast.client("dana"), uuid.uuid4()
    services.log_entry(cast.dana, dana.pk, key, services.EntryInput(trigger_kind="tone", distress_before=70))
    with pytest.raises(ReplayMismatchError):
        services.log_entry(cast.dana, dana.pk, key, services.EntryInput(trigger_kind="tone", distress_before=71))
    assert DiaryEntry.objects.filter(client=dana, key=key).count() == 1


def test_an_edited_entry_still_answers_its_original_submission(cast) -> None:
    dana, key = cast.client("dana"), uuid.uuid4()
    data = services.EntryInput(trigger_kind="tone", distress_before=70, occurred_at=timezone.now())
    entry, _ = services.log_entry(cast.dana, dana.pk, key, data)
    services.update_entry(cast.dana, dana.pk, entry.pk, {"note": "added later"})
    replay, created = services.log_entry(cast.dana, dana.pk, key, data)
    assert not created and replay.pk == entry.pk and replay.note == "added later"


def test_keys_are_per_client(cast) -> None:
    key = uuid.uuid4()
    data = services.EntryInput(trigger_kind="tone", distress_before=70)
    services.log_entry(cast.dana, cast.client("dana").pk, key, data)
    _, created = services.log_entry(cast.eli, cast.client("eli").pk, key, data)
    assert created


def test_the_fingerprint_does_not_contain_the_text(cast) -> None:
    entry, _ = services.log_entry(cast.dana, cast.client("dana").pk, uuid.uuid4(), entry_input(shared=False))
    import hashlib

    assert entry.fingerprint != hashlib.sha256(entry.trigger_words.encode()).hexdigest()
    assert len(entry.fingerprint) == 64


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"trigger_kind": "weather"}, "trigger_kind"),
        ({"distress_before": 101}, "distress_before"),
        ({"distress_after": -1}, "distress_after"),
        ({"body_cues": ["tension", "glowing"]}, "body_cues"),
        ({"skill": "no-such-skill"}, "skill"),
        ({"note": "x" * 5001}, "note"),
        ({"occurred_at": timezone.now() + datetime.timedelta(days=1)}, "occurred_at"),
        ({"response": "new"}, "new_response_id"),
    ],
)
def test_invalid_entries_are_refused_with_the_field(cast, changes, field) -> None:
    values = {"trigger_kind": "tone", "distress_before": 50, **changes}
    with pytest.raises(ValidationError) as caught:
        services.log_entry(cast.dana, cast.client("dana").pk, uuid.uuid4(), services.EntryInput(**values))
    assert field in caught.value.error_dict


def test_entries_link_only_to_scripts_on_the_clients_own_map(world: World) -> None:
    cast, dana = world.cast, world.dana
    for script in (world.own_draft, world.suggested, world.eli_script):
        with pytest.raises(ValidationError):
            services.log_entry(cast.dana, dana.pk, uuid.uuid4(), entry_input(shared=True, script_id=script.pk))
    entry, _ = services.log_entry(
        cast.dana, dana.pk, uuid.uuid4(), entry_input(shared=True, new_response_id=world.response.pk)
    )
    assert entry.script_id == world.shield.pk and entry.response == DiaryEntry.Response.NEW


def test_a_link_stays_valid_after_the_script_is_set_aside(world: World) -> None:
    cast, dana = world.cast, world.dana
    services.set_script_status(cast.dana, dana.pk, world.shield.pk, "set_aside")
    entry = services.update_entry(cast.dana, dana.pk, world.shared_entry.pk, {"note": "still linked"})
    assert entry.script_id == world.shield.pk


def test_only_the_client_writes_their_diary(world: World) -> None:
    cast, dana = world.cast, world.dana
    with pytest.raises(PermissionDenied):
        services.log_entry(cast.alice, dana.pk, uuid.uuid4(), entry_input(shared=True))
    with pytest.raises(PermissionDenied):
        services.update_entry(cast.alice, dana.pk, world.shared_entry.pk, {"note": "not mine"})
    with pytest.raises(Http404):
        services.log_entry(cast.bob, dana.pk, uuid.uuid4(), entry_input(shared=True))
    denied = AuditEvent.objects.filter(agent_id=cast.alice.pk, outcome=AuditEvent.Outcome.DENIED)
    assert denied.filter(reason__endswith="diary.write").exists()


def test_a_stale_edit_is_refused(world: World) -> None:
    cast, dana, entry = world.cast, world.dana, world.shared_entry
    services.update_entry(cast.dana, dana.pk, entry.pk, {"note": "first"}, expected_version=entry.version)
    with pytest.raises(services.StaleWriteError):
        services.update_entry(cast.dana, dana.pk, entry.pk, {"note": "second"}, expected_version=entry.version)


def test_unsharing_and_deleting(world: World) -> None:
    cast, dana = world.cast, world.dana
    entry = services.update_entry(cast.dana, dana.pk, world.shared_entry.pk, {"shared": False})
    assert entry.shared is False
    services.delete_entry(cast.dana, dana.pk, entry.pk)
    assert not DiaryEntry.objects.filter(pk=entry.pk).exists()
    assert AuditEvent.objects.filter(entity_type="DiaryEntry", entity_id=str(entry.pk), action="D").exists()


def test_the_sharing_default_applies_to_new_entries_only(cast) -> None:
    dana = cast.client("dana")
    before, _ = services.log_entry(
        cast.dana, dana.pk, uuid.uuid4(), services.EntryInput(trigger_kind="tone", distress_before=5)
    )
    services.set_share_default(cast.dana, dana.pk, True)
    after, _ = services.log_entry(
        cast.dana, dana.pk, uuid.uuid4(), services.EntryInput(trigger_kind="tone", distress_before=5)
    )
    assert (before.shared, after.shared) == (False, True)
    with pytest.raises(PermissionDenied):
        services.set_share_default(cast.alice, dana.pk, False)


# --- scripts ------------------------------------------------------------------------------------------------------


def test_a_clinician_drafts_and_only_the_client_approves(cast) -> None:
    dana = cast.client("dana")
    script = services.draft_script(cast.alice, dana.pk, script_values("t-"))
    assert script.status == MapStatus.DRAFT and not script.drafted_by_client and script.drafted_by == cast.alice
    with pytest.raises(PermissionDenied):
        services.set_script_status(cast.alice, dana.pk, script.pk, "on_map")
    with pytest.raises(PermissionDenied):
        services.draft_script(cast.alice, dana.pk, script_values("t-"), on_map=True)
    approved = services.set_script_status(cast.dana, dana.pk, script.pk, "on_map")
    assert approved.status == MapStatus.ON_MAP and approved.approved_at is not None


def test_a_clinician_edits_drafts_but_not_the_map(world: World) -> None:
    cast, dana = world.cast, world.dana
    services.update_script(cast.alice, dana.pk, world.suggested.pk, {"costs": "edited"})
    with pytest.raises(PermissionDenied):
        services.update_script(cast.alice, dana.pk, world.shield.pk, {"costs": "edited"})
    assert AuditEvent.objects.filter(
        agent_id=cast.alice.pk, entity_type="RelationshipScript", outcome=AuditEvent.Outcome.DENIED
    ).exists()
    # The client changes her own map freely.
    assert services.update_script(cast.dana, dana.pk, world.shield.pk, {"costs": "mine"}).costs == "mine"


def test_a_clients_own_draft_is_invisible_to_the_care_team(world: World) -> None:
    cast, dana = world.cast, world.dana
    with pytest.raises(Http404):
        services.update_script(cast.alice, dana.pk, world.own_draft.pk, {"costs": "x"})
    with pytest.raises(Http404):
        services.draft_new_response(cast.alice, dana.pk, world.own_draft.pk, "try this")


def test_status_moves(world: World) -> None:
    cast, dana = world.cast, world.dana
    with pytest.raises(ValidationError):
        services.set_script_status(cast.dana, dana.pk, world.shield.pk, "draft")
    services.set_script_status(cast.dana, dana.pk, world.suggested.pk, "set_aside")
    services.set_script_status(cast.dana, dana.pk, world.suggested.pk, "on_map")


def test_new_responses_are_suggested_by_the_clinician_and_approved_by_the_client(world: World) -> None:
    cast, dana = world.cast, world.dana
    suggestion = services.draft_new_response(cast.alice, dana.pk, world.shield.pk, "Name it out loud")
    assert suggestion.status == MapStatus.DRAFT
    with pytest.raises(ValidationError):
        # Not on the map yet: an entry cannot say it was used.
        services.log_entry(cast.dana, dana.pk, uuid.uuid4(), entry_input(shared=True, new_response_id=suggestion.pk))
    services.set_new_response_status(cast.dana, dana.pk, suggestion.pk, "on_map")
    entry, _ = services.log_entry(
        cast.dana, dana.pk, uuid.uuid4(), entry_input(shared=True, new_response_id=suggestion.pk)
    )
    assert entry.new_response_id == suggestion.pk
    with pytest.raises(PermissionDenied):
        services.update_new_response(cast.alice, dana.pk, suggestion.pk, "changed")


def test_response_practice_is_idempotent(world: World) -> None:
    cast, dana, key = world.cast, world.dana, uuid.uuid4()
    data = services.PracticeInput(outcome="partly", note="ok", occurred_at=timezone.now())
    first, created = services.log_response_practice(cast.dana, dana.pk, world.response.pk, key, data)
    again, created_again = services.log_response_practice(cast.dana, dana.pk, world.response.pk, key, data)
    assert created and not created_again and first.pk == again.pk
    with pytest.raises(ReplayMismatchError):
        services.log_response_practice(
            cast.dana, dana.pk, world.response.pk, key, services.PracticeInput(outcome="hard")
        )
