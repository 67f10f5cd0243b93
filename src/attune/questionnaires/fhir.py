"""HL7 FHIR R4 exchange: a submitted response as a QuestionnaireResponse with an Observation for each score
(LOINC-coded where the instrument has a code), and import of a QuestionnaireResponse from another system.

Every resource carries the security labels for this data: confidentiality R (restricted) and SDV (sexual
assault, abuse or domestic violence).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from attune.core.models import AuditEvent
from attune.core.policy import Access
from attune.measures import library, scoring
from attune.questionnaires import engine, perms, services
from attune.questionnaires.models import Answer, Response

LOINC = "http://loinc.org"
SECURITY = [
    {"system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "code": "R", "display": "restricted"},
    {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "SDV"},
]
DECLINED = {"url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason", "valueCode": "asked-declined"}


def _meta() -> dict[str, Any]:
    return {"security": SECURITY}


def _questionnaire_url(instrument: library.Instrument) -> str:
    return str(instrument.questionnaire.get("url") or f"urn:attune:fhir:Questionnaire:{instrument.code}")


def questionnaire_response(response: Response) -> dict[str, Any]:
    instrument = library.load(response.instrument)
    answers = {a.link_id: a for a in response.answers.all()}
    items = []
    for entry in instrument.items:
        given = answers.get(entry["linkId"])
        if given is None:
            continue
        item: dict[str, Any] = {"linkId": entry["linkId"]}
        if entry["text"]:
            item["text"] = entry["text"]
        if given.skipped:
            item["extension"] = [DECLINED]
        else:
            option = next(o for o in entry["options"] if o[0] == given.value)
            coding = {
                "system": LOINC if option[2].startswith("LA") else f"urn:attune:answers:{instrument.code}",
                "code": option[2],
                "display": option[1],
            }
            item["answer"] = [{"valueCoding": coding}]
        items.append(item)
    return {
        "resourceType": "QuestionnaireResponse",
        "id": str(response.pk),
        "meta": _meta(),
        "questionnaire": _questionnaire_url(instrument),
        "status": "completed" if response.status == Response.Status.COMPLETED else "in-progress",
        "subject": {"reference": f"Patient/{response.client_id}"},
        "authored": (response.submitted or response.updated).isoformat(),
        "item": items,
    }


def observations(response: Response) -> list[dict[str, Any]]:
    if response.status != Response.Status.COMPLETED or not response.scored:
        return []
    instrument = library.load(response.instrument)
    total = instrument.scoring.get("total") or {}
    code: dict[str, Any] = (
        {"coding": [{"system": LOINC, "code": total["loinc"], "display": f"{instrument.title} total score"}]}
        if total.get("loinc")
        else {
            "coding": [{"system": "urn:attune:scores", "code": f"{instrument.code}-total"}],
            "text": f"{instrument.title} score",
        }
    )
    return [
        {
            "resourceType": "Observation",
            "id": str(uuid.uuid5(response.pk, "total")),
            "meta": _meta(),
            "status": "final",
            "category": [
                {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "survey"}]}
            ],
            "code": code,
            "subject": {"reference": f"Patient/{response.client_id}"},
            "effectiveDateTime": response.submitted.isoformat() if response.submitted else None,
            "valueQuantity": {"value": response.total, "system": "http://unitsofmeasure.org", "code": "{score}"},
            "note": [{"text": response.missing_rule}],
            "derivedFrom": [{"reference": f"QuestionnaireResponse/{response.pk}"}],
        }
    ]


def bundle(response: Response) -> dict[str, Any]:
    resources = [questionnaire_response(response), *observations(response)]
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid5(response.pk, "bundle")),
        "meta": _meta(),
        "type": "collection",
        "timestamp": timezone.now().isoformat(),
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
    }


def _instrument_for(url: str) -> library.Instrument:
    for instrument in library.all_instruments():
        if _questionnaire_url(instrument) == url or instrument.code == url.rsplit(":", 1)[-1].rsplit("/", 1)[-1]:
            return instrument
    raise ValidationError({"questionnaire": f"No instrument in the library matches {url!r}."})


def _value(instrument: library.Instrument, link_id: str, item: dict[str, Any]) -> tuple[float | None, bool]:
    if any(e.get("valueCode") == "asked-declined" for e in item.get("extension", [])):
        return None, True
    answers = item.get("answer") or []
    if len(answers) != 1:
        raise ValidationError({"item": f"Item {link_id} needs exactly one answer."})
    answer = answers[0]
    options = instrument.item(link_id)["options"]
    if "valueCoding" in answer:
        code = answer["valueCoding"].get("code")
        match = next((o[0] for o in options if o[2] == code), None)
    elif "valueInteger" in answer or "valueDecimal" in answer:
        number = float(answer.get("valueInteger", answer.get("valueDecimal")))
        match = number if number in {o[0] for o in options} else None
    else:
        match = None
    if match is None:
        raise ValidationError({"item": f"Item {link_id} has an answer that is not one of its options."})
    return match, False


def _questionnaire_response(resource: dict[str, Any]) -> dict[str, Any]:
    """The QuestionnaireResponse itself, or the one inside a Bundle. A Bundle's Observations (a total computed
    elsewhere) are not read: scores are always computed here, from the answers, with the library's rules."""
    if resource.get("resourceType") == "Bundle":
        found = [
            entry.get("resource") or {}
            for entry in resource.get("entry") or []
            if isinstance(entry, dict) and (entry.get("resource") or {}).get("resourceType") == "QuestionnaireResponse"
        ]
        if len(found) != 1:
            raise ValidationError({"entry": "A Bundle to import holds exactly one QuestionnaireResponse."})
        return dict(found[0])
    if resource.get("resourceType") != "QuestionnaireResponse":
        raise ValidationError({"resourceType": "Expected a QuestionnaireResponse."})
    return resource


