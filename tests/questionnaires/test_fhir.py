import uuid

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire

from attune.measures import library
from attune.questionnaires import engine, fhir
from attune.questionnaires.models import Response
from tests import fhir_checks
from tests.questionnaires import acting

pytestmark = pytest.mark.django_db


def _completed(cast, code: str, values: dict[str, float | None]) -> Response:
    if not engine.administrable(library.load(code)):
        # Item text the practice loads itself: not answerable here yet, but importable from another system.
        items = [
            {"linkId": k, "answer": [{"valueDecimal": v}]}
            if v is not None
            else {"linkId": k, "extension": [fhir.DECLINED]}
            for k, v in values.items()
        ]
        resource = {
            "resourceType": "QuestionnaireResponse",
            "status": "completed",
            "questionnaire": code,
            "item": items,
        }
        return acting.import_response(cast.alice, cast.client("dana").pk, resource)
    response = acting.start(cast.dana, cast.client("dana").pk, code)
    for link_id, value in values.items():
        acting.answer(cast.dana, response.pk, link_id, value=value, skipped=value is None)
    return acting.submit(cast.dana, response.pk, uuid.uuid4())


@pytest.mark.parametrize("code", [i.code for i in library.all_instruments()])
def test_every_instrument_exports_as_a_valid_fhir_questionnaire(code: str) -> None:
    Questionnaire.model_validate(library.load(code).questionnaire)


@pytest.mark.parametrize(("code", "panel_total"), [("phq9", "44261-6"), ("gad7", "70274-6"), ("pcl5", "101698-9")])
def test_response_exports_as_a_valid_bundle_with_loinc_codes(cast, code: str, panel_total: str) -> None:
    instrument = library.load(code)
    values: dict[str, float | None] = {link: 1.0 for link in instrument.item_ids}
    values[instrument.item_ids[1]] = None
    response = _completed(cast, code, values)
    document = fhir.bundle(response)
    Bundle.model_validate(document)
    kinds = [e["resource"]["resourceType"] for e in document["entry"]]
    assert kinds == ["Patient", "Questionnaire", "QuestionnaireResponse", "Observation"]
    patient, _questionnaire, qr, observation = [e["resource"] for e in document["entry"]]
    assert set(patient) == {"resourceType", "id", "meta"}  # by id alone: the bundle names no one
    assert qr["subject"] == observation["subject"] == {"reference": f"urn:uuid:{response.client_id}"}
    assert observation["derivedFrom"] == [{"reference": f"urn:uuid:{response.pk}"}]
    assert observation["code"]["coding"][0]["code"] == panel_total
    assert observation["valueQuantity"]["value"] == response.total
    assert {"code": "SDV", "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode"} in document["meta"]["security"]
    (group,) = qr["item"]  # the answers sit inside the Questionnaire's group, as in the Questionnaire
    assert group["linkId"] == instrument.questionnaire["item"][0]["linkId"]
    declined = next(i for i in group["item"] if i["linkId"] == instrument.item_ids[1])
    assert declined["extension"][0]["valueCode"] == "asked-declined"


@pytest.mark.parametrize("code", [i.code for i in library.all_instruments()])
def test_every_reference_in_an_exported_bundle_resolves_inside_it(cast, code: str) -> None:
    instrument = library.load(code)
    values: dict[str, float | None] = {item["linkId"]: item["options"][-1][0] for item in instrument.items}
    response = _completed(cast, code, values)
    document = fhir.bundle(response)
    Bundle.model_validate(document)
    assert len(fhir_checks.references(document)) >= 3
    assert fhir_checks.unresolved(document) == []


def _tree(items: list[dict]) -> list[tuple[str, list]]:
    return [(i["linkId"], _tree(i.get("item", []))) for i in items if i.get("type") != "display"]


@pytest.mark.parametrize("code", [i.code for i in library.all_instruments()])
def test_the_response_nests_its_items_exactly_as_the_questionnaire_does(cast, code: str) -> None:
    instrument = library.load(code)
    values: dict[str, float | None] = {item["linkId"]: item["options"][-1][0] for item in instrument.items}
    response = _completed(cast, code, values)
    qr = fhir.questionnaire_response(response)
    assert [(i["linkId"], _tree(i.get("item", []))) for i in qr["item"]] == _tree(instrument.questionnaire["item"])
    assert qr["questionnaire"] == f"{instrument.questionnaire['url']}|{instrument.questionnaire['version']}"


