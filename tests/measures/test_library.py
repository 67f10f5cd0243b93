"""The instrument library: every definition loads, is a valid FHIR R4 Questionnaire, and agrees with its scoring."""

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from pydantic import ValidationError

from attune.measures import library
from attune.measures.scoring import score

CODES = ["brs", "csi16", "ders16", "ecr-rs", "gad7", "mspss", "pcl5", "pcptsd5", "phq9"]
TEXT_SHIPPED = {"phq9", "gad7", "pcl5", "pcptsd5"}
ITEM_COUNTS = {
    "phq9": 9, "gad7": 7, "pcl5": 20, "pcptsd5": 6, "ecr-rs": 9, "csi16": 16, "brs": 6, "mspss": 12, "ders16": 16,
}  # fmt: skip


def test_the_library_holds_exactly_the_shipped_instruments() -> None:
    assert library.codes() == CODES
    assert [i.code for i in library.all_instruments()] == CODES


@pytest.mark.parametrize("code", CODES)
def test_questionnaire_is_valid_fhir_r4(code: str) -> None:
    data = json.loads((library.INSTRUMENTS_DIR / f"{code}.json").read_text())
    questionnaire = Questionnaire.model_validate(data)
    assert questionnaire.status == "active"
    assert questionnaire.id == code


@pytest.mark.parametrize(
    "damage",
    [
        lambda q: q["item"][0]["item"][0].pop("linkId"),
        lambda q: q["item"][0]["item"][0].pop("type"),
        lambda q: q.pop("status"),
        lambda q: q["item"][0]["item"][0]["answerOption"][0]["extension"][0].update(valueDecimal="two"),
        lambda q: q.update(scoring={}),
    ],
    ids=["no linkId", "no type", "no status", "ordinal not a number", "unknown element"],
)
def test_fhir_validation_has_teeth(damage: Callable[[dict[str, Any]], object]) -> None:
    data = json.loads((library.INSTRUMENTS_DIR / "phq9.json").read_text())
    damage(data)
    with pytest.raises(ValidationError):
        Questionnaire.model_validate(data)


