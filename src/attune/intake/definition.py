"""The intake definition: a FHIR R4 Questionnaire file, read into plain data and checked once.

The file (definitions/intake.json) is the only place the intake's questions live, so that a practice can adapt it.
Its shape:

- top-level items are groups, one per section; each group's first item is a `display` item holding the section's
  notice (what it covers), shown before its first question;
- questions are `choice` (one answer), `choice` with `repeats: true` (any that fit) or `text` (free text, kept
  encrypted); `answerOption.valueCoding` codes identify the answers; `enableWhen` (operators `=`, `!=` and
  `exists`) with `enableBehavior` makes items conditional;
- a nested `display` item with itemControl `help` is the question's help text;
- extensions:
    sdc-questionnaire-shortText              a short label for the clinician's summary
    ...:intake-safety-concern (on an answerOption)   this answer suggests the person may not be safe: show support
                                             at once and alert the care team
    ...:intake-in-their-words                the clinician's summary shows this free-text answer as written
    ...:intake-offers-instrument             answering "yes" adds that instrument (e.g. the PCL-5) to the
                                             client's questionnaires
    ...:intake-safe-contact (valueCode)      when the intake is sent, this answer is written to the client's
                                             safe contact (email_ok, push_ok, phone_ok, may_leave_message:
                                             a yes/no choice; phone, times_to_avoid: text)
    sdc-questionnaire-subQuestionnaire (on a `display` item)  an instrument of the library (e.g. the PC-PTSD-5)
                                             given inside the intake through the questionnaire engine

Framework-free: no Django here. A malformed file raises DefinitionError naming what is wrong.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from attune.intake.inputs import MAX_LINK_ID, MAX_TEXT

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"
EXT = "urn:attune:fhir:StructureDefinition:"
SDC = "http://hl7.org/fhir/uv/sdc/StructureDefinition/"
CONCERN_URL = EXT + "intake-safety-concern"
VERBATIM_URL = EXT + "intake-in-their-words"
OFFERS_URL = EXT + "intake-offers-instrument"
SAFE_CONTACT_URL = EXT + "intake-safe-contact"
# The parts of a client's safe contact an answer may say: yes/no choices, and free text.
SAFE_CONTACT_CHOICES = frozenset({"email_ok", "push_ok", "phone_ok", "may_leave_message"})
SAFE_CONTACT_TEXT = frozenset({"phone", "times_to_avoid"})
SHORT_TEXT_URL = SDC + "sdc-questionnaire-shortText"
SUB_QUESTIONNAIRE_URL = SDC + "sdc-questionnaire-subQuestionnaire"
ITEM_CONTROL_URL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
INSTRUMENT_PREFIX = "urn:attune:fhir:Questionnaire:"
OPERATORS = {"=", "!=", "exists"}
ACCEPT = "yes"  # the answer code that accepts an offered instrument


class DefinitionError(ValueError):
    """The intake definition file is missing or inconsistent."""


@dataclass(frozen=True)
class Option:
    code: str
    display: str
    concern: bool = False


@dataclass(frozen=True)
class Condition:
    question: str
    operator: str
    code: str | None = None
    exists: bool = True


@dataclass(frozen=True)
class Question:
    link_id: str
    section: str
    kind: str  # "single", "multi", "text" or "embedded"
    text: str
    short: str
    help: str = ""
    options: tuple[Option, ...] = ()
    conditions: tuple[Condition, ...] = ()
    behavior: str = "all"
    verbatim: bool = False
    max_length: int = MAX_TEXT
    instrument: str = ""  # "embedded": the instrument given here
    offers: str = ""  # the instrument added to the client's questionnaires when the answer is ACCEPT
    safe_contact: str = ""  # the part of the client's safe contact this answer says, when the intake is sent

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)

    def displays(self, codes: tuple[str, ...] | list[str]) -> list[str]:
        return [o.display for o in self.options if o.code in codes]


@dataclass(frozen=True)
class Section:
    link_id: str
    title: str
    notice: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Definition:
    code: str
    title: str
    version: str
    purpose: str
    questionnaire: dict[str, Any]
    sections: tuple[Section, ...]

    def section(self, link_id: str) -> Section:
        for section in self.sections:
            if section.link_id == link_id:
                return section
        raise KeyError(link_id)

    def question(self, link_id: str) -> Question:
        for section in self.sections:
            for question in section.questions:
                if question.link_id == link_id:
                    return question
        raise KeyError(link_id)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for s in self.sections for q in s.questions)

    @property
    def instruments(self) -> set[str]:
        """Library instruments the intake gives or offers."""
        return {q.instrument for q in self.questions if q.instrument} | {q.offers for q in self.questions if q.offers}


@cache
def load(code: str = "intake") -> Definition:
    path = DEFINITIONS_DIR / f"{code}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DefinitionError(f"{path.name}: cannot be read as JSON ({exc})") from exc
    return build(code, data)


def build(code: str, questionnaire: dict[str, Any]) -> Definition:
    if not isinstance(questionnaire, dict) or questionnaire.get("resourceType") != "Questionnaire":
        raise DefinitionError(f"intake {code!r}: the definition is not a FHIR Questionnaire")
    sections = tuple(_section(item) for item in questionnaire.get("item", []))
    if not sections:
        raise DefinitionError(f"intake {code!r}: there are no sections")
    definition = Definition(
        code=code,
        title=str(questionnaire.get("title") or code),
        version=str(questionnaire.get("version") or ""),
        purpose=str(questionnaire.get("purpose") or ""),
        questionnaire=questionnaire,
        sections=sections,
    )
    _check(definition)
    return definition


def _extension(item: dict[str, Any], url: str) -> Any:
    for extension in item.get("extension", []):
        if extension.get("url") == url:
            return next((v for k, v in extension.items() if k.startswith("value")), None)
    return None


def _section(group: dict[str, Any]) -> Section:
    link_id = str(group.get("linkId", ""))
    children = list(group.get("item", []))
    if group.get("type") != "group" or not children or children[0].get("type") != "display":
        raise DefinitionError(f"section {link_id!r}: a section is a group whose first item is its notice")
    questions = tuple(_question(item, link_id) for item in children[1:])
    if not questions:
        raise DefinitionError(f"section {link_id!r} has no questions")
    return Section(link_id, str(group.get("text") or link_id), str(children[0].get("text") or ""), questions)


def _help(item: dict[str, Any]) -> str:
    for child in item.get("item", []):
        control = _extension(child, ITEM_CONTROL_URL) or {}
        codes = {c.get("code") for c in control.get("coding", [])}
        if child.get("type") == "display" and "help" in codes:
            return str(child.get("text") or "")
    return ""


def _instrument_code(canonical: Any, where: str) -> str:
    if not isinstance(canonical, str) or not canonical.startswith(INSTRUMENT_PREFIX):
        raise DefinitionError(f"{where}: instruments are named {INSTRUMENT_PREFIX}<code>")
    return canonical.removeprefix(INSTRUMENT_PREFIX)


def _question(item: dict[str, Any], section: str) -> Question:
    link_id = str(item.get("linkId", ""))
    where = f"item {link_id!r}"
    kind = _kind(item, where)
    options = tuple(
        Option(
            str(o["valueCoding"]["code"]),
            str(o["valueCoding"].get("display") or o["valueCoding"]["code"]),
            bool(_extension(o, CONCERN_URL)),
        )
        for o in item.get("answerOption", [])
        if "valueCoding" in o
    )
    if kind in {"single", "multi"} and len(options) < 2:
        raise DefinitionError(f"{where}: a choice needs at least two answerOption valueCodings")
    conditions = tuple(_condition(c, where) for c in item.get("enableWhen", []))
    sub = _extension(item, SUB_QUESTIONNAIRE_URL)
    offers = _extension(item, OFFERS_URL)
    return Question(
        link_id=link_id,
        section=section,
        kind=kind,
        text=str(item.get("text") or ""),
        short=str(_extension(item, SHORT_TEXT_URL) or item.get("text") or link_id),
        help=_help(item),
        options=options,
        conditions=conditions,
        behavior=str(item.get("enableBehavior", "all")),
        verbatim=bool(_extension(item, VERBATIM_URL)),
        max_length=min(int(item.get("maxLength") or MAX_TEXT), MAX_TEXT),
        instrument=_instrument_code(sub, where) if sub is not None else "",
        offers=_instrument_code(offers, where) if offers is not None else "",
        safe_contact=str(_extension(item, SAFE_CONTACT_URL) or ""),
    )


def _kind(item: dict[str, Any], where: str) -> str:
    kind = item.get("type")
    if kind == "display" and _extension(item, SUB_QUESTIONNAIRE_URL) is not None:
        return "embedded"
    if kind == "choice":
        return "multi" if item.get("repeats") else "single"
    if kind in {"text", "string"}:
        return "text"
    raise DefinitionError(f"{where}: type {kind!r} is not one the intake asks (choice, text or string)")


def _condition(raw: dict[str, Any], where: str) -> Condition:
    operator = raw.get("operator")
    if operator not in OPERATORS:
        raise DefinitionError(f"{where}: enableWhen operator {operator!r} is not one of {sorted(OPERATORS)}")
    if operator == "exists":
        return Condition(str(raw.get("question")), operator, exists=bool(raw.get("answerBoolean", True)))
    coding = raw.get("answerCoding") or {}
    if "code" not in coding:
        raise DefinitionError(f"{where}: enableWhen with {operator!r} needs an answerCoding")
    return Condition(str(raw.get("question")), operator, code=str(coding["code"]))


def _check(definition: Definition) -> None:
    """Link ids are unique, conditions point back to earlier choice questions and to their real answers."""
    seen: dict[str, Question] = {}
    section_ids = {s.link_id for s in definition.sections}
    if len(section_ids) != len(definition.sections):
        raise DefinitionError("two sections share a linkId")
    for question in definition.questions:
        where = f"item {question.link_id!r}"
        if not question.link_id or question.link_id in seen or question.link_id in section_ids:
            raise DefinitionError(f"{where}: every linkId must be present and unique")
        if len(question.link_id) > MAX_LINK_ID:
            raise DefinitionError(f"{where}: linkIds are at most {MAX_LINK_ID} characters")
        if question.behavior not in {"all", "any"}:
            raise DefinitionError(f"{where}: enableBehavior must be all or any")
        if (question.offers and question.kind != "single") or (question.offers and not question.option(ACCEPT)):
            raise DefinitionError(f"{where}: an offer is a single choice with a {ACCEPT!r} answer")
        _check_safe_contact(question, where)
        for condition in question.conditions:
            source = seen.get(condition.question)
            if source is None or source.kind not in {"single", "multi"}:
                raise DefinitionError(f"{where}: enableWhen must name an earlier choice question")
            if condition.code is not None and source.option(condition.code) is None:
                raise DefinitionError(f"{where}: {condition.question!r} has no answer {condition.code!r}")
        seen[question.link_id] = question


def _check_safe_contact(question: Question, where: str) -> None:
    if not question.safe_contact:
        return
    if question.safe_contact in SAFE_CONTACT_CHOICES:
        if question.kind != "single" or {o.code for o in question.options} != {"yes", "no"}:
            raise DefinitionError(f"{where}: {question.safe_contact} is a single choice of 'yes' or 'no'")
    elif question.safe_contact in SAFE_CONTACT_TEXT:
        if question.kind != "text":
            raise DefinitionError(f"{where}: {question.safe_contact} is a text answer")
    else:
        raise DefinitionError(f"{where}: there is no part of safe contact called {question.safe_contact!r}")
