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


def reference(resource_id: object) -> dict[str, str]:
    """A reference to a resource by the full URL it has in every Bundle Attune writes (urn:uuid:<id>)."""
    return {"reference": f"urn:uuid:{resource_id}"}


def _questionnaire_url(instrument: library.Instrument) -> str:
    return str(instrument.questionnaire.get("url") or f"urn:attune:fhir:Questionnaire:{instrument.code}")


def questionnaire_canonical(instrument: library.Instrument) -> str:
    """The Questionnaire a response answers, with its version (url|version), as R4 canonicals allow."""
    version = instrument.questionnaire.get("version")
    return f"{_questionnaire_url(instrument)}|{version}" if version else _questionnaire_url(instrument)


def questionnaire_entry(instrument: library.Instrument) -> dict[str, Any]:
    """The Questionnaire itself as a Bundle entry, so a response's `questionnaire` resolves inside the Bundle and a
    form filler (LHC-Forms) can show the answers without fetching the definition from elsewhere."""
    name = uuid.uuid5(uuid.NAMESPACE_URL, questionnaire_canonical(instrument))
    return {"fullUrl": f"urn:uuid:{name}", "resource": instrument.questionnaire}


def _answer_items(
    instrument: library.Instrument, fhir_items: list[dict[str, Any]], answers: dict[str, Answer], asked: set[str]
) -> list[dict[str, Any]]:
    """The response's items in the Questionnaire's own tree: each answer inside its group, as R4 requires
    (QuestionnaireResponse.item mirrors Questionnaire.item), groups with nothing answered and display items left
    out, and answers to questions that were not asked (behind a "No") not included."""
    out: list[dict[str, Any]] = []
    for fhir_item in fhir_items:
        link_id = fhir_item["linkId"]
        children = _answer_items(instrument, fhir_item.get("item", []), answers, asked)
        item: dict[str, Any] = {"linkId": link_id}
        if fhir_item.get("text"):
            item["text"] = fhir_item["text"]
        if fhir_item.get("type") == "group":
            if children:
                out.append({**item, "item": children})
            continue
        given = answers.get(link_id)
        if fhir_item.get("type") == "display" or given is None or link_id not in asked:
            continue
        if given.skipped or given.value is None:
            item["extension"] = [DECLINED]
        else:
            coding = engine.answer_coding(instrument, link_id, given.value)
            if coding is None:
                continue  # an answer the definition no longer offers: not invented
            answer: dict[str, Any] = {"valueCoding": coding}
            if children:
                answer["item"] = children  # questions nested under a question sit inside its answer
            item["answer"] = [answer]
        out.append(item)
    return out


def questionnaire_response(response: Response) -> dict[str, Any]:
    instrument = library.load(response.instrument)
    answers = {a.link_id: a for a in response.answers.all()}
    values = {k: (None if a.skipped else a.value) for k, a in answers.items()}
    asked = set(engine.sequence(instrument, values))
    items = _answer_items(instrument, instrument.questionnaire.get("item", []), answers, asked)
    return {
        "resourceType": "QuestionnaireResponse",
        "id": str(response.pk),
        "meta": _meta(),
        "questionnaire": questionnaire_canonical(instrument),
        "status": "completed" if response.status == Response.Status.COMPLETED else "in-progress",
        "subject": reference(response.client_id),
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
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(uuid.uuid5(response.pk, "total")),
        "meta": _meta(),
        "status": "final",
        "category": [
            {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "survey"}]}
        ],
        "code": code,
        "subject": reference(response.client_id),
        "effectiveDateTime": (response.submitted or response.updated).isoformat(),
        "valueQuantity": {"value": response.total, "system": "http://unitsofmeasure.org", "code": "{score}"},
        "derivedFrom": [reference(response.pk)],
    }
    if response.missing_rule:
        observation["note"] = [{"text": response.missing_rule}]
    return [observation]


def patient(client_id: object) -> dict[str, Any]:
    """The Patient the resources are about, by id alone: a Bundle for another system names no one."""
    return {"resourceType": "Patient", "id": str(client_id), "meta": _meta()}


def entries(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources]


def bundle(response: Response) -> dict[str, Any]:
    """The response as a self-contained collection: the Patient (by id), the Questionnaire it answers, the
    QuestionnaireResponse and the score's Observation. Every reference resolves to an entry of the Bundle."""
    instrument = library.load(response.instrument)
    resources = [patient(response.client_id), questionnaire_response(response), *observations(response)]
    found = entries(resources)
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid5(response.pk, "bundle")),
        "meta": _meta(),
        "type": "collection",
        "timestamp": timezone.now().isoformat(),
        "entry": [found[0], questionnaire_entry(instrument), *found[1:]],
    }


def _instrument_for(canonical: str) -> library.Instrument:
    """The library's instrument for a response's `questionnaire` (url, or url|version as R4 canonicals allow). A
    version other than the library's is refused: its items or answers may differ from the ones scored here."""
    url, _bar, version = canonical.partition("|")
    for instrument in library.all_instruments():
        if _questionnaire_url(instrument) == url or instrument.code == url.rsplit(":", 1)[-1].rsplit("/", 1)[-1]:
            have = str(instrument.questionnaire.get("version") or "")
            if version and version != have:
                raise ValidationError(
                    {
                        "questionnaire": f"This response answers version {version} of {instrument.title}; Attune has "
                        f"version {have or '(none)'}, whose questions or answers may differ, so it is not imported."
                    }
                )
            return instrument
    raise ValidationError({"questionnaire": f"No instrument in the library matches {canonical!r}."})


def _coded(instrument: library.Instrument, link_id: str, coding: Any) -> float | None:
    """The ordinal of the option with this coding: the same code, and the same system where the coding names one
    (or the system Attune's own exports used before they carried the Questionnaire's: urn:attune:answers:<code>)."""
    if not isinstance(coding, dict):
        return None
    system = coding.get("system")
    for ordinal, _display, _code in instrument.item(link_id)["options"]:
        own = engine.answer_coding(instrument, link_id, ordinal) or {}
        if own.get("code") != coding.get("code"):
            continue
        if not system or system in {own.get("system"), f"urn:attune:answers:{instrument.code}"}:
            return ordinal
    return None


def _declined(item: dict[str, Any]) -> bool:
    return any(isinstance(e, dict) and e.get("valueCode") == "asked-declined" for e in item.get("extension") or [])


def _value(instrument: library.Instrument, link_id: str, item: dict[str, Any]) -> tuple[float | None, bool]:
    if _declined(item) and not item.get("answer"):
        return None, True
    answers = item.get("answer") or []
    if len(answers) != 1:
        raise ValidationError({"item": f"Item {link_id} needs exactly one answer."})
    answer = answers[0]
    options = instrument.item(link_id)["options"]
    if "valueCoding" in answer:
        match = _coded(instrument, link_id, answer["valueCoding"])
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
    """Every item with an answer or a declined mark, wherever it sits: inside groups (item.item) or under the
    answer of another question (answer.item), as R4 nests them."""
    flat: list[dict[str, Any]] = []
    stack = [i for i in resource.get("item") or [] if isinstance(i, dict)]
    while stack:
        item = stack.pop(0)
        nested = list(item.get("item") or [])
        for answer in item.get("answer") or []:
            nested += answer.get("item") or [] if isinstance(answer, dict) else []
        stack[0:0] = [i for i in nested if isinstance(i, dict)]
        if "answer" in item or _declined(item):
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
