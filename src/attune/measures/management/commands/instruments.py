"""`attune instruments`: list the library, or import a practice's own licensed instrument.

An import is a FHIR R4 Questionnaire file plus its scoring section (the same format as the shipped files in
measures/instruments/). Both are checked against each other, and the scoring plan is compiled, before anything is
written; a bad file is refused with a message that names the file and what is wrong.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from attune.measures import library
from attune.measures.scoring.plan import compile_plan


def _read(path: str) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CommandError(f"{path}: cannot be read ({exc.strerror})") from exc
    except ValueError as exc:
        raise CommandError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise CommandError(f"{path}: the top level must be a JSON object")
    return data


def _check_fhir(path: str, questionnaire: dict[str, Any]) -> None:
    try:
        from fhir.resources.R4B.questionnaire import Questionnaire
    except ImportError:  # the validator is a development dependency; the library's own checks still run
        return
    try:
        Questionnaire.model_validate(questionnaire)
    except ValueError as exc:
        first = str(exc).splitlines()[:3]
        raise CommandError(f"{path}: not a valid FHIR R4 Questionnaire: {' '.join(first)}") from exc


def _write_atomically(folder: Path, name: str, data: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=1, ensure_ascii=False)
    os.replace(temporary, folder / name)


class Command(BaseCommand):
    help = "List instruments, or import a practice's own licensed instrument (FHIR Questionnaire + scoring)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="Every instrument the library can give, and where it comes from")
        add = sub.add_parser("import", help="Check and install a FHIR Questionnaire with its scoring section")
        add.add_argument("questionnaire", help="the FHIR R4 Questionnaire JSON file")
        add.add_argument(
            "--scoring", required=True, help="its scoring section (format: measures/instruments/*.scoring.json)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for instrument in library.all_instruments():
                texts = "item text" if all(i["text"] for i in instrument.items) else "no item text"
                self.stdout.write(
                    f"{instrument.code:<10} {instrument.title} ({len(instrument.item_ids)} scored items, {texts})"
                )
            return
        questionnaire = _read(options["questionnaire"])
        scoring = _read(options["scoring"])
        code = str(scoring.get("code") or "")
        if not code or not code.replace("-", "").isalnum() or code != code.lower():
            raise CommandError(f"{options['scoring']}: 'code' must be a short lower-case name such as 'wai-sr'")
        if questionnaire.get("resourceType") != "Questionnaire":
            raise CommandError(f"{options['questionnaire']}: resourceType must be 'Questionnaire'")
        _check_fhir(options["questionnaire"], questionnaire)
        try:
            instrument = library.build(code, questionnaire, scoring)
            compile_plan(instrument)
        except (library.DefinitionError, KeyError, TypeError, ValueError) as exc:
            raise CommandError(f"refused: {exc}") from exc
        folder = Path(settings.ATTUNE_INSTRUMENTS_DIR)
        _write_atomically(folder, f"{code}.json", questionnaire)
        _write_atomically(folder, f"{code}.scoring.json", scoring)
        library.use_local_dir(folder)
        missing = sum(1 for item in instrument.items if not item["text"])
        note = f"; {missing} item(s) have no text, so it cannot be given until they do" if missing else ""
        self.stdout.write(f"imported {code}: {instrument.title}, {len(instrument.item_ids)} scored items{note}")
