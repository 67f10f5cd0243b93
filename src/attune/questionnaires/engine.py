"""Walking a questionnaire: which items are enabled (FHIR enableWhen), in which order, and where to resume.

Framework-free: answers are a mapping linkId -> ordinal value (None for "prefer not to answer").
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from attune.measures import library

Values = Mapping[str, float | None]


@dataclass(frozen=True)
class Step:
    link_id: str
    number: int  # 1-based among the enabled items
    of: int
    stem: str  # the group's lead-in, e.g. "Over the last 2 weeks, how often..."
    text: str
    options: tuple[tuple[float, str, str], ...]


def _walk(items: list[dict[str, Any]], stem: str = "") -> Iterator[tuple[dict[str, Any], str]]:
    for item in items:
        if item.get("type") == "group":
            yield from _walk(item.get("item", []), item.get("text", stem))
        else:
            yield item, stem


@cache
def _raw(code: str) -> dict[str, tuple[dict[str, Any], str]]:
    instrument = library.load(code)
    return {item["linkId"]: (item, stem) for item, stem in _walk(instrument.questionnaire.get("item", []))}


def _option_value(instrument: library.Instrument, question: str, coding: dict[str, Any]) -> float | None:
    for ordinal, _display, code in instrument.item(question)["options"]:
        if code == coding.get("code"):
            return ordinal
    return None


def _condition(instrument: library.Instrument, condition: dict[str, Any], values: Values) -> bool:
    question, operator = condition["question"], condition["operator"]
    given = values.get(question)
    if operator == "exists":
        return (given is not None) == bool(condition.get("answerBoolean", True))
    if given is None:
        return False
    if "answerCoding" in condition:
        expected = _option_value(instrument, question, condition["answerCoding"])
    elif "answerBoolean" in condition:
        expected = 1.0 if condition["answerBoolean"] else 0.0
    else:
        expected = condition.get("answerInteger", condition.get("answerDecimal"))
    if expected is None:
        return False
    comparisons = {
        "=": given == expected,
        "!=": given != expected,
        ">": given > expected,
        "<": given < expected,
        ">=": given >= expected,
        "<=": given <= expected,
    }
    return comparisons.get(operator, False)


def enabled(instrument: library.Instrument, link_id: str, values: Values) -> bool:
    conditions = instrument.item(link_id)["enable_when"]
    if not conditions:
        return True
    raw, _stem = _raw(instrument.code)[link_id]
    results = [_condition(instrument, c, values) for c in conditions]
    return any(results) if raw.get("enableBehavior", "all") == "any" and len(results) > 1 else all(results)


def sequence(instrument: library.Instrument, values: Values) -> list[str]:
    """The items to ask, in order, given the answers so far."""
    return [item["linkId"] for item in instrument.items if enabled(instrument, item["linkId"], values)]


def step(instrument: library.Instrument, link_id: str, values: Values) -> Step:
    order = sequence(instrument, values)
    item = instrument.item(link_id)
    _raw_item, stem = _raw(instrument.code)[link_id]
    number = order.index(link_id) + 1 if link_id in order else len(order)
    return Step(link_id, number, len(order), stem, item["text"] or "", tuple(item["options"]))


def resume_at(instrument: library.Instrument, values: Values, given: set[str], position: str = "") -> str | None:
    """Where to continue: the saved position if it is still asked, else the first item not yet answered.
    None when every enabled item has an answer or an explicit skip (time to review)."""
    order = sequence(instrument, values)
    if position in order and position not in given:
        return position
    return next((link_id for link_id in order if link_id not in given), None)


def neighbours(instrument: library.Instrument, link_id: str, values: Values) -> tuple[str | None, str | None]:
    order = sequence(instrument, values)
    if link_id not in order:
        return None, order[0] if order else None
    index = order.index(link_id)
    return (order[index - 1] if index else None), (order[index + 1] if index + 1 < len(order) else None)


def critical_thresholds(scoring: Mapping[str, Any]) -> dict[str, float]:
    """linkId -> the lowest answer that is critical, from the scoring file's critical item flags."""
    found: dict[str, float] = {}
    for flag in (scoring.get("flags") or {}).values():
        if flag.get("kind") == "item" and flag.get("critical"):
            threshold = float(flag["at_least"])
            found[flag["item"]] = min(threshold, found.get(flag["item"], threshold))
    return found


def can_be_critical(scoring: Mapping[str, Any], link_id: str) -> bool:
    """The item is one whose answer can be critical (PHQ-9 item 9): skipping it leaves the risk not known."""
    return link_id in critical_thresholds(scoring)


def unknown_critical(scoring: Mapping[str, Any], values: Values, asked: set[str]) -> list[str]:
    """Items whose answer can be critical that were asked but have no answer (skipped or left): their risk is
    not known, which is never the same as no risk."""
    return [link_id for link_id in critical_thresholds(scoring) if link_id in asked and values.get(link_id) is None]


def is_critical(scoring: Mapping[str, Any], link_id: str, value: float | None) -> bool:
    """An answer is critical when the instrument's scoring file has an item flag marked critical and the answer
    is at or above its threshold (PHQ-9 item 9 above "Not at all"). "Prefer not to answer" never is."""
    threshold = critical_thresholds(scoring).get(link_id)
    return threshold is not None and value is not None and value >= threshold


def administrable(instrument: library.Instrument) -> bool:
    """Instruments whose item text the practice has not loaded cannot be given yet."""
    return all(item["text"] for item in instrument.items) and bool(instrument.items)
