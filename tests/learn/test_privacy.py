"""Privacy of learning and narrative work: a canary in every encrypted field; none reaches the database
unencrypted, the logs, or anything the care team, the partner, other staff or an outsider can reach while the row
is private; writing is private until the client shares a piece."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from attune.core.fields import EncryptedTextField
from attune.learn.models import SavedPassage
from tests.cast import canary
from tests.diary.support import canaries_in
from tests.learn.conftest import World, private_texts

pytestmark = pytest.mark.django_db


def encrypted_fields() -> list[tuple[Any, str]]:
    return [
        (model, f.name)
        for model in apps.get_app_config("learn").get_models()
        for f in model._meta.fields
        if isinstance(f, EncryptedTextField)
    ]


@pytest.fixture
def planted(world: World) -> World:
    # A saved passage is a copy of module text; plant a canary in it too, so that its column is checked as well.
    SavedPassage.objects.filter(pk=world.passage.pk).delete()
    world.passage = SavedPassage(client=world.dana, module="consent", text=canary("savedpassage", "text"))
    world.passage.save()
    return world


def test_every_encrypted_field_holds_a_canary(planted: World) -> None:
    fields = encrypted_fields()
    assert len(fields) == 12
    missing = []
    for model, name in fields:
        if not any("CANARY-" in str(getattr(row, name)) for row in model.objects.all()):
            missing.append(f"{model.__name__}.{name}")
    assert not missing, f"no canary planted in {missing}"


def test_no_canary_reaches_the_database_unencrypted(planted: World) -> None:
    with connection.cursor() as cursor:
        for model, name in encrypted_fields():
            column = model._meta.get_field(name).column
            cursor.execute(f'SELECT "{column}" FROM "{model._meta.db_table}"')
            for (raw,) in cursor.fetchall():
                assert "CANARY" not in (raw or ""), f"{model.__name__}.{name} is stored readable"


def staff_urls(world: World) -> list[str]:
    dana = world.dana.pk
    return [
        reverse("learn:client_learn", args=[dana]),
        reverse("learn:client_thought_record", args=[dana, world.shared_record.pk]),
        reverse("learn:client_thought_record", args=[dana, world.private_record.pk]),
        reverse("learn:client_piece", args=[dana, world.shared_piece.pk]),
        reverse("learn:client_piece", args=[dana, world.letter.pk]),
        reverse("learn:client_rehearsal", args=[dana, world.shared_run.pk]),
        reverse("learn:client_rehearsal", args=[dana, world.private_run.pk]),
        reverse("diary:client_insights", args=[dana]),
        reverse("api:list_thought_records", args=[dana]),
        reverse("api:get_thought_record", args=[dana, world.private_record.pk]),
        reverse("api:list_narrative_pieces", args=[dana]),
        reverse("api:get_narrative_piece", args=[dana, world.letter.pk]),
        reverse("api:list_rehearsal_runs", args=[dana]),
        reverse("api:list_module_reflections", args=[dana]),
        reverse("api:get_learn_progress", args=[dana]),
        reverse("learn:home"),
        reverse("learn:saved"),
        reverse("learn:thought_records"),
        reverse("learn:pieces"),
    ]


@pytest.mark.parametrize("actor", ["alice", "bob", "frank", "sam", "ada", "carol", "eli"])
def test_private_writing_reaches_no_one_else(planted: World, client_for: Any, actor: str) -> None:
    browser = client_for(planted.cast.users[actor])
    browser.raise_request_exception = False
    secrets = set(private_texts(planted)) | {planted.passage.text}
    for url in staff_urls(planted):
        response = browser.get(url)
        assert not secrets & set(canaries_in(response)), f"{actor} saw a private canary at {url}"


def test_the_client_sees_all_of_their_own(planted: World, client_for: Any) -> None:
    browser = client_for(planted.cast.dana)
    saved = browser.get(reverse("learn:saved")).content.decode()
    assert planted.passage.text in saved and planted.private_reflection.text in saved
    record = browser.get(reverse("learn:thought_record", args=[planted.private_record.pk])).content.decode()
    assert planted.private_record.balanced in record and planted.private_record.feeling_names()[0] in record


def test_no_canary_reaches_the_logs(world: World, client_for: Any, captured_logs: list[str]) -> None:
    browser = client_for(world.cast.alice)
    browser.raise_request_exception = False
    for url in staff_urls(world):
        browser.get(url)
    own = client_for(world.cast.dana)
    own.get(reverse("learn:thought_record", args=[world.private_record.pk]))
    text = "\n".join(captured_logs)
    assert not [c for c in private_texts(world) if c in text]
