"""Who sees what of an intake: the client answers it, the care team reads it once sent, a supervisor sees that it
exists and its status, an admin and a partner nothing. Outsiders get 404, insiders without the right 403."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client as DjangoClient
from django.urls import reverse

from attune.core.models import AuditEvent
from attune.intake import services
from tests.intake.support import csrf, post, reach, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_intake(cast):
    intake = send(cast)
    services.answer(reach(cast.eli, intake), "about-hopes", text="Feel steadier day to day.")
    services.keep_for_session(reach(cast.eli, intake), "coercion")
    services.submit(reach(cast.eli, intake), uuid.uuid4())
    return intake


def overview(client_for, user, cast) -> str:
    return client_for(user).get(reverse("workspace:client", args=[cast.client("eli").pk])).content.decode()


def test_the_overview_card_for_each_role(cast, client_for, sent_intake) -> None:
    bob = overview(client_for, cast.bob, cast)
    assert 'id="intake-overview"' in bob and "Feel steadier day to day." in bob and "Open the intake summary" in bob
    sam = overview(client_for, cast.sam, cast)
    assert 'id="intake-overview"' in sam and "Received" in sam
    assert "Feel steadier" not in sam and "Open the intake summary" not in sam and "To talk about in person" not in sam
    ada = overview(client_for, cast.ada, cast)
    assert 'id="intake-overview"' not in ada
    assert client_for(cast.frank).get(reverse("workspace:client", args=[cast.client("dana").pk])).status_code == 403


def test_the_summary_page(cast, client_for, sent_intake) -> None:
    url = reverse("intake:summary", args=[cast.client("eli").pk])
    assert client_for(cast.bob).get(url).status_code == 200
    assert client_for(cast.eli).get(url).status_code == 403  # the client: not the care team's page
    assert client_for(cast.sam).get(url).status_code == 403
    assert client_for(cast.alice).get(url).status_code == 404  # not on Eli's care team
    assert client_for(cast.carol).get(url).status_code == 404
    anonymous = DjangoClient().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:login"))
    assert client_for(cast.bob).get(reverse("intake:summary", args=[uuid.uuid4()])).status_code == 404


def test_the_portal_pages_are_the_clients_own(cast, client_for) -> None:
    intake = send(cast)
    url = reverse("intake:portal_welcome", args=[intake.pk])
    assert client_for(cast.eli).get(url).status_code == 200
    before = AuditEvent.objects.filter(outcome=AuditEvent.Outcome.DENIED).count()
    assert client_for(cast.bob).get(url).status_code == 403  # the clinician reads, never answers
    assert client_for(cast.dana).get(url).status_code == 404
    assert client_for(cast.frank).get(url).status_code == 404
    assert AuditEvent.objects.filter(outcome=AuditEvent.Outcome.DENIED).count() == before + 3
    assert client_for(cast.eli).get(reverse("intake:portal_welcome", args=[uuid.uuid4()])).status_code == 404


def test_wrong_methods(cast, client_for) -> None:
    intake = send(cast)
    eli, bob = client_for(cast.eli), client_for(cast.bob)
    assert bob.get(reverse("intake:send", args=[cast.client("eli").pk])).status_code == 405
    assert eli.post(reverse("intake:portal_support", args=[intake.pk]), {}).status_code in {403, 405}
    assert post(eli, reverse("intake:portal_support", args=[intake.pk])).status_code == 405


def test_a_clinician_cannot_discuss_another_clients_intake_through_their_own_url(cast, client_for, sent_intake) -> None:
    dana_intake = send(cast, "dana", "alice")
    # Bob, with Eli's client id in the path and Dana's intake id: Dana's intake is not visible to him.
    url = reverse("intake:discuss", args=[cast.client("eli").pk, dana_intake.pk, "coercion"])
    assert post(client_for(cast.bob), url, {"discussed": "on"}).status_code == 404
    # Alice, with Dana's intake but Eli's client id: refused too.
    mixed = reverse("intake:discuss", args=[cast.client("eli").pk, dana_intake.pk, "coercion"])
    assert post(client_for(cast.alice), mixed, {"discussed": "on"}).status_code == 404


def test_sending_is_offered_once_per_episode(cast, client_for) -> None:
    bob = client_for(cast.bob)
    assert "Send the intake" in overview(client_for, cast.bob, cast)
    post(bob, reverse("intake:send", args=[cast.client("eli").pk]))
    assert "Send the intake" not in overview(client_for, cast.bob, cast)
    second = post(bob, reverse("intake:send", args=[cast.client("eli").pk]))
    assert second.status_code == 302  # back to the record, with a message


def test_before_sending_the_care_team_does_not_see_which_parts_are_kept_for_the_session(cast, client_for) -> None:
    intake = send(cast)
    services.keep_for_session(reach(cast.eli, intake), "coercion")
    page = client_for(cast.bob).get(reverse("intake:summary", args=[cast.client("eli").pk])).content.decode()
    assert "To talk about in person</span>" not in page and "For the session" not in page


def test_an_outsider_posting_an_invalid_note_is_refused_before_the_form_is_read(cast, client_for) -> None:
    dana_intake = send(cast, "dana", "alice")
    url = reverse("intake:discuss", args=[cast.client("dana").pk, dana_intake.pk, "coercion"])
    bob = client_for(cast.bob)
    token = csrf(bob)  # fetching the token is a refused visit of its own
    before = AuditEvent.objects.filter(outcome=AuditEvent.Outcome.DENIED, agent_id=cast.bob.pk).count()
    assert bob.post(url, {"note": "x" * 5000, **token}).status_code == 404
    assert AuditEvent.objects.filter(outcome=AuditEvent.Outcome.DENIED, agent_id=cast.bob.pk).count() == before + 1
