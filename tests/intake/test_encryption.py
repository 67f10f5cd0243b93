"""Every free-text answer of the intake and the clinician's section notes hold a canary in the test world: none is
found in the database as written, in a denied response, in the pre-send view of the care team, or in the logs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse

from attune.core.fields import EncryptedTextField
from attune.intake import definition, perms, services
from attune.intake.models import Intake, IntakeAnswer
from tests.cast import CANARIES, Cast, canary
from tests.intake.support import FREE_TEXT, reach, send

pytestmark = pytest.mark.django_db


@dataclass
class World:
    cast: Cast
    sent: Intake  # dana's, sent back, with a canary in every free-text answer and a note on a section
    open: Intake  # eli's, in progress, with canaries too
    planted: list[str]


def _short_canary() -> str:
    value = f"CANARY-{uuid.uuid4().hex[:20]}"
    CANARIES.append(value)
    return value


def _fill(cast: Cast, who: str, intake: Intake) -> list[str]:
    planted = []
    user = getattr(cast, who)
    services.answer(reach(user, intake), "coer-any", codes=["yes"])  # so that the coercion note is asked
    services.answer(reach(user, intake), "contact-phone", codes=["yes"])  # so that the number is asked
    for link_id in FREE_TEXT:
        # A phone number is at most 40 characters: its canary is a shorter one.
        value = _short_canary() if link_id == "contact-number" else canary("intakeanswer", "text")
        services.answer(reach(user, intake), link_id, text=value)
        planted.append(value)
    return planted


@pytest.fixture
def world(cast: Cast) -> World:
    sent = send(cast, "dana", "alice")
    planted = _fill(cast, "dana", sent)
    services.submit(reach(cast.dana, sent), uuid.uuid4())
    note = canary("intakesection", "note")
    services.record_discussion(reach(cast.alice, sent, perms.DISCUSS), "coercion", discussed=True, note=note)
    still_open = send(cast, "eli", "bob")
    planted += [*_fill(cast, "eli", still_open), note]
    return World(cast, sent, still_open, planted)


def test_every_free_text_item_of_the_definition_is_covered() -> None:
    texts = {q.link_id for q in definition.load().questions if q.kind == "text"}
    assert texts == set(FREE_TEXT)


def test_every_encrypted_field_has_a_canary_in_the_world(world: World) -> None:
    fields = [
        (model, f.name)
        for model in apps.get_app_config("intake").get_models()
        for f in model._meta.fields
        if isinstance(f, EncryptedTextField)
    ]
    assert {(m.__name__, name) for m, name in fields} == {("IntakeAnswer", "text"), ("IntakeSection", "note")}
    for model, name in fields:
        prefix = f"CANARY-{model._meta.model_name}-{name}-"
        assert any(str(getattr(row, name)).startswith(prefix) for row in model.objects.all()), model


def test_no_canary_reaches_the_database_unencrypted(world: World) -> None:
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # names from introspection
            text = " ".join(str(value) for row in cursor.fetchall() for value in row)
            assert not [c for c in world.planted if c in text], table


def test_reading_back_gives_the_plain_text(world: World) -> None:
    row = IntakeAnswer.objects.get(intake=world.sent, link_id="about-hopes")
    assert row.text.startswith("CANARY-intakeanswer-text-")


def _urls(world: World) -> list[str]:
    dana, sent = world.cast.client("dana").pk, world.sent.pk
    return [
        reverse("intake:summary", args=[dana]),
        reverse("workspace:client", args=[dana]),
        reverse("intake:portal_review", args=[sent]),
        reverse("intake:portal_item", args=[sent, "about-hopes"]),
        reverse("intake:portal_sent", args=[sent]),
        reverse("api:get_intake", args=[sent]),
        reverse("api:intake_summary", args=[dana]),
        reverse("api:list_intakes", args=[dana]),
    ]


@pytest.mark.parametrize("actor", ["eli", "bob", "carol", "frank", "sam", "ada", "rita", "gus"])
def test_denied_responses_carry_no_canary(world: World, client_for, actor: str) -> None:
    browser = client_for(getattr(world.cast, actor))
    for url in _urls(world):
        response = browser.get(url)
        body = response.content.decode(errors="replace")
        if response.status_code >= 400 or actor in {"sam", "ada"}:
            # Supervisors and admins reach the overview, but no answer and no note.
            assert not [c for c in CANARIES if c in body], (actor, url, response.status_code)


def test_the_care_team_sees_no_free_text_before_the_client_sends(world: World, client_for) -> None:
    bob = client_for(world.cast.bob)
    eli = world.cast.client("eli").pk
    for url in (reverse("intake:summary", args=[eli]), reverse("workspace:client", args=[eli])):
        body = bob.get(url).content.decode()
        assert not [c for c in world.planted if c in body], url
    api = bob.get(reverse("api:intake_summary", args=[eli])).content.decode()
    assert not [c for c in world.planted if c in api]


def test_the_owner_and_the_care_team_read_the_free_text(world: World, client_for) -> None:
    summary = client_for(world.cast.alice).get(reverse("intake:summary", args=[world.cast.client("dana").pk]))
    body = summary.content.decode()
    dana_answers = [a.text for a in IntakeAnswer.objects.filter(intake=world.sent) if a.text]
    assert len(dana_answers) == len(FREE_TEXT) and all(text in body for text in dana_answers)
    review = client_for(world.cast.eli).get(reverse("intake:portal_review", args=[world.open.pk])).content.decode()
    assert all(a.text in review for a in IntakeAnswer.objects.filter(intake=world.open) if a.text)


def test_no_canary_in_the_logs(cast: Cast, captured_logs: list[str]) -> None:
    intake = send(cast)
    value = canary("intakeanswer", "text")
    services.answer(reach(cast.eli, intake), "about-hopes", text=value)
    with pytest.raises(PermissionDenied):  # Bob reads the intake; he never answers it
        services.answer(reach(cast.bob, intake), "about-signs", text=value)
    assert not [line for line in captured_logs if value in line]
