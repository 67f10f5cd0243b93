"""The intake definition file is a valid FHIR R4 Questionnaire, and the loader checks what the intake relies on."""

from __future__ import annotations

import copy
import json

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire

from attune.intake import definition
from attune.measures import library

RAW = json.loads((definition.DEFINITIONS_DIR / "intake.json").read_text(encoding="utf-8"))


def test_the_file_is_a_valid_fhir_r4_questionnaire() -> None:
    parsed = Questionnaire.model_validate(RAW)
    assert parsed.status == "active" and parsed.url == "urn:attune:fhir:Questionnaire:intake"


def test_sections_each_open_with_a_notice_and_every_question_can_be_skipped() -> None:
    loaded = definition.load()
    assert [s.link_id for s in loaded.sections] == [
        "about",
        "relationships",
        "safety",
        "contact",
        "coercion",
        "body",
        "support",
    ]
    assert all(s.notice for s in loaded.sections)
    assert all(
        item.get("required") is False
        for group in RAW["item"]
        for item in group["item"][1:]
        if "answerOption" in item or item["type"] == "text"
    )


def test_conditional_items_use_enable_when() -> None:
    loaded = definition.load()
    conditional = {q.link_id for q in loaded.questions if q.conditions}
    assert {"safety-feel", "safety-pressure", "coer-who", "coer-kinds", "body-pcptsd5"} <= conditional


def test_safety_answers_are_marked_and_coercion_is_asked_in_broad_categories() -> None:
    loaded = definition.load()
    concerns = {(q.link_id, o.code) for q in loaded.questions for o in q.options if o.concern}
    assert ("safety-afraid", "yes") in concerns and ("coer-when", "ongoing") in concerns
    assert ("safety-afraid", "no") not in concerns
    coercion = loaded.section("coercion")
    # Nothing asks for a description: the only free text is a note for the clinician, with a reminder.
    texts = [q for q in coercion.questions if q.kind == "text"]
    assert [q.link_id for q in texts] == ["coer-words"] and "don't need to describe" in texts[0].help


def test_the_embedded_and_offered_instruments_are_in_the_library() -> None:
    loaded = definition.load()
    assert loaded.instruments == {"pcptsd5", "pcl5"}
    assert all(code in library.codes() for code in loaded.instruments)


def _broken(change) -> dict:
    raw = copy.deepcopy(RAW)
    change(raw)
    return raw


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r.update(resourceType="Patient"), "not a FHIR Questionnaire"),
        (lambda r: r["item"][0]["item"].pop(0), "first item is its notice"),
        (lambda r: r["item"][1]["item"][1].update(linkId="about-hopes"), "unique"),
        (lambda r: r["item"][2]["item"][1]["enableWhen"][1]["answerCoding"].update(code="nope"), "has no answer"),
        (lambda r: r["item"][2]["item"][1]["enableWhen"][0].update(question="support-who"), "earlier choice"),
        (lambda r: r["item"][0]["item"][1].update(type="date"), "not one the intake asks"),
        (lambda r: r["item"][2]["item"][1]["enableWhen"][0].update(operator=">"), "operator"),
    ],
)
def test_a_broken_definition_is_refused_with_a_reason(change, message: str) -> None:
    with pytest.raises(definition.DefinitionError, match=message):
        definition.build("intake", _broken(change))
