"""enableWhen as FHIR R4 defines it (Questionnaire.item.enableWhen, the QuestionnaireItemOperator and
EnableWhenBehavior code systems), and the progress count that promises only the questions certainly asked."""

from __future__ import annotations

from typing import Any

import pytest

from attune.measures import library
from attune.questionnaires import engine

NO, YES = ("urn:t", "n"), ("urn:t", "y")


def _option(ordinal: int, code: tuple[str, str], display: str) -> dict[str, Any]:
    return {
        "valueCoding": {"system": code[0], "code": code[1], "display": display},
        "extension": [{"url": library.ORDINAL_URL, "valueDecimal": ordinal}],
    }


def _question(link_id: str, **more: Any) -> dict[str, Any]:
    return {
        "linkId": link_id,
        "type": "choice",
        "text": link_id,
        "answerOption": [_option(0, NO, "No"), _option(1, YES, "Yes"), _option(2, ("urn:t", "m"), "Maybe")],
        **more,
    }


def _instrument(*items: dict[str, Any]) -> library.Instrument:
    questionnaire = {"resourceType": "Questionnaire", "status": "active", "item": list(items)}
    ids = [i["linkId"] for i in items if i["type"] == "choice"]
    return library.build("t", questionnaire, {"schema": library.SCORING_SCHEMA, "code": "t", "items": ids})


def _when(operator: str, **answer: Any) -> dict[str, Any]:
    return {"question": "a", "operator": operator, **answer}


def _coding(code: tuple[str, str]) -> dict[str, str]:
    return {"system": code[0], "code": code[1]}


# operator, condition answer, the answer to "a" (None: declined, "-": not answered), enabled?
CASES = [
    ("=", {"answerCoding": _coding(YES)}, 1.0, True),
    ("=", {"answerCoding": _coding(YES)}, 0.0, False),
    ("=", {"answerCoding": _coding(YES)}, None, False),
    ("=", {"answerCoding": _coding(YES)}, "-", False),
    ("=", {"answerCoding": {"code": "y"}}, 1.0, True),  # no system in the condition: the code decides
    ("=", {"answerCoding": {"system": "urn:other", "code": "y"}}, 1.0, False),
    ("!=", {"answerCoding": _coding(NO)}, 1.0, True),
    ("!=", {"answerCoding": _coding(NO)}, 0.0, False),
    ("!=", {"answerCoding": _coding(NO)}, None, True),  # no answer equals it: true
    ("!=", {"answerCoding": _coding(NO)}, "-", True),
    ("exists", {"answerBoolean": True}, 0.0, True),
    ("exists", {"answerBoolean": True}, None, False),
    ("exists", {"answerBoolean": True}, "-", False),
    ("exists", {"answerBoolean": False}, "-", True),
    ("exists", {"answerBoolean": False}, 2.0, False),
    (">", {"answerInteger": 1}, 2.0, True),
    (">", {"answerInteger": 1}, 1.0, False),
    (">", {"answerInteger": 1}, "-", False),
    ("<", {"answerInteger": 1}, 0.0, True),
    ("<", {"answerInteger": 1}, 1.0, False),
    ("<", {"answerDecimal": 1.5}, "-", False),
    (">=", {"answerInteger": 1}, 1.0, True),
    (">=", {"answerInteger": 1}, 0.0, False),
    ("<=", {"answerDecimal": 1.0}, 1.0, True),
    ("<=", {"answerDecimal": 1.0}, 2.0, False),
    ("=", {"answerInteger": 2}, 2.0, True),
    ("!=", {"answerInteger": 2}, "-", True),
    (">", {"answerCoding": _coding(NO)}, 2.0, False),  # codings have no order
    ("~", {"answerCoding": _coding(YES)}, 1.0, False),  # not an R4 operator
]


@pytest.mark.parametrize(("operator", "answer", "given", "expected"), CASES)
def test_each_operator_as_r4_defines_it(operator: str, answer: dict[str, Any], given: Any, expected: bool) -> None:
    instrument = _instrument(_question("a"), _question("b", enableWhen=[_when(operator, **answer)]))
    values = {} if given == "-" else {"a": given}
    assert engine.enabled(instrument, "b", values) is expected
    assert ("b" in engine.sequence(instrument, values)) is expected


