import copy
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from attune.measures import library

SHIPPED = Path(library.INSTRUMENTS_DIR)


def _files(tmp_path: Path, questionnaire: dict, scoring: dict) -> tuple[str, str]:
    q, s = tmp_path / "q.json", tmp_path / "s.json"
    q.write_text(json.dumps(questionnaire))
    s.write_text(json.dumps(scoring))
    return str(q), str(s)


def _gad7_as(code: str) -> tuple[dict, dict]:
    questionnaire = json.loads((SHIPPED / "gad7.json").read_text())
    scoring = json.loads((SHIPPED / "gad7.scoring.json").read_text())
    questionnaire["id"], questionnaire["title"], scoring["code"] = code, "Our worry scale", code
    return questionnaire, scoring


@pytest.fixture
def local_dir(tmp_path: Path):
    folder = tmp_path / "instruments"
    with override_settings(ATTUNE_INSTRUMENTS_DIR=folder):
        yield folder
    library.use_local_dir(None)


def test_a_practice_imports_its_own_instrument_and_can_give_it(tmp_path: Path, local_dir: Path, capsys) -> None:
    q, s = _files(tmp_path, *_gad7_as("worry7"))
    call_command("instruments", "import", q, "--scoring", s)
    assert "imported worry7" in capsys.readouterr().out
    assert (local_dir / "worry7.json").is_file()
    instrument = library.load("worry7")
    assert instrument.title == "Our worry scale" and "worry7" in library.codes()
    from attune.measures import scoring

    assert scoring.score(instrument, [1, 1, 1, 1, 1, 1, 1]).total == 7


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda q, s: q.update(resourceType="Patient"), "resourceType"),
        (lambda q, s: s.update(code="Bad Code"), "'code'"),
        (lambda q, s: s.update(items=[*s["items"], "no-such-item"]), "no-such-item"),
        (lambda q, s: q["item"][0]["item"][0].pop("answerOption"), "gad7-1"),
        (lambda q, s: q.update(item="not a list of items"), "Questionnaire"),
    ],
)
def test_a_bad_file_is_refused_naming_what_is_wrong(tmp_path: Path, local_dir: Path, change, message) -> None:
    questionnaire, scoring = (copy.deepcopy(x) for x in _gad7_as("worry7"))
    change(questionnaire, scoring)
    q, s = _files(tmp_path, questionnaire, scoring)
    with pytest.raises(CommandError, match=message):
        call_command("instruments", "import", q, "--scoring", s)
    assert not (local_dir / "worry7.json").exists()


def test_unreadable_json_is_refused(tmp_path: Path, local_dir: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("instruments", "import", str(bad), "--scoring", str(bad))


def test_list_names_every_instrument(capsys) -> None:
    call_command("instruments", "list")
    out = capsys.readouterr().out
    assert "pcl5" in out and "no item text" in out  # the five instruments whose text a practice loads