def _answered_items(resource: dict[str, Any]) -> list[dict[str, Any]]:
    flat: list[dict[str, Any]] = []
    stack = list(resource.get("item", []))
    while stack:
        item = stack.pop(0)
        stack[0:0] = item.get("item", [])
        if "answer" in item or "extension" in item:
            flat.append(item)
    return flat


def _parsed(instrument: library.Instrument, flat: list[dict[str, Any]]) -> dict[str, tuple[float | None, bool]]:
    """Each item's answer, once. An item answered twice is refused rather than one of its answers picked: the
    other system's record is ambiguous, and the wrong pick could hide a critical answer."""
    known = {i["linkId"] for i in instrument.items}
    parsed: dict[str, tuple[float | None, bool]] = {}
    for item in flat:
        link_id = str(item.get("linkId"))
        if link_id not in known:
            raise ValidationError({"item": f"{instrument.code} has no item {link_id!r}."})
        if link_id in parsed:
            raise ValidationError({"item": f"Item {link_id} is answered more than once."})
        parsed[link_id] = _value(instrument, link_id, item)
    if not parsed:
        raise ValidationError({"item": "A completed response needs at least one answered item; this one has none."})
    return parsed


def import_response(access: Access, resource: dict[str, Any]) -> Response:
    """Store a completed QuestionnaireResponse from another system (alone or in a Bundle) as a scored response of
    this client. Totals it carries are never trusted: the score is computed here from its answers, and the
    response raises the same alerts as one answered here."""
    access.require(perms.ASSIGN)
    resource = _questionnaire_response(resource)
    if resource.get("status") != "completed":
        raise ValidationError({"status": "Only completed responses can be imported."})
    instrument = _instrument_for(str(resource.get("questionnaire", "")))
    parsed = _parsed(instrument, _answered_items(resource))
    authored = parse_datetime(str(resource.get("authored", ""))) or timezone.now()
    values = {k: v for k, (v, _s) in parsed.items()}
    asked = set(engine.sequence(instrument, values))
    result = scoring.score(instrument, {k: v for k, v in values.items() if k in asked})
    with transaction.atomic():
        response = Response(
            client_id=access.client_id,
            episode=services.current_episode(access.client_id),
            instrument=instrument.code,
            status=Response.Status.COMPLETED,
            mode=Response.Mode.IN_SESSION,
            created_by_id=access.actor_id,
            started=authored,
            submitted=authored,
            submission_key=uuid.uuid4(),
        )
        services.score_into(response, result)
        response.save(force_insert=True)
        Answer.objects.bulk_create(
            [
                Answer(
                    response=response, client_id=access.client_id, link_id=k, value=v, skipped=s, answered_at=authored
                )
                for k, (v, s) in parsed.items()
            ]
        )
        # An imported response raises the same alerts as one answered here: each answer is heard as if given here
        # (a critical one, or a critical item declined: not known), then the submission (deterioration).
        for link_id, (value, skipped) in parsed.items():
            services.answered_event(response, instrument, link_id, value, skipped)
        services.published(response)
        access.record(AuditEvent.Action.CREATE, services.ENTITY, response.pk, perms.ASSIGN)
    return response
