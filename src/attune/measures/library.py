"""The instrument library: FHIR R4 Questionnaire files plus a scoring section of our own, loaded and checked.

Each instrument is two data files in `instruments/`:

- `<code>.json`: an HL7 FHIR R4 Questionnaire (items, `answerOption.valueCoding` with the ordinal value in the
  extension `http://hl7.org/fhir/StructureDefinition/ordinalValue`, `enableWhen`, LOINC codes where known);
- `<code>.scoring.json`: how to score it (item order, reversed items, subscales, the missing-item rule, bands,
  flags, published reliability and change thresholds with their sources, the licence and why item text is or is
  not shipped). `scoring/` reads only this and the ordinals.

Public interface (framework-free; other apps use only these):

    load(code) -> Instrument          one instrument, checked once and cached for the process
    all_instruments() -> list[Instrument]
    codes() -> list[str]
    with_item_text(instrument, texts) -> Instrument
        the same instrument with item text a practice loaded from its own licensed copy (by linkId)

`Instrument` fields:
    code, title       "pcl5", "PTSD Checklist for DSM-5 (PCL-5)"
    questionnaire     the FHIR Questionnaire as a dict (do not mutate)
    item_ids          linkIds of the items the score reads, in scoring order: the order of `answers` given to
                      `scoring.score` and of the CSV columns item1..itemN (PC-PTSD-5: the exposure question first)
    items             every answerable item in display order, each a dict: linkId, text (None when the practice
                      loads the text), options [(ordinal, display, code)], required (always False: every
                      question may be skipped), enable_when (list of FHIR enableWhen dicts, empty if none),
                      scored (bool)
    sensitive         asks about trauma, self-harm or a partner: announce before it starts, and never show to a
                      linked partner unless the client shares it
    notice            short plain text for the person answering: what is asked, why, who sees the result
    scoring           the parsed scoring section (dict)

A malformed definition raises `DefinitionError` naming the file and what is wrong.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

INSTRUMENTS_DIR = Path(__file__).resolve().parent / "instruments"
ORDINAL_URL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
SCORING_SCHEMA = "attune.measures.scoring/1"
_ANSWERABLE = {"choice", "coding", "boolean", "integer", "decimal", "string", "text", "date", "open-choice"}


class DefinitionError(ValueError):
    """An instrument definition file is missing or inconsistent."""


Option = tuple[float, str, str]


@dataclass(frozen=True)
class Instrument:
    code: str
    title: str
    questionnaire: dict[str, Any]
    item_ids: tuple[str, ...]
    items: tuple[dict[str, Any], ...]
    sensitive: bool
    notice: str
    scoring: dict[str, Any]

    def item(self, link_id: str) -> dict[str, Any]:
        for item in self.items:
            if item["linkId"] == link_id:
                return item
        raise KeyError(link_id)

    def allowed_values(self, link_id: str) -> tuple[float, ...]:
        """The ordinal values an answer to this item may take, in the order the options are offered."""
        return tuple(option[0] for option in self.item(link_id)["options"])


_local_dirs: list[Path] = []


def use_local_dir(path: Path | None) -> None:
    """Also load instruments a practice imported (`attune instruments import`) from this folder. A practice's copy
    of a shipped instrument (for example one with its licensed item text) takes the place of the shipped one."""
    _local_dirs.clear()
    if path is not None:
        _local_dirs.append(Path(path))
    load.cache_clear()


def _folder_of(code: str) -> Path | None:
    for folder in [*_local_dirs, INSTRUMENTS_DIR]:
        if (folder / f"{code}.scoring.json").is_file() and (folder / f"{code}.json").is_file():
            return folder
    return None


def codes() -> list[str]:
    found = set()
    for folder in [INSTRUMENTS_DIR, *_local_dirs]:
        found |= {p.name.removesuffix(".scoring.json") for p in folder.glob("*.scoring.json")}
    return sorted(code for code in found if _folder_of(code) is not None)


def all_instruments() -> list[Instrument]:
    return [load(code) for code in codes()]


@cache
def load(code: str) -> Instrument:
    """The instrument with this code; raises KeyError for an unknown code, DefinitionError for a bad file."""
    folder = _folder_of(code)
    if folder is None:
        raise KeyError(f"unknown instrument {code!r}; known: {', '.join(codes())}")
    questionnaire = _read_json(folder / f"{code}.json")
    scoring = _read_json(folder / f"{code}.scoring.json")
    return build(code, questionnaire, scoring)


def build(code: str, questionnaire: dict[str, Any], scoring: dict[str, Any]) -> Instrument:
    """Check a Questionnaire and its scoring section against each other and make an Instrument.

    A practice that loads a licensed instrument of its own goes through the same checks.
    """
    where = f"instrument {code!r}"
    if questionnaire.get("resourceType") != "Questionnaire":
        raise DefinitionError(f"{where}: the definition is not a FHIR Questionnaire")
    if scoring.get("schema") != SCORING_SCHEMA or scoring.get("code") != code:
        raise DefinitionError(f"{where}: the scoring section must have schema {SCORING_SCHEMA} and code {code}")
    items = tuple(_flatten(questionnaire.get("item", []), where))
    by_id = {item["linkId"]: item for item in items}
    item_ids = tuple(scoring["items"])
    for link_id in item_ids:
        if link_id not in by_id:
            raise DefinitionError(f"{where}: scored item {link_id!r} is not in the Questionnaire")
        if not by_id[link_id]["options"]:
            raise DefinitionError(f"{where}: scored item {link_id!r} has no answer options with ordinal values")
    for item in items:
        item["scored"] = item["linkId"] in item_ids
    _check_references(where, scoring, set(item_ids))
    _check_change(where, scoring)
    return Instrument(
        code=code,
        title=questionnaire.get("title", code),
        questionnaire=questionnaire,
        item_ids=item_ids,
        items=items,
        sensitive=bool(scoring.get("sensitive", False)),
        notice=str(scoring.get("notice", "")),
        scoring=scoring,
    )


def with_item_text(instrument: Instrument, texts: Mapping[str, str]) -> Instrument:
    """The instrument with item text supplied by the practice (linkId -> text), e.g. from its licensed copy."""
    unknown = set(texts) - {item["linkId"] for item in instrument.items}
    if unknown:
        raise DefinitionError(f"instrument {instrument.code!r}: no items {sorted(unknown)}")
    items = tuple({**item, "text": texts.get(item["linkId"], item["text"])} for item in instrument.items)
    return replace(instrument, items=items)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DefinitionError(f"{path.name}: cannot be read as JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise DefinitionError(f"{path.name}: the top level must be a JSON object")
    return data


def _flatten(fhir_items: list[dict[str, Any]], where: str) -> list[dict[str, Any]]:
    """Answerable items in display order; groups are walked, display items skipped."""
    found: list[dict[str, Any]] = []
    for fhir_item in fhir_items:
        if fhir_item.get("type") in _ANSWERABLE:
            found.append(
                {
                    "linkId": fhir_item["linkId"],
                    "text": fhir_item.get("text"),
                    "options": _options(fhir_item, where),
                    "required": False,
                    "enable_when": list(fhir_item.get("enableWhen", [])),
                }
            )
        found.extend(_flatten(fhir_item.get("item", []), where))
    return found


def _options(fhir_item: dict[str, Any], where: str) -> list[Option]:
    options: list[Option] = []
    for option in fhir_item.get("answerOption", []):
        coding = option.get("valueCoding")
        ordinals = [e["valueDecimal"] for e in option.get("extension", []) if e.get("url") == ORDINAL_URL]
        if coding is None or len(ordinals) != 1:
            raise DefinitionError(
                f"{where}: item {fhir_item['linkId']!r} needs valueCoding and one ordinalValue on each option"
            )
        options.append((float(ordinals[0]), coding.get("display", ""), coding["code"]))
    return options


def _check_references(where: str, scoring: dict[str, Any], item_ids: set[str]) -> None:
    """Every item a rule names must be a scored item, every scale a flag or band reads must exist."""
    named: list[str] = list(scoring.get("reversed", []))
    scales = {"total"} if scoring.get("total") else set()
    for name, subscale in scoring.get("subscales", {}).items():
        named.extend(subscale["items"])
        scales.add(name)
    if scoring.get("total"):
        named.extend(scoring["total"].get("items", []))
    if scoring.get("gate"):
        named.append(scoring["gate"]["item"])
    for name, flag in scoring.get("flags", {}).items():
        if flag["kind"] == "item":
            named.append(flag["item"])
        elif flag["kind"] == "score" and flag["of"] not in scales:
            raise DefinitionError(f"{where}: flag {name!r} reads unknown scale {flag['of']!r}")
        elif flag["kind"] == "counts":
            for rule in flag["all"]:
                named.extend(rule["items"])
    bands = scoring.get("bands") or {}
    for of in [bands.get("of")] + [d["of"] for d in bands.get("dimensions", [])]:
        if of is not None and of not in scales:
            raise DefinitionError(f"{where}: bands read unknown scale {of!r}")
    missing = sorted(set(named) - item_ids)
    if missing:
        raise DefinitionError(f"{where}: rules name items that are not scored items: {missing}")


_DIRECTIONS = {"lower_is_better", "higher_is_better"}
_FUNCTIONAL_BOUND = {"lower_is_better": "functional_at_or_below", "higher_is_better": "functional_at_or_above"}


def _check_change(where: str, scoring: dict[str, Any]) -> None:
    """The `change` section: published thresholds, SD, reliability and norms must be usable numbers.

    Every field is optional (an instrument may publish none); what is there must make sense, so a bad value is
    refused when the file is loaded rather than giving a wrong reliable-change threshold later. Accepted forms,
    all backward compatible with the readers in scoring.change and monitoring.rules:

        direction                     "lower_is_better" (default) or "higher_is_better"
        reliable_change.points        a positive number, or a published range [low, high]
        clinical_cutoff.value         a number
        clinically_significant        {"functional_at_or_below": x} (or _at_or_above when higher is better)
        sd                            a positive number or {"value": x, "source": ...}: the published SD that
                                      Jacobson & Truax's threshold uses
        reliability.alpha / .test_retest   a number in [0, 1) or a published range of them
        norms.clinical / .functional  {"mean": m, "sd": s > 0, "source": ...}: criterion c needs both
    """
    spec = scoring.get("change")
    if spec is None:
        return
    if not isinstance(spec, dict):
        raise DefinitionError(f"{where}: change must be an object")
    here = f"{where}: change"
    direction = spec.get("direction", "lower_is_better")
    if direction not in _DIRECTIONS:
        raise DefinitionError(f"{here}.direction must be one of {sorted(_DIRECTIONS)}, not {direction!r}")
    if "reliable_change" in spec:
        published = _object(spec["reliable_change"], f"{here}.reliable_change")
        if "points" in published:
            _numbers(published["points"], f"{here}.reliable_change.points", positive=True)
        if "range" in published:
            _numbers(published["range"], f"{here}.reliable_change.range", positive=True)
        _source(published, f"{here}.reliable_change")
    if "clinical_cutoff" in spec:
        cutoff = _object(spec["clinical_cutoff"], f"{here}.clinical_cutoff")
        _numbers(cutoff.get("value"), f"{here}.clinical_cutoff.value")
    if "clinically_significant" in spec:
        significant = _object(spec["clinically_significant"], f"{here}.clinically_significant")
        bound = _FUNCTIONAL_BOUND[direction]
        if bound not in significant:
            raise DefinitionError(f"{here}.clinically_significant needs {bound} for a scale where {direction}")
        _numbers(significant[bound], f"{here}.clinically_significant.{bound}")
        _source(significant, f"{here}.clinically_significant")
    if "sd" in spec:
        sd = spec["sd"]
        if isinstance(sd, dict):
            _source(sd, f"{here}.sd")
            sd = sd.get("value")
        _numbers(sd, f"{here}.sd", positive=True)
    if "reliability" in spec:
        reliability = _object(spec["reliability"], f"{here}.reliability")
        for kind in ("alpha", "test_retest"):
            if kind in reliability:
                _numbers(reliability[kind], f"{here}.reliability.{kind}", unit=True)
    if "norms" in spec:
        norms = _object(spec["norms"], f"{here}.norms")
        for population in ("clinical", "functional"):
            if population not in norms:
                raise DefinitionError(f"{here}.norms needs both clinical and functional norms for criterion c")
            norm = _object(norms[population], f"{here}.norms.{population}")
            _numbers(norm.get("mean"), f"{here}.norms.{population}.mean")
            _numbers(norm.get("sd"), f"{here}.norms.{population}.sd", positive=True)
            _source(norm, f"{here}.norms.{population}")


def _object(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DefinitionError(f"{path} must be an object")
    return value


def _source(value: dict[str, Any], path: str) -> None:
    if not isinstance(value.get("source"), str) or not value["source"].strip():
        raise DefinitionError(f"{path} needs a source: published values are cited")


def _numbers(value: Any, path: str, *, positive: bool = False, unit: bool = False) -> None:
    """A finite number, or a non-empty list of them (a published range), within the bounds asked for."""
    values = value if isinstance(value, list) else [value]
    if not values:
        raise DefinitionError(f"{path} must not be an empty list")
    for number in values:
        if isinstance(number, bool) or not isinstance(number, int | float) or not math.isfinite(number):
            raise DefinitionError(f"{path} must be a number or a list of numbers, not {number!r}")
        if positive and number <= 0:
            raise DefinitionError(f"{path} must be greater than 0, not {number!r}")
        if unit and not 0 <= number < 1:
            raise DefinitionError(f"{path} must be a reliability in [0, 1), not {number!r}")
