"""An answer that suggests danger shows a gentle safety message with the practice's crisis resources before the
next question, and alerts the care team, once."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from attune.core import events
from attune.core.models import AuditEvent
from attune.intake import services
from attune.monitoring.models import Alert
from tests.intake.support import crisis_line, item_url, post, reach, send

pytestmark = pytest.mark.django_db


def test_a_safety_answer_shows_support_at_once_and_alerts_the_care_team(cast, client_for) -> None:
    crisis_line(cast)
    intake = send(cast)
    eli, bob = client_for(cast.eli), client_for(cast.bob)
    services.begin(reach(cast.eli, intake))
    services.answer(reach(cast.eli, intake), "about-hopes", text="Private hopes, not for the alert")
    # The autosave saves the answer as it is chosen, then Next moves on: one alert either way.
    saved = post(eli, item_url(intake, "safety-afraid"), {"codes": ["yes"]}, HTTP_X_ATTUNE_AUTOSAVE="1")
    assert saved.status_code == 204
    moved = post(eli, item_url(intake, "safety-afraid"), {"codes": ["yes"], "action": "next"})
    assert moved["Location"] == reverse("intake:portal_support", args=[intake.pk])
    page = eli.get(moved["Location"]).content.decode()
    assert "Thank you for telling us" in page and "Quiet Harbour Line" in page and "0800 000 111" in page
    assert "Your care team has been told" in page and "emergency number" in page
    assert "Continue when you are ready" in page

    alerts = Alert.objects.filter(client=cast.client("eli"), kind=Alert.Kind.INTAKE_SAFETY)
    assert [(a.item, a.instrument, a.response_id) for a in alerts] == [("safety-afraid", "intake", None)]
    assert AuditEvent.objects.filter(reason="alert:intake_safety", client_id=cast.client("eli").pk).count() == 1

    inbox = bob.get(reverse("monitoring:alerts")).content.decode()
    assert "An intake answer suggests a safety concern" in inbox
    detail = bob.get(reverse("monitoring:alert", args=[alerts[0].pk])).content.decode()
    assert reverse("intake:summary", args=[cast.client("eli").pk]) in detail
    overview = bob.get(reverse("workspace:client", args=[cast.client("eli").pk])).content.decode()
    assert "An intake answer suggests a safety concern" in overview and "to talk through soon" in overview

    # Before Eli sends the intake, Bob sees the flag the alert told him about, and nothing else.
    summary = bob.get(reverse("intake:summary", args=[cast.client("eli").pk])).content.decode()
    assert "Afraid of a partner or ex-partner" in summary and "Talk through the safety answers" in summary
    assert "Private hopes" not in summary
    # A supervisor sees the alert, not the intake.
    assert (
        "An intake answer suggests a safety concern"
        in client_for(cast.sam).get(reverse("monitoring:alerts")).content.decode()
    )
    assert client_for(cast.sam).get(reverse("intake:summary", args=[cast.client("eli").pk])).status_code == 403


def test_safe_answers_raise_nothing(cast, client_for) -> None:
    intake = send(cast)
    eli = client_for(cast.eli)
    for link_id, code in [("safety-afraid", "no"), ("safety-harm", "not-sure"), ("safety-feel", "mostly")]:
        moved = post(eli, item_url(intake, link_id), {"codes": [code], "action": "next"})
        assert moved["Location"] != reverse("intake:portal_support", args=[intake.pk])
    assert not Alert.objects.filter(client=cast.client("eli")).exists()


def test_coercion_still_happening_is_a_safety_answer_too(cast) -> None:
    intake = send(cast)
    services.answer(reach(cast.eli, intake), "coer-any", codes=["yes"])
    answered = services.answer(reach(cast.eli, intake), "coer-when", codes=["adult", "ongoing"])
    assert answered.concern
    assert Alert.objects.filter(client=cast.client("eli"), item="coer-when").count() == 1


def test_the_api_returns_the_crisis_resources_with_a_safety_answer(cast, api_for) -> None:
    crisis_line(cast)
    intake = send(cast)
    response = api_for(cast.eli).put(
        reverse("api:answer_intake_item", args=[intake.pk, "safety-harm"]),
        json.dumps({"codes": ["yes"]}),
        content_type="application/json",
    )
    body = response.json()
    assert response.status_code == 200 and body["safety_concern"] is True
    assert [r["name"] for r in body["crisis_resources"]] == ["Quiet Harbour Line"]


def test_a_safety_answer_is_published_as_a_concern_in_the_answers_transaction(cast, monkeypatch) -> None:
    heard: list[events.SafetyConcern] = []
    monkeypatch.setitem(events._handlers, events.SafetyConcern, [heard.append])
    intake = send(cast)
    services.answer(reach(cast.eli, intake), "safety-afraid", codes=["yes"])
    services.answer(reach(cast.eli, intake), "safety-feel", codes=["mostly"])
    assert heard == [
        events.SafetyConcern(
            client_id=cast.client("eli").pk,
            source="intake",
            source_id=intake.pk,
            item="safety-afraid",
            since=intake.created,
        )
    ]
    assert not Alert.objects.filter(client=cast.client("eli")).exists()  # nobody else listened
