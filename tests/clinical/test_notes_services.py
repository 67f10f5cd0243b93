"""Session notes through their services: drafts, optimistic concurrency, signing locks for good, addenda."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404

from attune.care.services import StaleWriteError
from attune.clinical.models import NoteAddendum, SessionNote
from attune.clinical.services import NoteSignedError
from attune.core.models import AuditEvent
from tests.cast import CANARIES
from tests.clinical import through_policy as services
from tests.clinical.conftest import World

pytestmark = pytest.mark.django_db


def test_a_draft_saves_over_the_version_it_read(world: World) -> None:
    alice, dana = world.cast.alice, world.dana
    saved = services.save_draft(alice, dana.pk, world.draft.pk, {"data": "Saved text"}, world.draft.version)
    assert saved.version == world.draft.version + 1
    assert SessionNote.objects.get(pk=world.draft.pk).data == "Saved text"


def test_a_stale_save_is_refused_and_overwrites_nothing(world: World) -> None:
    alice, dana = world.cast.alice, world.dana
    services.save_draft(alice, dana.pk, world.draft.pk, {"data": "First tab"}, world.draft.version)
    with pytest.raises(StaleWriteError):
        services.save_draft(alice, dana.pk, world.draft.pk, {"data": "Second tab"}, world.draft.version)
    assert SessionNote.objects.get(pk=world.draft.pk).data == "First tab"


def test_signing_time_stamps_and_locks_the_note(world: World) -> None:
    alice, dana = world.cast.alice, world.dana
    signed = services.sign_note(alice, dana.pk, world.draft.pk, world.draft.version)
    assert signed.is_signed and signed.signed_at is not None and signed.signed_by_id == alice.pk
    before = {f.attname: getattr(signed, f.attname) for f in SessionNote._meta.fields}
    for attempt in (
        lambda: services.save_draft(alice, dana.pk, signed.pk, {"data": "changed"}, signed.version),
        lambda: services.save_draft(alice, dana.pk, signed.pk, {"data": "changed"}, None),
        lambda: services.sign_note(alice, dana.pk, signed.pk, signed.version),
    ):
        with pytest.raises(NoteSignedError):
            attempt()
    after = SessionNote.objects.get(pk=signed.pk)
    assert {f.attname: getattr(after, f.attname) for f in SessionNote._meta.fields} == before


def test_signing_a_version_not_read_is_refused(world: World) -> None:
    alice, dana = world.cast.alice, world.dana
    services.save_draft(alice, dana.pk, world.draft.pk, {"data": "new"}, world.draft.version)
    with pytest.raises(StaleWriteError):
        services.sign_note(alice, dana.pk, world.draft.pk, world.draft.version)
    assert not SessionNote.objects.get(pk=world.draft.pk).is_signed


def test_an_empty_note_cannot_be_signed(world: World) -> None:
    note = services.start_note(world.cast.alice, world.dana.pk, "free", {})
    with pytest.raises(ValidationError):
        services.sign_note(world.cast.alice, world.dana.pk, note.pk, note.version)


def test_addenda_go_on_signed_notes_only(world: World) -> None:
    alice, dana = world.cast.alice, world.dana
    with pytest.raises(ValidationError):
        services.add_addendum(alice, dana.pk, world.draft.pk, "too early")
    second = services.add_addendum(alice, dana.pk, world.signed.pk, "A second correction")
    assert list(NoteAddendum.objects.filter(note=world.signed).order_by("signed_at")) == [world.addendum, second]
    assert second.author_id == alice.pk and second.signed_at is not None


def test_a_section_outside_the_template_is_refused(world: World) -> None:
    with pytest.raises(ValidationError):
        services.save_draft(world.cast.alice, world.dana.pk, world.draft.pk, {"subjective": "x"}, None)


@pytest.mark.parametrize("who", ["dana", "sam", "ada", "frank"])
def test_only_the_care_team_writes_notes(world: World, who: str) -> None:
    with pytest.raises(PermissionDenied):
        services.start_note(getattr(world.cast, who), world.dana.pk, "dap", {"data": "x"})


@pytest.mark.parametrize("who", ["bob", "carol", "rita"])
def test_no_relationship_no_note(world: World, who: str) -> None:
    with pytest.raises(Http404):
        services.start_note(getattr(world.cast, who), world.dana.pk, "dap", {"data": "x"})


def test_every_write_is_audited_with_ids_only(world: World) -> None:
    rows = AuditEvent.objects.filter(entity_type__in=["SessionNote", "NoteAddendum"], agent_id=world.cast.alice.pk)
    assert rows.filter(action=AuditEvent.Action.CREATE, entity_id=str(world.signed.pk)).exists()
    assert rows.filter(action=AuditEvent.Action.UPDATE, entity_id=str(world.signed.pk)).exists()
    assert rows.filter(action=AuditEvent.Action.CREATE, entity_id=str(world.addendum.pk)).exists()


def test_no_canary_reaches_the_database_unencrypted(world: World) -> None:
    planted = [c for c in CANARIES if c.split("-")[1] in {"sessionnote", "noteaddendum"}]
    assert planted
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            text = " ".join(str(value) for row in cursor.fetchall() for value in row)
            assert not [c for c in planted if c in text], table


def test_every_encrypted_field_holds_a_canary_in_the_world(world: World) -> None:
    from attune.clinical.models import SECTION_FIELDS

    notes = list(SessionNote.objects.all())
    missing = [
        name for name in SECTION_FIELDS if not any(getattr(n, name).startswith("CANARY-sessionnote-") for n in notes)
    ]
    assert not missing
    assert world.addendum.text.startswith("CANARY-noteaddendum-")