def test_answers_carry_the_questionnaires_own_codings_and_phq9_item_10_its_loinc_answers(cast) -> None:
    values: dict[str, float | None] = {f"phq9-{n}": 1.0 for n in range(1, 10)} | {"phq9-10": 2.0}
    qr = fhir.questionnaire_response(_completed(cast, "phq9", values))
    answers = {i["linkId"]: i["answer"][0]["valueCoding"] for i in qr["item"][0]["item"]}
    assert answers["phq9-1"] == {"system": "http://loinc.org", "code": "LA6569-3", "display": "Several days"}
    assert answers["phq9-10"] == {"system": "http://loinc.org", "code": "LA6575-0", "display": "Very difficult"}
    # LOINC answer list LL359-1 (69722-7), in the Questionnaire itself:
    difficulty = library.load("phq9").item("phq9-10")["options"]
    assert [(o[2], o[1]) for o in difficulty] == [
        ("LA6572-7", "Not difficult at all"),
        ("LA6573-5", "Somewhat difficult"),
        ("LA6575-0", "Very difficult"),
        ("LA6574-3", "Extremely difficult"),
    ]


def test_answers_to_questions_not_asked_stay_out_of_the_response(cast) -> None:
    response = acting.start(cast.dana, cast.client("dana").pk, "pcptsd5")
    acting.answer(cast.dana, response.pk, "pcptsd5-exposure", value=1.0)
    acting.answer(cast.dana, response.pk, "pcptsd5-1", value=1.0)
    acting.answer(cast.dana, response.pk, "pcptsd5-exposure", value=0.0)  # changed her mind: the rest not asked
    qr = fhir.questionnaire_response(acting.submit(cast.dana, response.pk, uuid.uuid4()))
    assert [i["linkId"] for i in qr["item"]] == ["pcptsd5-exposure"]


@pytest.mark.parametrize("version", ["1.0.0", ""])
def test_a_response_naming_the_questionnaire_with_its_version_is_imported(cast, version: str) -> None:
    canonical = "urn:attune:fhir:Questionnaire:gad7" + (f"|{version}" if version else "")
    resource = {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "questionnaire": canonical,
        "item": [{"linkId": f"gad7-{n}", "answer": [{"valueInteger": 1}]} for n in range(1, 8)],
    }
    imported = acting.import_response(cast.alice, cast.client("dana").pk, resource)
    assert imported.instrument == "gad7" and imported.total == 7


def test_a_response_to_another_version_is_refused_with_a_clear_422(cast, api_for) -> None:
    resource = _phq9_response([{"linkId": "phq9-1", "answer": [{"valueInteger": 1}]}])
    resource["questionnaire"] = "urn:attune:fhir:Questionnaire:phq9|2.0.0"
    refused = api_for(cast.alice).post(
        f"/api/v1/clients/{cast.client('dana').pk}/responses/fhir", data=resource, content_type="application/json"
    )
    assert refused.status_code == 422, refused.content
    said = refused.content.decode()
    assert "version 2.0.0" in said and "1.0.0" in said


def test_an_answer_coding_from_another_code_system_is_refused(cast) -> None:
    from django.core.exceptions import ValidationError

    wrong = {"system": "urn:somewhere:else", "code": "LA6569-3"}
    with pytest.raises(ValidationError, match="not one of its options"):
        acting.import_response(
            cast.alice,
            cast.client("dana").pk,
            _phq9_response([{"linkId": "phq9-1", "answer": [{"valueCoding": wrong}]}]),
        )


def test_round_trip_import_scores_the_same(cast) -> None:
    instrument = library.load("pcl5")
    values: dict[str, float | None] = {link: float(n % 5) for n, link in enumerate(instrument.item_ids)}
    values[instrument.item_ids[4]] = None
    original = _completed(cast, "pcl5", values)
    exported = fhir.questionnaire_response(original)
    imported = acting.import_response(cast.alice, cast.client("dana").pk, exported)
    assert imported.pk != original.pk
    assert (imported.total, imported.missing_rule, imported.subscales) == (
        original.total,
        original.missing_rule,
        original.subscales,
    )


