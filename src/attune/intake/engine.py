"""Walking the intake: which steps are asked (FHIR enableWhen), in which order, and where to resume.

A step is a section's notice, one of its questions, or one item of an instrument given inside the intake (the
PC-PTSD-5), whose own enableWhen is evaluated by the questionnaire engine. A section the client keeps to talk
about in person drops out of the walk altogether.

Framework-free: plain data in, plain data out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from attune.intake.definition import Condition, Definition, Question
from attune.measures import library
from attune.questionnaires import engine as questionnaire_engine


@dataclass(frozen=True)
class Given:
    """One saved answer: the chosen codes, or free text, or an explicit "prefer not to answer"."""

    codes: tuple[str, ...] = ()
    text: str = ""
    skipped: bool = False

    @property
    def empty(self) -> bool:
        return self.skipped or not (self.codes or self.text)


@dataclass(frozen=True)
class State:
    answers: Mapping[str, Given] = field(default_factory=dict)
    in_person: frozenset[str] = frozenset()
    opened: frozenset[str] = frozenset()  # sections whose notice the client has read
    # Instruments given inside the intake: code -> the questionnaire engine's values (linkId -> ordinal or None).
    embedded: Mapping[str, Mapping[str, float | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    kind: str  # "section", "question" or "embedded"
    link_id: str
    section: str
    instrument: str = ""


def met(condition: Condition, answers: Mapping[str, Given]) -> bool:
    given = answers.get(condition.question)
    has_answer = given is not None and not given.empty
    if condition.operator == "exists":
        return has_answer == condition.exists
    if given is None or not has_answer:
        return False
    if condition.operator == "=":
        return condition.code in given.codes
    return any(code != condition.code for code in given.codes)  # "!=": some answer differs (FHIR R4)


def enabled(question: Question, answers: Mapping[str, Given]) -> bool:
    if not question.conditions:
        return True
    results = [met(c, answers) for c in question.conditions]
    return any(results) if question.behavior == "any" else all(results)


def _embedded_items(question: Question, state: State) -> list[str]:
    instrument = library.load(question.instrument)
    return questionnaire_engine.sequence(instrument, state.embedded.get(question.instrument, {}))


def section_steps(definition: Definition, section_id: str, state: State) -> list[Step]:
    section = definition.section(section_id)
    steps = [Step("section", section.link_id, section.link_id)]
    for question in section.questions:
        if not enabled(question, state.answers):
            continue
        if question.kind == "embedded":
            steps += [
                Step("embedded", item, section.link_id, question.instrument)
                for item in _embedded_items(question, state)
            ]
        else:
            steps.append(Step("question", question.link_id, section.link_id))
    return steps


def sequence(definition: Definition, state: State) -> list[Step]:
    """Every step to take, in order, given the answers so far and the sections kept for the session."""
    steps: list[Step] = []
    for section in definition.sections:
        if section.link_id not in state.in_person:
            steps += section_steps(definition, section.link_id, state)
    return steps


def done(step: Step, state: State) -> bool:
    if step.kind == "section":
        return step.link_id in state.opened
    if step.kind == "embedded":
        return step.link_id in state.embedded.get(step.instrument, {})
    return step.link_id in state.answers


def find(steps: list[Step], link_id: str) -> Step | None:
    return next((s for s in steps if s.link_id == link_id), None)


def resume_at(steps: list[Step], state: State, position: str = "") -> str | None:
    """Where to continue: the saved place if it is still on the way (so coming back lands exactly where the
    client left, even on an answer they were changing), else the first step not yet taken. None when every
    step is taken: time to review."""
    if position and find(steps, position) is not None:
        return position
    return next((s.link_id for s in steps if not done(s, state)), None)


def neighbours(steps: list[Step], link_id: str) -> tuple[str | None, str | None]:
    ids = [s.link_id for s in steps]
    if link_id not in ids:
        return None, None
    index = ids.index(link_id)
    return (ids[index - 1] if index else None), (ids[index + 1] if index + 1 < len(ids) else None)


def after_section(definition: Definition, section_id: str, state: State) -> str | None:
    """The first step of the next section still on the way (where "talk about this in person" leads)."""
    ids = [s.link_id for s in definition.sections]
    for later in ids[ids.index(section_id) + 1 :]:
        if later not in state.in_person:
            return later
    return None


def concern(question: Question, codes: tuple[str, ...] | list[str]) -> bool:
    """Does this answer suggest the client may not be safe?"""
    return any(option.concern for option in question.options if option.code in codes)


@dataclass(frozen=True)
class Place:
    """Where a step sits, for "Part 2 of 6 · question 3 of 5"."""

    section_number: int
    sections: int
    number: int
    of: int


def place(definition: Definition, state: State, step: Step) -> Place:
    ids = [s.link_id for s in definition.sections]
    in_section = [s for s in section_steps(definition, step.section, state) if s.kind != "section"]
    numbers = [s.link_id for s in in_section]
    number = numbers.index(step.link_id) + 1 if step.link_id in numbers else 0
    return Place(ids.index(step.section) + 1, len(ids), number, len(numbers))
