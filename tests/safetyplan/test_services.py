"""The plan's services: versions on every save, restore, sharing, the care team's reach, the network."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from attune.core.models import AuditEvent
from attune.safetyplan import perms, queries, services
from attune.safetyplan.models import PlanVersion, SafetyPlan, Sharing, SupportPerson
from tests.safetyplan.conftest import World, access_for

pytestmark = pytest.mark.django_db


def test_every_saved_change_is_a_version(world: World) -> None:
    versions = list(PlanVersion.objects.filter(plan=world.plan).order_by("number"))
    assert [v.number for v in versions] == list(range(1, 9)) and world.plan.version == 8
    assert versions[0].step == "warning_signs" and versions[-1].step == "relationship"
    assert versions[-1].touches_relationship and not versions[-1].touches_safety
    assert versions[0].safety_data["warning_signs"]["text"] == world.plan.safety_data["warning_signs"]["text"]


def test_restore_brings_back_both_parts_as_a_new_version(world: World) -> None:
    first = PlanVersion.objects.get(plan=world.plan, number=1)
    access = access_for(world.cast.dana, world.dana, perms.RESTORE_PLAN)
    plan = services.restore(access, first, expected_version=8)
    assert plan.version == 9 and set(plan.safety_data) == {"warning_signs"} and plan.relationship_data == {}
    newest = PlanVersion.objects.get(plan=plan, number=9)
    assert newest.change == "restore" and newest.touches_safety and newest.touches_relationship
    # The plan before the restore is still there, as version 8.
    assert PlanVersion.objects.get(plan=plan, number=8).relationship_data["code_word"].startswith("CANARY-")


def test_a_stale_save_is_refused_and_changes_nothing(world: World) -> None:
    access = access_for(world.cast.dana, world.dana)
    with pytest.raises(services.StaleWriteError):
        services.save_step(access, "reasons", {"text": "my garden"}, expected_version=3)
    assert SafetyPlan.objects.get(pk=world.plan.pk).version == 8


def test_unknown_fields_and_foreign_people_are_refused(world: World) -> None:
    access = access_for(world.cast.dana, world.dana)
    with pytest.raises(ValidationError):
        services.save_step(access, "reasons", {"text": "x", "people": []})
    with pytest.raises(ValidationError):
        services.save_step(access, "help", {"people": [str(world.eli_person.pk)]})
    with pytest.raises(ValidationError):
        services.save_step(access, "professionals", {"services": [{"name": "GP", "phone": "call me maybe"}]})


def test_the_care_team_edits_only_what_is_shared(world: World) -> None:
    alice = access_for(world.cast.alice, world.dana)
    plan = services.save_step(alice, "surroundings", {"text": "Medication kept at a friend's"})
    newest = PlanVersion.objects.get(plan=plan, number=plan.version)
    assert not newest.by_client and newest.author_id == world.cast.alice.pk
    with pytest.raises(Http404):
        services.save_step(alice, "relationship", {"signs": "x"})
    services.set_sharing(access_for(world.cast.dana, world.dana, perms.SHARE_PLAN), Sharing.NONE)
    with pytest.raises(Http404):
        services.save_step(access_for(world.cast.alice, world.dana), "surroundings", {"text": "y"})
    assert AuditEvent.objects.filter(
        agent_id=world.cast.alice.pk, entity_type="SafetyPlan", outcome=AuditEvent.Outcome.DENIED
    ).exists()


def test_a_plan_the_clinician_starts_is_shared_with_the_team_until_the_client_says_otherwise(world: World) -> None:
    SafetyPlan.objects.filter(client=world.dana).delete()
    plan = services.save_step(access_for(world.cast.alice, world.dana), "warning_signs", {"text": "Not sleeping"})
    assert plan.sharing == Sharing.SAFETY
    SafetyPlan.objects.filter(client=world.dana).delete()
    plan = services.save_step(access_for(world.cast.dana, world.dana), "warning_signs", {"text": "Not sleeping"})
    assert plan.sharing == Sharing.NONE


def test_what_the_care_team_sees_follows_the_clients_choice_at_once(world: World) -> None:
    dana_share = access_for(world.cast.dana, world.dana, perms.SHARE_PLAN)
    alice = access_for(world.cast.alice, world.dana, perms.VIEW_PLAN)
    page = queries.plan_page(alice)
    assert page.shows_safety and not page.shows_relationship and page.relationship == {}
    assert {v.step for v in queries.versions(alice)} == set(services.inputs.STEP_KEYS)
    services.set_sharing(dana_share, Sharing.NONE)
    page = queries.plan_page(access_for(world.cast.alice, world.dana, perms.VIEW_PLAN))
    assert page.steps == [] and page.network == [] and not queries.versions(alice).exists()
    services.set_sharing(dana_share, Sharing.ALL)
    page = queries.plan_page(access_for(world.cast.alice, world.dana, perms.VIEW_PLAN))
    assert page.shows_relationship and page.relationship["code_word"].startswith("CANARY-")


def test_reviewed_together_is_the_clinicians_and_needs_a_shared_plan(world: World) -> None:
    alice = access_for(world.cast.alice, world.dana, perms.REVIEW_PLAN)
    today = timezone.localdate()
    plan = services.mark_reviewed(alice, today)
    assert plan.reviewed_on == today and plan.reviewed_by_id == world.cast.alice.pk
    with pytest.raises(ValidationError):
        services.mark_reviewed(alice, today + datetime.timedelta(days=2))
    with pytest.raises(PermissionDenied):
        services.mark_reviewed(access_for(world.cast.dana, world.dana, perms.VIEW_PLAN), today)


def test_the_network_is_the_clients_own(world: World) -> None:
    dana = access_for(world.cast.dana, world.dana, perms.EDIT_NETWORK)
    with pytest.raises(ValidationError):
        services.add_person(dana, {"name": "  "})
    person = services.update_person(dana, world.friend, {"safe_to_contact": "no"})
    assert person.safe_to_contact == "no"
    services.remove_person(dana, world.sister)
    assert not SupportPerson.objects.filter(pk=world.sister.pk).exists()
    # A step that named her shows her no longer.
    help_step = next(s for s in queries.plan_page(dana).steps if s.key == "help")
    assert [p.pk for p in help_step.people] == [world.friend.pk]
    with pytest.raises(PermissionDenied):
        access_for(world.cast.alice, world.dana, perms.EDIT_NETWORK)


def test_a_photo_is_reencoded_without_its_metadata(world: World) -> None:
    import base64
    import io

    from PIL import Image

    raw = io.BytesIO()
    image = Image.new("RGB", (3000, 2000), (120, 160, 90))
    exif = Image.Exif()
    exif[0x010F] = "A camera maker"
    image.save(raw, format="JPEG", exif=exif)
    access = access_for(world.cast.dana, world.dana)
    plan = services.save_step(access, "reasons", {"text": "the sea"}, photo=raw.getvalue())
    stored = Image.open(io.BytesIO(base64.b64decode(plan.photo)))
    assert max(stored.size) == 1024 and not stored.getexif()
    with pytest.raises(ValidationError):
        services.save_step(access, "reasons", {"text": "x"}, photo=b"not an image")
    plan = services.save_step(access, "reasons", {"text": "the sea"}, photo=None)
    assert plan.photo == ""
    with pytest.raises(PermissionDenied):
        services.save_step(access_for(world.cast.alice, world.dana), "reasons", {"text": "x"}, photo=raw.getvalue())


def test_a_safety_concern_suggests_a_review_until_it_is_reviewed(world: World) -> None:
    import uuid

    from attune.core import events

    assert services.on_safety_concern in events.subscribers(events.SafetyConcern)
    assert services.on_answered in events.subscribers(events.ResponseAnswered)
    answered = events.ResponseAnswered(
        client_id=world.dana.pk, response_id=uuid.uuid4(), instrument="phq9", link_id="9", value=1.0, critical=False
    )
    events.publish(answered)
    assert not SafetyPlan.objects.get(pk=world.plan.pk).review_suggested
    events.publish(
        events.SafetyConcern(
            client_id=world.dana.pk, source="intake", source_id=uuid.uuid4(), item="now", since=timezone.now()
        )
    )
    assert SafetyPlan.objects.get(pk=world.plan.pk).review_suggested
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    SafetyPlan.objects.filter(pk=world.plan.pk).update(reviewed_on=tomorrow)
    assert not SafetyPlan.objects.get(pk=world.plan.pk).review_suggested