@pytest.mark.parametrize(
    ("resource", "message"),
    [
        ({"resourceType": "Patient"}, "QuestionnaireResponse"),
        ({"resourceType": "QuestionnaireResponse", "status": "in-progress"}, "completed"),
        (
            {"resourceType": "QuestionnaireResponse", "status": "completed", "questionnaire": "urn:x:nothing"},
            "No instrument",
        ),
        (
            {
                "resourceType": "QuestionnaireResponse",
                "status": "completed",
                "questionnaire": "urn:attune:fhir:Questionnaire:gad7",
                "item": [{"linkId": "gad7-1", "answer": [{"valueCoding": {"code": "nope"}}]}],
            },
            "not one of its options",
        ),
        (
            {
                "resourceType": "QuestionnaireResponse",
                "status": "completed",
                "questionnaire": "urn:attune:fhir:Questionnaire:gad7",
                "item": [{"linkId": "gad7-99", "answer": [{"valueInteger": 1}]}],
            },
            "no item",
        ),
    ],
)
def test_bad_imports_are_refused_with_a_clear_message(cast, resource, message) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match=message):
        acting.import_response(cast.alice, cast.client("dana").pk, resource)


def _phq9_response(answers: list[dict]) -> dict:
    return {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "questionnaire": "urn:attune:fhir:Questionnaire:phq9",
        "item": answers,
    }


def test_an_item_answered_twice_is_refused_naming_the_item(cast, api_for) -> None:
    twice = [
        {"linkId": "phq9-9", "answer": [{"valueInteger": 0}]},
        {"linkId": "phq9-9", "answer": [{"valueInteger": 3}]},
    ]
    before = Response.objects.count()
    answered = api_for(cast.alice).post(
        f"/api/v1/clients/{cast.client('dana').pk}/responses/fhir",
        data=_phq9_response([{"linkId": "phq9-1", "answer": [{"valueInteger": 1}]}, *twice]),
        content_type="application/json",
    )
    assert answered.status_code == 422, answered.content
    assert "phq9-9" in answered.content.decode() and "more than once" in answered.content.decode()
    assert Response.objects.count() == before


def test_a_completed_response_with_no_answers_is_refused(cast, api_for) -> None:
    for items in ([], [{"linkId": "phq9-1"}]):
        refused = api_for(cast.alice).post(
            f"/api/v1/clients/{cast.client('dana').pk}/responses/fhir",
            data=_phq9_response(items),
            content_type="application/json",
        )
        assert refused.status_code == 422, refused.content
        assert "no" in refused.json()["detail"].lower() or "none" in refused.content.decode()


def test_a_total_in_the_bundle_is_never_trusted(cast, api_for) -> None:
    values: dict[str, float | None] = {f"phq9-{n}": 1.0 for n in range(1, 10)}
    original = _completed(cast, "phq9", values)
    document = fhir.bundle(original)
    observation = next(e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == "Observation")
    observation["valueQuantity"]["value"] = 2.0  # wrong: the answers add up to 9
    imported = api_for(cast.alice).post(
        f"/api/v1/clients/{cast.client('dana').pk}/responses/fhir", data=document, content_type="application/json"
    )
    assert imported.status_code == 201, imported.content
    body = imported.json()
    assert body["score"]["total"] == 9.0 == Response.objects.get(pk=body["id"]).total


def test_an_import_raises_the_same_alert_and_check_in_signals(cast) -> None:
    from attune.core import events

    heard: list[events.ResponseAnswered] = []
    events.subscribe(events.ResponseAnswered, heard.append)
    try:
        critical = acting.import_response(
            cast.alice,
            cast.client("dana").pk,
            _phq9_response([{"linkId": f"phq9-{n}", "answer": [{"valueInteger": 1}]} for n in range(1, 10)]),
        )
        declined = acting.import_response(
            cast.alice,
            cast.client("dana").pk,
            _phq9_response(
                [{"linkId": f"phq9-{n}", "answer": [{"valueInteger": 0}]} for n in range(1, 9)]
                + [{"linkId": "phq9-9", "extension": [fhir.DECLINED]}]
            ),
        )
    finally:
        events._handlers[events.ResponseAnswered].remove(heard.append)
    assert critical.critical_items == ["phq9-9"]
    nine = {e.response_id: e for e in heard if e.link_id == "phq9-9"}
    assert nine[critical.pk].critical and nine[critical.pk].critical_item
    assert not nine[declined.pk].critical and nine[declined.pk].skipped and nine[declined.pk].critical_item
    from attune.monitoring.models import Alert

    assert Alert.objects.filter(response_id=critical.pk, kind=Alert.Kind.CRITICAL).exists()
