"""The intake through the API: send, answer, keep a section for the session, pause, send back idempotently, and
the care team's summary and notes."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.urls import reverse

from attune.intake.models import Intake
from tests.intake.support import send

pytestmark = pytest.mark.django_db


def _call(browser: Any, method: str, url: str, payload: dict | None = None) -> Any:
    return getattr(browser, method)(url, json.dumps(payload or {}), content_type="application/json")


def test_the_whole_intake_through_the_api(cast, api_for) -> None:
    bob, eli = api_for(cast.bob), api_for(cast.eli)
    client_id = cast.client("eli").pk
    created = _call(bob, "post", reverse("api:send_intake", args=[client_id]))
    assert created.status_code == 201, created.content
    intake_id = created.json()["id"]
    assert _call(bob, "post", reverse("api:send_intake", args=[client_id])).status_code == 422  # one per episode

    state = eli.get(reverse("api:get_intake", args=[intake_id])).json()
    assert state["status"] == "sent" and state["next_step"] == {
        "kind": "section",
        "link_id": "about",
        "section": "about",
    }
    assert [s["link_id"] for s in state["sections"]] == [
        "about",
        "relationships",
        "safety",
        "contact",
        "coercion",
        "body",
        "support",
    ]

    put = reverse("api:answer_intake_item", args=[intake_id, "about-hopes"])
    saved = _call(eli, "put", put, {"text": "Feel at home in my body again."})
    assert saved.status_code == 200 and saved.json()["safety_concern"] is False
    assert saved.json()["next_step"]["link_id"] == "about-signs"
    bad = _call(eli, "put", reverse("api:answer_intake_item", args=[intake_id, "rel-status"]), {"codes": ["x"]})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "codes"
    status_url = reverse("api:answer_intake_item", args=[intake_id, "rel-status"])
    two = _call(eli, "put", status_url, {"codes": ["dating", "relationship"]})
    assert two.status_code == 422
    long = _call(eli, "put", reverse("api:answer_intake_item", args=[intake_id, "rel-good"]), {"text": "x" * 2001})
    assert long.status_code == 422
    skipped = _call(eli, "put", reverse("api:answer_intake_item", args=[intake_id, "about-signs"]), {"skipped": True})
    assert {"link_id": "about-signs", "codes": [], "text": "", "skipped": True} in skipped.json()["answers"]

    kept = _call(eli, "post", reverse("api:keep_intake_section", args=[intake_id, "coercion"]), {"in_person": True})
    assert kept.status_code == 200
    assert {"link_id": "coercion", "title": "Experiences of pressure or coercion", "in_person": True} in kept.json()[
        "sections"
    ]
    paused = _call(eli, "post", reverse("api:pause_intake", args=[intake_id]), {"position": "rel-status"})
    assert paused.json()["next_step"]["link_id"] == "rel-status"
    nowhere = _call(eli, "post", reverse("api:pause_intake", args=[intake_id]), {"position": "nowhere"})
    assert nowhere.status_code == 422

    key = str(uuid.uuid4())
    submitted = _call(eli, "post", reverse("api:submit_intake", args=[intake_id]), {"submission_id": key})
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    again = _call(eli, "post", reverse("api:submit_intake", args=[intake_id]), {"submission_id": key})
    assert again.status_code == 200 and again.json()["submitted"] == submitted.json()["submitted"]
    other = _call(eli, "post", reverse("api:submit_intake", args=[intake_id]), {"submission_id": str(uuid.uuid4())})
    assert other.status_code == 422
    late = _call(eli, "put", put, {"text": "changed my mind"})
    assert late.status_code == 422

    summary = bob.get(reverse("api:intake_summary", args=[client_id])).json()
    assert [g["words"] for g in summary["goals"]] == ["Feel at home in my body again."]
    coercion = next(s for s in summary["sections"] if s["link_id"] == "coercion")
    assert coercion["in_person"] and coercion["discussed"] is None
    assert "in-person" in [s["code"] for s in summary["next_steps"]]

    noted = _call(
        bob,
        "post",
        reverse("api:discuss_intake_section", args=[intake_id, "coercion"]),
        {"discussed": True, "note": "Talked; to continue."},
    )
    assert noted.status_code == 200 and noted.json()["note"] == "Talked; to continue." and noted.json()["discussed"]
    after = bob.get(reverse("api:intake_summary", args=[client_id])).json()
    assert "in-person" not in [s["code"] for s in after["next_steps"]]


def test_who_may_see_that_there_is_an_intake(cast, api_for) -> None:
    intake = send(cast)
    url = reverse("api:list_intakes", args=[cast.client("eli").pk])
    seen = {name: api_for(getattr(cast, name)).get(url).status_code for name in ("eli", "bob", "sam", "ada", "alice")}
    assert seen == {"eli": 200, "bob": 200, "sam": 200, "ada": 403, "alice": 404}
    assert api_for(cast.sam).get(url).json()[0] == {
        "id": str(intake.pk),
        "client_id": str(cast.client("eli").pk),
        "status": "sent",
        "sent": api_for(cast.sam).get(url).json()[0]["sent"],
        "started": None,
        "submitted": None,
    }
    summary = reverse("api:intake_summary", args=[cast.client("eli").pk])
    assert api_for(cast.sam).get(summary).status_code == 403
    assert api_for(cast.eli).get(summary).status_code == 403


def test_the_definition_is_a_fhir_questionnaire(cast, api_for) -> None:
    body = api_for(cast.frank).get(reverse("api:intake_definition")).json()
    assert body["resourceType"] == "Questionnaire" and body["url"] == "urn:attune:fhir:Questionnaire:intake"


def test_a_second_intake_in_the_same_episode_is_refused(cast) -> None:
    from django.core.exceptions import ValidationError

    from attune.core import policy
    from attune.intake import perms, services

    services.send(policy.client(cast.bob, cast.client("eli").pk, perms.SEND))
    with pytest.raises(ValidationError):
        services.send(policy.client(cast.bob, cast.client("eli").pk, perms.SEND))
    assert Intake.objects.filter(client=cast.client("eli")).count() == 1
