"""Session-note pages for the author, an insider without the right (the client, her partner, the supervisor, the
admin), outsiders and anonymous visitors; signed notes refuse every change; a stale draft shows both versions."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attune.clinical.models import NoteAddendum, SessionNote
from attune.core.models import AuditEvent
from tests.clinical import through_policy as services
from tests.clinical.conftest import World
from tests.diary.support import canaries_in, post

pytestmark = pytest.mark.django_db


def pages(world: World) -> list[str]:
    dana = world.dana.pk
    return [
        reverse("clinical:notes", args=[dana]),
        reverse("clinical:note", args=[dana, world.signed.pk]),
        reverse("clinical:note", args=[dana, world.draft.pk]),
    ]


def test_the_care_team_reads_notes_with_their_addenda(world: World, client_for: Any) -> None:
    browser = client_for(world.cast.alice)
    for url in pages(world):
        assert browser.get(url).status_code == 200, url
    page = browser.get(reverse("clinical:note", args=[world.dana.pk, world.signed.pk])).content.decode()
    assert world.signed.subjective in page and world.signed.plan in page
    assert world.addendum.text in page
    assert "Sign and add the addendum" in page and 'name="version"' not in page


@pytest.mark.parametrize("who", ["dana", "frank", "sam", "ada"])
def test_a_relationship_without_the_right_gets_403_and_no_text(world: World, client_for: Any, who: str) -> None:
    browser = client_for(getattr(world.cast, who))
    for url in pages(world):
        response = browser.get(url)
        assert response.status_code == 403, (who, url)
        assert not canaries_in(response)
    assert AuditEvent.objects.filter(
        agent_id=getattr(world.cast, who).pk, outcome=AuditEvent.Outcome.DENIED, reason__endswith="notes.view"
    ).exists()


@pytest.mark.parametrize("who", ["bob", "carol", "rita"])
def test_no_relationship_gets_404(world: World, client_for: Any, who: str) -> None:
    browser = client_for(getattr(world.cast, who))
    for url in pages(world):
        response = browser.get(url)
        assert response.status_code == 404, (who, url)
        assert not canaries_in(response)


def test_anonymous_visitors_are_sent_to_sign_in(world: World, client: Any) -> None:
    for url in pages(world):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith(reverse("accounts:login"))


def test_reading_a_note_is_audited(world: World, client_for: Any) -> None:
    client_for(world.cast.alice).get(reverse("clinical:note", args=[world.dana.pk, world.signed.pk]))
    reads = AuditEvent.objects.filter(agent_id=world.cast.alice.pk, action=AuditEvent.Action.READ)
    assert reads.filter(entity_type="SessionNote", entity_id=str(world.signed.pk)).exists()
    assert reads.filter(entity_type="NoteAddendum", entity_id=str(world.addendum.pk)).exists()


def test_writing_and_signing_through_the_pages(world: World, client_for: Any) -> None:
    browser, dana = client_for(world.cast.alice), world.dana.pk
    response = post(
        browser, reverse("clinical:note_new", args=[dana]), {"template": "dap", "session_date": "2026-01-05"}
    )
    assert response.status_code == 302
    note = SessionNote.objects.filter(client=world.dana).order_by("-created").first()
    assert note is not None and note.template == "dap" and not note.is_signed
    url = reverse("clinical:note", args=[dana, note.pk])
    form = {
        "session_date": "2026-01-05",
        "version": note.version,
        "data": "What happened",
        "assessment": "",
        "plan": "",
    }
    assert post(browser, url, form).status_code == 302
    autosaved = post(browser, reverse("clinical:note_autosave", args=[dana, note.pk]), {**form, "version": 2})
    assert autosaved.status_code == 200 and autosaved.json()["version"] == 3
    signed = post(browser, reverse("clinical:note_sign", args=[dana, note.pk]), {"version": 3})
    assert signed.status_code == 302
    note.refresh_from_db()
    assert note.is_signed and note.data == "What happened"


def test_a_signed_note_refuses_every_change_through_the_pages(world: World, client_for: Any) -> None:
    browser, dana, note = client_for(world.cast.alice), world.dana.pk, world.signed
    before = {f.attname: getattr(note, f.attname) for f in SessionNote._meta.fields}
    form = {"session_date": "2026-01-05", "version": note.version, "subjective": "changed", "objective": "",
            "assessment": "", "plan": ""}  # fmt: skip
    assert post(browser, reverse("clinical:note", args=[dana, note.pk]), form).status_code == 409
    assert post(browser, reverse("clinical:note_autosave", args=[dana, note.pk]), form).status_code == 409
    assert (
        post(browser, reverse("clinical:note_sign", args=[dana, note.pk]), {"version": note.version}).status_code == 409
    )
    after = SessionNote.objects.get(pk=note.pk)
    assert {f.attname: getattr(after, f.attname) for f in SessionNote._meta.fields} == before


def test_an_addendum_is_signed_and_shown_with_the_note(world: World, client_for: Any) -> None:
    browser, dana = client_for(world.cast.alice), world.dana.pk
    url = reverse("clinical:note_addendum", args=[dana, world.signed.pk])
    assert post(browser, url, {"text": "A later correction"}).status_code == 302
    assert NoteAddendum.objects.filter(note=world.signed).count() == 2
    page = browser.get(reverse("clinical:note", args=[dana, world.signed.pk])).content.decode()
    assert "A later correction" in page
    assert (
        post(browser, reverse("clinical:note_addendum", args=[dana, world.draft.pk]), {"text": "x"}).status_code == 422
    )


def test_a_stale_draft_gets_409_and_the_page_shows_both_versions(world: World, client_for: Any) -> None:
    alice, dana, note = world.cast.alice, world.dana.pk, world.draft
    services.save_draft(alice, dana, note.pk, {"data": "Saved in the other tab"}, note.version)
    browser = client_for(alice)
    form = {"session_date": "2026-01-05", "version": note.version, "data": "Typed in this tab", "assessment": "",
            "plan": ""}  # fmt: skip
    response = post(browser, reverse("clinical:note", args=[dana, note.pk]), form)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Saved in the other tab" in page and "Typed in this tab" in page
    assert f'name="version" value="{note.version + 1}"' in page  # saving again is a deliberate replacement
    assert SessionNote.objects.get(pk=note.pk).data == "Saved in the other tab"
    autosave = post(browser, reverse("clinical:note_autosave", args=[dana, note.pk]), form)
    assert autosave.status_code == 409
    assert SessionNote.objects.get(pk=note.pk).data == "Saved in the other tab"


def test_the_list_page_queries_do_not_grow_with_notes(world: World, client_for: Any) -> None:
    browser, url = client_for(world.cast.alice), reverse("clinical:notes", args=[world.dana.pk])
    browser.get(url)
    with CaptureQueriesContext(connection) as few:
        assert browser.get(url).status_code == 200
    for _ in range(6):
        services.start_note(world.cast.alice, world.dana.pk, "free", {"body": "more"})
    with CaptureQueriesContext(connection) as many:
        assert browser.get(url).status_code == 200
    assert len(many) == len(few)
