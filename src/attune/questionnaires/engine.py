"""Walking a questionnaire: which items are enabled (FHIR R4 enableWhen), in which order, and where to resume.

Framework-free: answers are a mapping linkId -> ordinal value (None for "prefer not to answer"); an item that is
not a key has not been reached yet.

enableWhen follows R4 (Questionnaire.item.enableWhen and the QuestionnaireItemOperator code system), as other
FHIR form fillers (LHC-Forms) do, so a response filled elsewhere asks the same questions:

- `exists`: true when whether the question has an answer equals `answerBoolean`;
- `=`: true when the answer equals the condition's answer; with no answer it is false;
- `!=`: true when no answer equals it, so a question with no answer (not reached, or declined) makes it true;
- `>`, `<`, `>=`, `<=`: true when the answer compares so; false with no answer, and for codings (not ordered);
- codings match on code, and on system where both name one;
- `enableBehavior` `any` needs one condition true, `all` (and a single condition) needs every one;
- an item inside a disabled group is disabled, and a question that is disabled counts as having no answer in
  the conditions of others.

The progress count ("question 3 of 9") counts only the questions this response will certainly ask given the
answers so far: an item whose enabling still turns on a question not yet reached (PHQ-9's tenth, before any
problem was checked) joins the count when an answer decides it, rather than being promised and then dropped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from attune.measures import library

Values = Mapping[str, float | None]
Truth = bool | None  # None: not decided yet (turns on a question not reached)


@dataclass(frozen=True)
class Step:
    link_id: str
    number: int  # 1-based among the questions certainly asked
    of: int
    stem: str  # the group's lead-in, e.g. "Over the last 2 weeks, how often..."
    text: str
    options: tuple[tuple[float, str, str], ...]


@dataclass(frozen=True)
class _Node:
    raw: dict[str, Any]  # the Questionnaire item
    stem: str
    parent: str | None  # linkId of the enclosing item (a group), None at the top level


def _walk(items: list[dict[str, Any]], stem: str = "", parent: str | None = None) -> Iterator[tuple[str, _Node]]:
    for item in items:
        yield item["linkId"], _Node(item, stem, parent)
        inner = item.get("text", stem) if item.get("type") == "group" else stem
        yield from _walk(item.get("item", []), inner, item["linkId"])


_INDEX: dict[int, tuple[dict[str, Any], dict[str, _Node]]] = {}


def _index(instrument: library.Instrument) -> dict[str, _Node]:
    """Every item of the Questionnaire (groups and display items too) by linkId, computed once per definition."""
    key = id(instrument.questionnaire)
    cached = _INDEX.get(key)
    if cached is None or cached[0] is not instrument.questionnaire:
        cached = (instrument.questionnaire, dict(_walk(instrument.questionnaire.get("item", []))))
        _INDEX[key] = cached
    return cached[1]


def _raw(instrument: library.Instrument, link_id: str) -> dict[str, Any]:
    return _index(instrument)[link_id].raw


def answer_coding(instrument: library.Instrument, link_id: str, value: float) -> dict[str, Any] | None:
    """The Questionnaire's own coding (system, code, display) for this answer, or None if it is not an option."""
    for option in _raw(instrument, link_id).get("answerOption", []):
        ordinals = [e.get("valueDecimal") for e in option.get("extension", []) if e.get("url") == library.ORDINAL_URL]
        if ordinals and float(ordinals[0]) == value and "valueCoding" in option:
            return dict(option["valueCoding"])
    return None


def _same_coding(given: dict[str, Any] | None, expected: dict[str, Any]) -> bool:
    if given is None or given.get("code") != expected.get("code"):
        return False
    return not (given.get("system") and expected.get("system")) or given["system"] == expected["system"]


_ORDERED = {">": float.__gt__, "<": float.__lt__, ">=": float.__ge__, "<=": float.__le__}