@pytest.mark.parametrize("code", CODES)
def test_item_types_and_ordinal_extension_follow_r4(code: str) -> None:
    def walk(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for item in items:
            yield item
            yield from walk(item.get("item", []))

    for item in walk(library.load(code).questionnaire["item"]):
        assert item["type"] in {"group", "display", "choice"}
        for option in item.get("answerOption", []):
            (extension,) = option["extension"]
            assert extension["url"] == "http://hl7.org/fhir/StructureDefinition/ordinalValue"
            assert isinstance(extension["valueDecimal"], int | float)


@pytest.mark.parametrize("code", CODES)
def test_every_scored_item_offers_ordinal_answers(code: str) -> None:
    instrument = library.load(code)
    assert len(instrument.item_ids) == ITEM_COUNTS[code]
    for link_id in instrument.item_ids:
        item = instrument.item(link_id)
        assert item["options"], link_id
        assert item["required"] is False  # every question may be skipped
        ordinals = [option[0] for option in item["options"]]
        assert ordinals == sorted(ordinals)
        assert len(set(ordinals)) == len(ordinals)


@pytest.mark.parametrize("code", CODES)
def test_item_text_ships_only_where_the_licence_allows(code: str) -> None:
    instrument = library.load(code)
    shipped = instrument.scoring["item_text"]["shipped"]
    assert shipped is (code in TEXT_SHIPPED)
    texts = [instrument.item(i)["text"] for i in instrument.item_ids]
    if shipped:
        assert all(texts)
    else:
        assert not any(texts)
        assert "citation" in instrument.scoring["licence"]
    assert instrument.scoring["item_text"]["reason"]


@pytest.mark.parametrize("code", CODES)
def test_every_definition_carries_its_sources_notice_and_missing_rule(code: str) -> None:
    instrument = library.load(code)
    assert instrument.scoring["sources"]
    assert instrument.scoring["missing_rule"]["text"] and instrument.scoring["missing_rule"]["source"]
    assert instrument.notice
    assert "care team" in instrument.notice  # who sees the result
    assert instrument.questionnaire["copyright"]


@pytest.mark.parametrize("code", CODES)
def test_band_labels_describe_scores_not_people(code: str) -> None:
    bands = library.load(code).scoring.get("bands") or {}
    labels = [b["label"] for b in bands.get("ranges", [])]
    labels += [d[k] for d in bands.get("dimensions", []) for k in ("below", "at", "above")]
    for label in labels:
        assert label == label.lower()
        for word in ("disorder", "patient", "secure", "preoccupied", "dismissing", "fearful", "normal"):
            assert word not in label


def test_loinc_codes_from_the_instrument_facts() -> None:
    phq9 = library.load("phq9").questionnaire
    assert phq9["code"][0]["code"] == "44249-1"
    items = phq9["item"][0]["item"]
    assert [i["code"][0]["code"] for i in items] == [
        "44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8",
        "69722-7",
    ]  # fmt: skip
    assert [o["valueCoding"]["code"] for o in items[0]["answerOption"]] == [
        "LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9",
    ]  # fmt: skip
    assert library.load("phq9").scoring["total"]["loinc"] == "44261-6"
    assert library.load("gad7").questionnaire["code"][0]["code"] == "69737-5"
    assert library.load("pcl5").questionnaire["code"][0]["code"] == "101697-1"


def test_phq9_difficulty_question_is_unscored_and_shown_after_any_problem() -> None:
    phq9 = library.load("phq9")
    difficulty = phq9.item("phq9-10")
    assert "phq9-10" not in phq9.item_ids and difficulty["scored"] is False
    assert phq9.questionnaire["item"][0]["item"][9]["enableBehavior"] == "any"
    assert len(difficulty["enable_when"]) == 9


def test_pcptsd5_questions_wait_for_the_exposure_answer() -> None:
    pc = library.load("pcptsd5")
    assert pc.item_ids[0] == "pcptsd5-exposure"
    for link_id in pc.item_ids[1:]:
        (condition,) = pc.item(link_id)["enable_when"]
        assert condition["question"] == "pcptsd5-exposure"
        assert condition["answerCoding"]["code"] == "LA33-6"  # yes


def test_sensitive_instruments_are_marked() -> None:
    sensitive = {i.code for i in library.all_instruments() if i.sensitive}
    assert sensitive == {"phq9", "pcl5", "pcptsd5", "ecr-rs", "csi16"}


def test_practice_supplies_item_text_by_link_id() -> None:
    brs = library.load("brs")
    with_text = library.with_item_text(brs, {"brs-1": "First statement from the practice's copy"})
    assert with_text.item("brs-1")["text"] == "First statement from the practice's copy"
    assert brs.item("brs-1")["text"] is None  # the shipped definition is untouched
    with pytest.raises(library.DefinitionError, match="brs-99"):
        library.with_item_text(brs, {"brs-99": "x"})


def test_unknown_code() -> None:
    with pytest.raises(KeyError, match="unknown instrument"):
        library.load("ecr-s")


def test_inconsistent_definition_is_refused() -> None:
    instrument = library.load("phq9")
    scoring = {**instrument.scoring, "reversed": ["phq9-99"]}
    with pytest.raises(library.DefinitionError, match="phq9-99"):
        library.build("phq9", instrument.questionnaire, scoring)
    scoring = {**instrument.scoring, "items": [*instrument.item_ids, "phq9-nope"]}
    with pytest.raises(library.DefinitionError, match="phq9-nope"):
        library.build("phq9", instrument.questionnaire, scoring)
    with pytest.raises(library.DefinitionError, match="not a FHIR Questionnaire"):
        library.build("phq9", {"resourceType": "Patient"}, instrument.scoring)


def test_instrument_is_frozen() -> None:
    instrument = library.load("gad7")
    with pytest.raises(AttributeError):
        instrument.code = "other"  # type: ignore[misc]


def test_scoring_and_library_import_nothing_from_django() -> None:
    code = (
        "import sys; import attune.measures.scoring, attune.measures.scoring.csvfile, attune.measures.library; "
        "attune.measures.scoring.score('phq9', [0] * 9); "
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)"
    )
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    assert subprocess.run([sys.executable, "-c", code], env=environment, check=False).returncode == 0


def test_a_practice_built_instrument_is_scored_from_its_own_definition() -> None:
    phq9 = library.load("phq9")
    scoring = {**phq9.scoring, "code": "phq9-local", "total": {**phq9.scoring["total"], "max_skipped": 0}}
    local = library.build("phq9-local", phq9.questionnaire, scoring)
    answers = [1, 1, 1, 1, 1, 1, 1, 1, None]
    assert score(phq9, answers).total == 9
    assert score(local, answers).total is None
