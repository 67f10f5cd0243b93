"""The intake asks, each question skippable and each section keepable for the session, about thoughts of self-harm
or suicide (any answer but "no" is a safety concern) and about safe ways to be contacted (written to the client's
record when the intake is sent, only what the client answered)."""

from __future__ import annotations

import copy
import uuid

import pytest

from attune.care import perms as care_perms
from attune.care import services as care_services
from attune.care.models import SafeContact
from attune.core import events, policy
from attune.intake import definition, services
from tests.intake.support import crisis_line, reach, send

pytestmark = pytest.mark.django_db

CONTACT = ("contact-email", "contact-push", "contact-phone", "contact-number", "contact-message", "contact-avoid")


def test_the_new_questions_are_in_the_definition_and_skippable() -> None:
    loaded = definition.load()
    harm = loaded.question("safety-self-harm")
    assert harm.section == "safety" and [o.code for o in harm.options if not o.concern] == ["no"]
    assert {q.link_id for q in loaded.section("contact").questions} == set(CONTACT)
    assert {q.safe_contact for q in loaded.section("contact").questions} == {
        "email_ok",
        "push_ok",
        "phone_ok",
        "phone",
        "may_leave_message",
        "times_to_avoid",
    }
    raw = {i["linkId"]: i for g in loaded.questionnaire["item"] for i in g["item"]}
    assert all(raw[link]["required"] is False for link in (*CONTACT, "safety-self-harm"))


@pytest.mark.parametrize(("code", "concern"), [("no", False), ("sometimes", True), ("often", True), ("not-sure", True)])
def test_thoughts_of_self_harm_other_than_no_are_a_safety_concern(cast, monkeypatch, code, concern) -> None:
    heard: list[events.SafetyConcern] = []
    monkeypatch.setitem(events._handlers, events.SafetyConcern, [heard.append])
    intake = send(cast)
    answered = services.answer(reach(cast.eli, intake), "safety-self-harm", codes=[code])
    assert answered.concern is concern
    assert [e.item for e in heard] == (["safety-self-harm"] if concern else [])


def test_skipping_the_self_harm_question_raises_nothing(cast, monkeypatch) -> None:
    heard: list[events.SafetyConcern] = []
    monkeypatch.setitem(events._handlers, events.SafetyConcern, [heard.append])
    intake = send(cast)
    assert services.answer(reach(cast.eli, intake), "safety-self-harm", skipped=True).concern is False
    assert heard == []


def test_the_api_shows_crisis_resources_for_thoughts_of_self_harm(cast, api_for) -> None:
    crisis_line(cast)
    intake = send(cast)
    answered = api_for(cast.eli).put(
        f"/api/v1/intakes/{intake.pk}/answers/safety-self-harm",
        data={"codes": ["sometimes"]},
        content_type="application/json",
    )
    assert answered.status_code == 200, answered.content
    body = answered.json()
    assert body["safety_concern"] is True and body["crisis_resources"][0]["name"] == "Quiet Harbour Line"


def _contact(cast) -> SafeContact | None:
    return SafeContact.objects.filter(client=cast.client("eli")).first()


def test_only_what_was_answered_is_written_when_the_intake_is_sent(cast) -> None:
    # Eli said earlier, in their settings, that a phone number is fine.
    care_services.record_safe_contact(
        policy.own(cast.eli, care_perms.MANAGE_CONTACT), {"phone_ok": True, "phone": "07700 900999"}
    )
    intake = send(cast)
    services.answer(reach(cast.eli, intake), "contact-email", codes=["no"])
    services.answer(reach(cast.eli, intake), "contact-push", skipped=True)
    services.answer(reach(cast.eli, intake), "contact-avoid", text="Weekends")
    assert _contact(cast).email_ok is None  # nothing is written before the intake is sent
    services.submit(reach(cast.eli, intake), uuid.uuid4())
    row = _contact(cast)
    assert (row.email_ok, row.push_ok, row.phone_ok, row.phone, row.times_to_avoid) == (
        False,
        None,
        True,
        "07700 900999",
        "Weekends",
    )


def test_a_number_given_and_then_phone_said_no_is_not_written(cast) -> None:
    intake = send(cast)
    services.answer(reach(cast.eli, intake), "contact-phone", codes=["yes"])
    services.answer(reach(cast.eli, intake), "contact-number", text="07700 900123")
    services.answer(reach(cast.eli, intake), "contact-phone", codes=["no"])  # the number is no longer asked
    services.submit(reach(cast.eli, intake), uuid.uuid4())
    row = _contact(cast)
    assert row.phone_ok is False and row.phone == ""


def test_an_intake_sent_without_contact_answers_writes_nothing(cast) -> None:
    intake = send(cast)
    services.keep_for_session(reach(cast.eli, intake), "contact")
    services.submit(reach(cast.eli, intake), uuid.uuid4())
    assert _contact(cast) is None


def test_a_safe_contact_field_must_be_one_the_record_knows() -> None:
    raw = copy.deepcopy(definition.load().questionnaire)
    email = next(i for g in raw["item"] for i in g["item"] if i["linkId"] == "contact-email")
    email["extension"] = [e for e in email["extension"] if e["url"] != definition.SAFE_CONTACT_URL]
    email["extension"].append({"url": definition.SAFE_CONTACT_URL, "valueCode": "fax_ok"})
    with pytest.raises(definition.DefinitionError, match="fax_ok"):
        definition.build("broken", raw)
