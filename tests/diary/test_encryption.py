"""Every encrypted field of the diary and skills apps holds a canary in the test world, and no canary is found in
the database as written, nor in any denied response."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from attune.core.fields import EncryptedTextField
from tests.cast import CANARIES
from tests.diary.conftest import World
from tests.diary.support import canaries_in

pytestmark = pytest.mark.django_db


def encrypted_fields() -> list[tuple[type, str]]:
    found = []
    for label in ("diary", "skills"):
        for model in apps.get_app_config(label).get_models():
            found += [(model, f.name) for f in model._meta.fields if isinstance(f, EncryptedTextField)]
    return found


def test_every_encrypted_field_has_a_canary_in_the_world(world: World) -> None:
    fields = encrypted_fields()
    assert len(fields) >= 11
    missing = []
    for model, name in fields:
        values = [getattr(row, name) for row in model.objects.all()]
        expected = f"CANARY-{model._meta.model_name}-"
        if not any(isinstance(v, str) and v.startswith(expected) for v in values):
            missing.append(f"{model.__name__}.{name}")
    assert not missing, f"no canary planted in {missing}"


def test_no_canary_reaches_the_database_unencrypted(world: World) -> None:
    planted = [c for c in CANARIES if c.split("-")[1] in {"diaryentry", "relationshipscript", "newresponse",
               "responsepractice", "skillpractice", "groundingphrase"}]  # fmt: skip
    assert planted
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            text = " ".join(str(value) for row in cursor.fetchall() for value in row)
            assert not [c for c in planted if c in text], table


def test_reading_a_row_back_gives_the_plain_text(world: World) -> None:
    from attune.diary.models import DiaryEntry

    fresh = DiaryEntry.objects.get(pk=world.private_entry.pk)
    assert fresh.note.startswith("CANARY-diaryentry-note-")


@pytest.mark.parametrize("actor", ["alice", "bob", "carol", "frank", "sam", "ada", "rita", "eli"])
def test_denied_responses_carry_no_canary(world: World, client_for, actor: str) -> None:
    browser = client_for(getattr(world.cast, actor))
    dana = world.dana.pk
    urls = [
        reverse("diary:entry", args=[world.private_entry.pk]),
        reverse("diary:script", args=[world.own_draft.pk]),
        reverse("diary:client_entry", args=[dana, world.private_entry.pk]),
        reverse("diary:client_script", args=[dana, world.own_draft.pk]),
        reverse("api:get_diary_entry", args=[dana, world.private_entry.pk]),
        reverse("api:get_script", args=[dana, world.own_draft.pk]),
        reverse("api:list_phrases", args=[dana]),
        reverse("skills:client_skills", args=[dana]),
    ]
    for url in urls:
        response = browser.get(url)
        if response.status_code >= 400:
            assert not canaries_in(response), (actor, url)