@pytest.mark.parametrize(
    ("behavior", "values", "expected"),
    [
        ("any", {"a": 1.0, "c": 0.0}, True),
        ("any", {"a": 0.0, "c": 0.0}, False),
        ("any", {"a": 0.0, "c": 1.0}, True),
        ("all", {"a": 1.0, "c": 0.0}, False),
        ("all", {"a": 1.0, "c": 1.0}, True),
        ("all", {"a": 1.0}, False),
    ],
)
def test_enable_behavior_any_and_all(behavior: str, values: dict[str, float], expected: bool) -> None:
    both = [_when("=", answerCoding=_coding(YES)), {**_when("=", answerCoding=_coding(YES)), "question": "c"}]
    instrument = _instrument(_question("a"), _question("c"), _question("b", enableWhen=both, enableBehavior=behavior))
    assert engine.enabled(instrument, "b", values) is expected


def test_an_item_in_a_disabled_group_is_disabled_and_a_disabled_question_counts_as_unanswered() -> None:
    group = {
        "linkId": "g",
        "type": "group",
        "text": "More",
        "enableWhen": [_when("=", answerCoding=_coding(YES))],
        "item": [_question("b")],
    }
    follow = _question("c", enableWhen=[{"question": "b", "operator": "exists", "answerBoolean": True}])
    instrument = _instrument(_question("a"), group, follow)
    assert not engine.enabled(instrument, "b", {"a": 0.0, "b": 1.0})
    # b has an answer on record, but b is not asked, so "b exists" is false and c is not asked either.
    assert engine.sequence(instrument, {"a": 0.0, "b": 1.0}) == ["a"]
    assert engine.sequence(instrument, {"a": 1.0, "b": 1.0}) == ["a", "b", "c"]


def test_phq9_item_10_is_enabled_from_the_start_as_in_other_fhir_form_fillers() -> None:
    phq9 = library.load("phq9")
    assert engine.enabled(phq9, "phq9-10", {})
    nine_zero = {f"phq9-{n}": 0.0 for n in range(1, 10)}
    assert not engine.enabled(phq9, "phq9-10", nine_zero)
    assert engine.enabled(phq9, "phq9-10", {**nine_zero, "phq9-4": 1.0})
    assert engine.enabled(phq9, "phq9-10", {**nine_zero, "phq9-9": None})  # declined: not "Not at all"


def _counts(instrument: library.Instrument, values: dict[str, float | None], link_id: str) -> tuple[int, int]:
    step = engine.step(instrument, link_id, values)
    return step.number, step.of


def test_a_nine_question_form_counts_nine_until_an_answer_adds_the_tenth() -> None:
    phq9 = library.load("phq9")
    values: dict[str, float | None] = {}
    for n in range(1, 10):
        assert _counts(phq9, values, f"phq9-{n}") == (n, 9)
        values[f"phq9-{n}"] = 0.0
    assert "phq9-10" not in engine.sequence(phq9, values)  # nothing checked: done after nine
    values = {"phq9-1": 0.0, "phq9-2": 1.0}
    assert _counts(phq9, values, "phq9-3") == (3, 10)  # a problem was checked: the tenth will be asked
    assert _counts(phq9, {**{f"phq9-{n}": 0.0 for n in range(1, 9)}, "phq9-9": 2.0}, "phq9-10") == (10, 10)


def test_follow_up_questions_join_the_count_when_the_first_answer_opens_them() -> None:
    pc = library.load("pcptsd5")
    assert _counts(pc, {}, "pcptsd5-exposure") == (1, 1)
    assert _counts(pc, {"pcptsd5-exposure": 1.0}, "pcptsd5-1") == (2, 6)
    assert engine.sequence(pc, {"pcptsd5-exposure": 0.0}) == ["pcptsd5-exposure"]


def test_a_form_without_conditions_counts_every_question() -> None:
    gad7 = library.load("gad7")
    assert [_counts(gad7, {}, f"gad7-{n}") for n in (1, 7)] == [(1, 7), (7, 7)]