def _holds(instrument: library.Instrument, condition: dict[str, Any], value: float | None) -> bool:
    """One enableWhen condition, given the question's answer (None: no answer), as R4 defines it."""
    question, operator = condition["question"], condition.get("operator")
    if operator == "exists":
        return (value is not None) == bool(condition.get("answerBoolean", True))
    if operator not in {"=", "!=", *_ORDERED}:
        return False
    if "answerCoding" in condition:
        if operator not in {"=", "!="}:
            return False  # codings have no order
        equal = value is not None and _same_coding(
            answer_coding(instrument, question, value), condition["answerCoding"]
        )
    else:
        if "answerBoolean" in condition:
            expected: float | None = 1.0 if condition["answerBoolean"] else 0.0
        else:
            number = condition.get("answerInteger", condition.get("answerDecimal"))
            expected = None if number is None else float(number)
        if expected is None:
            return False
        if operator in _ORDERED:
            return value is not None and _ORDERED[operator](float(value), expected)
        equal = value is not None and float(value) == expected
    # "=": at least one answer equals it; "!=": no answer equals it (so true when there is no answer).
    return equal if operator == "=" else not equal


def _possible(instrument: library.Instrument, link_id: str) -> list[float | None] | None:
    """Every answer a question not reached yet could get (None: declined), or None when they cannot be listed."""
    try:
        options = instrument.allowed_values(link_id)
    except KeyError:
        return None
    return [None, *options] if options else None


def _states(instrument: library.Instrument, values: Values, *, settled: bool) -> dict[str, Truth]:
    """linkId -> enabled (True), disabled (False) or, unless `settled`, not decided yet (None).

    Settled: every question not in `values` has no answer, which is what R4 evaluates. Otherwise a question not
    in `values` has not been reached, and a condition on it is decided only if every answer it could get (or
    none) gives the same result."""
    index = _index(instrument)
    states: dict[str, Truth] = {}
    visiting: set[str] = set()

    def condition_truth(condition: dict[str, Any]) -> Truth:
        question = condition.get("question", "")
        if question not in index:
            return False
        enabled = state(question)
        if enabled is False:
            return _holds(instrument, condition, None)  # a disabled question counts as not answered
        if settled or (question in values and enabled is True):
            return _holds(instrument, condition, values.get(question))
        if question in values:
            # Answered, but whether the question is asked is not decided yet: its answer or none.
            possible: list[float | None] | None = [values[question], None]
        else:
            possible = _possible(instrument, question)
        if possible is None:
            return None
        outcomes = {_holds(instrument, condition, value) for value in possible}
        return outcomes.pop() if len(outcomes) == 1 else None

    def state(link_id: str) -> Truth:
        if link_id in states:
            return states[link_id]
        if link_id in visiting:
            return False  # a cycle of conditions: never enabled (a malformed definition)
        visiting.add(link_id)
        node = index[link_id]
        own = _combine(
            [condition_truth(c) for c in node.raw.get("enableWhen", [])],
            node.raw.get("enableBehavior", "all"),
        )
        result = own if node.parent is None else _and(state(node.parent), own)
        visiting.discard(link_id)
        states[link_id] = result
        return result

    for link_id in index:
        state(link_id)
    return states


def _and(first: Truth, second: Truth) -> Truth:
    if first is False or second is False:
        return False
    return True if first is True and second is True else None


def _combine(results: list[Truth], behavior: str) -> Truth:
    if not results:
        return True
    if behavior == "any" and len(results) > 1:
        if any(r is True for r in results):
            return True
        return False if all(r is False for r in results) else None
    if any(r is False for r in results):
        return False
    return True if all(r is True for r in results) else None


def enabled(instrument: library.Instrument, link_id: str, values: Values) -> bool:
    """Whether the item is enabled (R4): questions not in `values` have no answer."""
    return _states(instrument, values, settled=True).get(link_id) is True


def sequence(instrument: library.Instrument, values: Values) -> list[str]:
    """The items to ask, in order, given the answers so far."""
    states = _states(instrument, values, settled=True)
    return [item["linkId"] for item in instrument.items if states.get(item["linkId"]) is True]


def certain(instrument: library.Instrument, values: Values) -> list[str]:
    """The items that will be asked whatever the questions not reached yet are answered: what a count promises."""
    states = _states(instrument, values, settled=False)
    return [item["linkId"] for item in instrument.items if states.get(item["linkId"]) is True]


def step(instrument: library.Instrument, link_id: str, values: Values) -> Step:
    promised = set(certain(instrument, values))
    counted = [i for i in sequence(instrument, values) if i in promised or i == link_id]
    item = instrument.item(link_id)
    number = counted.index(link_id) + 1 if link_id in counted else len(counted)
    stem = _index(instrument)[link_id].stem
    return Step(link_id, number, len(counted), stem, item["text"] or "", tuple(item["options"]))


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
