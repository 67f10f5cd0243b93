"""Checks on the FHIR Bundles Attune writes, shared by the questionnaire and the privacy export tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def _references(node: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                yield where, value
            else:
                yield from _references(value, f"{where}.{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from _references(value, f"{where}[{n}]")


def references(bundle: dict[str, Any]) -> list[tuple[str, str]]:
    """Every Reference.reference in the Bundle's resources, with where it sits."""
    found: list[tuple[str, str]] = []
    for n, entry in enumerate(bundle.get("entry", [])):
        resource = entry["resource"]
        found += _references(resource, f"entry[{n}].{resource['resourceType']}")
    return found


def unresolved(bundle: dict[str, Any]) -> list[str]:
    """References that do not resolve inside the Bundle (R4 Bundle resolution: an entry's fullUrl, or Type/id of
    an entry's resource), and QuestionnaireResponse.questionnaire canonicals with no Questionnaire entry of that
    url (and version, where the canonical names one)."""
    entries = [e for e in bundle.get("entry", [])]
    full_urls = {e["fullUrl"] for e in entries if "fullUrl" in e}
    relative = {f"{e['resource']['resourceType']}/{e['resource'].get('id')}" for e in entries}
    canonicals = set()
    for e in entries:
        if e["resource"]["resourceType"] == "Questionnaire":
            url, version = e["resource"].get("url"), e["resource"].get("version")
            canonicals |= {url, f"{url}|{version}"} if version else {url}
    missing = [f"{where}: {ref}" for where, ref in references(bundle) if ref not in full_urls | relative]
    for n, e in enumerate(entries):
        if (
            e["resource"]["resourceType"] == "QuestionnaireResponse"
            and e["resource"]["questionnaire"] not in canonicals
        ):
            missing.append(f"entry[{n}].QuestionnaireResponse.questionnaire: {e['resource']['questionnaire']}")
    return missing
