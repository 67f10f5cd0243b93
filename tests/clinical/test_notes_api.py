"""The session-note API: content for the care team only, 409 on a stale or signed write, addenda."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from attune.clinical.models import SessionNote
from tests.clinical import through_policy as services
from tests.clinical.conftest import World
from tests.diary.support import canaries_in, send

pytestmark = pytest.mark.django_db


def url(name: str, *args: Any) -> str:
    return reverse(f"api:{name}", args=args)


def test_the_care_team_reads_the_list_and_a_note_with_its_addenda(world: World, api_for: Any) -> None:
    api, dana = api_for(world.cast.alice), world.dana.pk
    listed = api.get(url("list_session_notes", dana)).json()
    assert {n["id"] for n in listed["items"]} == {str(world.signed.pk), str(world.draft.pk)}
    assert not canaries_in(api.get(url("list_session_notes", dana)))  # the list carries no note text
    note = api.get(url("get_session_note", dana, world.signed.pk)).json()
    assert note["status"] == "signed" and note["sections"]["subjective"] == world.signed.subjective
    assert [a["text"] for a in note["addenda"]] == [world.addendum.text]


@pytest.mark.parametrize(("who", "status"), [("dana", 403), ("frank", 403), ("sam", 403), ("ada", 403),
                                             ("bob", 404), ("carol", 404), ("rita", 404)])  # fmt: skip
def test_everyone_else_gets_no_note(world: World, api_for: Any, who: str, status: int) -> None:
    api, dana = api_for(getattr(world.cast, who)), world.dana.pk
    for path in (url("list_session_notes", dana), url("get_session_note", dana, world.signed.pk)):
        response = api.get(path)
        assert response.status_code == status
        assert not canaries_in(response)


def test_create_update_sign_and_amend(world: World, api_for: Any) -> None:
    api, dana = api_for(world.cast.alice), world.dana.pk
    created = send(api, "POST", url("create_session_note", dana),
                   {"template": "birp", "session_date": "2026-01-05", "sections": {"behaviour": "Calm"}})  # fmt: skip
    assert created.status_code == 201
    note = created.json()
    patched = send(api, "PATCH", url("update_session_note", dana, note["id"]),
                   {"sections": {"plan": "Next week"}, "version": note["version"]})  # fmt: skip
    assert patched.status_code == 200 and patched.json()["sections"]["plan"] == "Next week"
    signed = send(api, "POST", url("sign_session_note", dana, note["id"]), {"version": patched.json()["version"]})
    assert signed.status_code == 200 and signed.json()["signed_at"]
    added = send(api, "POST", url("add_note_addendum", dana, note["id"]), {"text": "Later"})
    assert added.status_code == 201 and added.json()["text"] == "Later"


def test_a_signed_note_refuses_every_change_through_the_api(world: World, api_for: Any) -> None:
    api, dana, note = api_for(world.cast.alice), world.dana.pk, world.signed
    before = {f.attname: getattr(note, f.attname) for f in SessionNote._meta.fields}
    patch = send(api, "PATCH", url("update_session_note", dana, note.pk),
                 {"sections": {"subjective": "changed"}, "version": note.version})  # fmt: skip
    assert patch.status_code == 409 and "signed" in patch.json()["detail"]
    assert send(api, "POST", url("sign_session_note", dana, note.pk), {"version": note.version}).status_code == 409
    after = SessionNote.objects.get(pk=note.pk)
    assert {f.attname: getattr(after, f.attname) for f in SessionNote._meta.fields} == before


def test_a_stale_draft_gets_409(world: World, api_for: Any) -> None:
    api, dana, note = api_for(world.cast.alice), world.dana.pk, world.draft
    services.save_draft(world.cast.alice, dana, note.pk, {"data": "Other tab"}, note.version)
    response = send(api, "PATCH", url("update_session_note", dana, note.pk),
                    {"sections": {"data": "Stale"}, "version": note.version})  # fmt: skip
    assert response.status_code == 409
    assert SessionNote.objects.get(pk=note.pk).data == "Other tab"


def test_an_addendum_to_a_draft_is_refused(world: World, api_for: Any) -> None:
    api = api_for(world.cast.alice)
    response = send(api, "POST", url("add_note_addendum", world.dana.pk, world.draft.pk), {"text": "x"})
    assert response.status_code == 422
