"""Every path that records an answer tells the subscribers the same thing: whether it is critical, whether the
item is one whose answer can be critical, and whether it was skipped (its answer then not known, never "no
risk"). The API returns the same safety signal and crisis resources as the intake's; pages and the API show a
skipped critical item as not known."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from django.urls import reverse

from attune.care.models import CrisisResource
from attune.core import events
from tests.questionnaires import acting

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard() -> Iterator[list[events.ResponseAnswered]]:
    found: list[events.ResponseAnswered] = []
    events.subscribe(events.ResponseAnswered, found.append)
    yield found
    events._handlers[events.ResponseAnswered].remove(found.append)


def _csrf(browser) -> dict:
    return {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value}


def _phq9(cast, who: str = "dana"):
    response = acting.start(getattr(cast, who), cast.client("dana").pk, "phq9")
    acting.acknowledge_notice(getattr(cast, who), response.pk)
    return response


def _nine(heard: list[events.ResponseAnswered]) -> events.ResponseAnswered:
    return [e for e in heard if e.link_id == "phq9-9"][-1]


@pytest.mark.parametrize("autosave", [False, True])
def test_page_and_autosave_publish_the_skip_of_a_critical_item(cast, client_for, heard, autosave) -> None:
    response = _phq9(cast)
    dana = client_for(cast.dana)
    dana.get(reverse("questionnaires:portal_item", args=[response.pk, "phq9-1"]))
    headers = {"HTTP_X_ATTUNE_AUTOSAVE": "1"} if autosave else {}
    url = reverse("questionnaires:portal_item", args=[response.pk, "phq9-9"])
    saved = dana.post(url, {"answer": "skip", "action": "next", **_csrf(dana)}, **headers)
    assert saved.status_code == (204 if autosave else 302)
    event = _nine(heard)
    assert (event.critical_item, event.skipped, event.critical, event.value) == (True, True, False, None)
    dana.post(url, {"answer": "2", "action": "next", **_csrf(dana)}, **headers)
    event = _nine(heard)
    assert (event.critical_item, event.skipped, event.critical) == (True, False, True)


def test_an_ordinary_item_is_not_a_critical_item(cast, heard) -> None:
    response = _phq9(cast)
    acting.answer(cast.dana, response.pk, "phq9-1", skipped=True)
    assert (heard[-1].critical_item, heard[-1].skipped) == (False, True)


def test_in_session_answers_publish_the_same(cast, heard) -> None:
    response = _phq9(cast, "alice")
    acting.answer(cast.alice, response.pk, "phq9-9", skipped=True)
    assert (_nine(heard).critical_item, _nine(heard).skipped) == (True, True)


def test_the_api_answer_returns_the_safety_signal_and_crisis_resources(cast, api_for, heard) -> None:
    CrisisResource.objects.create(practice=cast.client("dana").practice, name="Night Line", phone="0800 000 111")
    response = _phq9(cast)
    dana = api_for(cast.dana)
    url = f"/api/v1/responses/{response.pk}/answers/"
    plain = dana.put(url + "phq9-1", data={"value": 1}, content_type="application/json").json()
    assert plain["safety_concern"] is False and plain["crisis_resources"] == [] and plain["critical_unknown"] is False
    skipped = dana.put(url + "phq9-9", data={"skipped": True}, content_type="application/json").json()
    assert skipped["safety_concern"] is False and skipped["critical_unknown"] is True
    assert (_nine(heard).critical_item, _nine(heard).skipped) == (True, True)
    critical = dana.put(url + "phq9-9", data={"value": 1}, content_type="application/json")
    assert critical.status_code == 200, critical.content
    body = critical.json()
    assert body["safety_concern"] is True and body["critical_unknown"] is False
    assert [r["name"] for r in body["crisis_resources"]] == ["Night Line"]
    assert body["crisis_resources"][0]["phone"] == "0800 000 111"


def test_the_openapi_document_declares_the_answer_schema(cast, api_for) -> None:
    from attune.api.main import api

    schema = api.get_openapi_schema()
    operation = schema["paths"]["/api/v1/responses/{response_id}/answers/{link_id}"]["put"]
    ref = (operation["responses"].get(200) or operation["responses"]["200"])["content"]["application/json"]["schema"][
        "$ref"
    ]
    name = ref.rsplit("/", 1)[-1]
    properties = schema["components"]["schemas"][name]["properties"]
    assert {"safety_concern", "critical_unknown", "crisis_resources"} <= set(properties)


def _sent_with_nine_skipped(cast):
    response = _phq9(cast)
    for n in range(1, 9):
        acting.answer(cast.dana, response.pk, f"phq9-{n}", value=0)
    acting.answer(cast.dana, response.pk, "phq9-9", skipped=True)
    return acting.submit(cast.dana, response.pk, uuid.uuid4())


def test_a_skipped_item_9_is_not_known_in_the_api(cast, api_for) -> None:
    response = _sent_with_nine_skipped(cast)
    body = api_for(cast.alice).get(f"/api/v1/responses/{response.pk}").json()
    assert body["score"]["critical_unknown"] == ["phq9-9"]
    assert body["score"]["flags"]["critical"] is None  # not known, never false
    scores = api_for(cast.alice).get(f"/api/v1/clients/{cast.client('dana').pk}/scores").json()
    assert scores[0]["score"]["critical_unknown"] == ["phq9-9"]


def test_a_skipped_item_9_is_not_known_on_the_pages(cast, client_for) -> None:
    response = _sent_with_nine_skipped(cast)
    alice = client_for(cast.alice)
    detail = alice.get(reverse("questionnaires:response", args=[cast.client("dana").pk, response.pk])).content.decode()
    assert "Not known" in detail and "not known" in detail and "not the same as no risk" in detail
    listing = alice.get(reverse("questionnaires:client_measures", args=[cast.client("dana").pk])).content.decode()
    assert "not known" in listing


def test_an_answered_item_9_of_0_is_not_unknown(cast, api_for) -> None:
    response = _phq9(cast)
    for n in range(1, 10):
        acting.answer(cast.dana, response.pk, f"phq9-{n}", value=0)
    sent = acting.submit(cast.dana, response.pk, uuid.uuid4())
    body = api_for(cast.alice).get(f"/api/v1/responses/{sent.pk}").json()
    assert body["score"]["critical_unknown"] == [] and body["score"]["flags"]["critical"] is False


def test_sending_with_item_9_left_blank_is_heard_as_skipped(cast, heard) -> None:
    response = _phq9(cast)
    for n in range(1, 9):
        acting.answer(cast.dana, response.pk, f"phq9-{n}", value=0)
    acting.submit(cast.dana, response.pk, uuid.uuid4())
    assert (_nine(heard).critical_item, _nine(heard).skipped) == (True, True)
