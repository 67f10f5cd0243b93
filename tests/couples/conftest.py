from __future__ import annotations

from typing import Any

import pytest

from attune.care.models import PartnerLink
from tests.cast import Cast


@pytest.fixture
def link(cast: Cast) -> PartnerLink:
    """dana and frank's link, from the standing cast."""
    return PartnerLink.objects.get(client=cast.client("dana"), partner=cast.frank, ended__isnull=True)


@pytest.fixture
def settings_push_off(settings: Any) -> None:
    settings.ATTUNE_PUSH_ENABLED = False


@pytest.fixture
def relationship_wording(tmp_path: Any) -> Any:
    """The practice's copy of the relationship questionnaire, loaded as a practice loads it (`attune instruments
    import`). Its wording is a stand-in: the licensed text is the practice's to load, not ours to ship."""
    import io
    import json

    from django.conf import settings
    from django.core.management import call_command
    from django.test import override_settings

    from attune.measures import library

    questionnaire = json.loads((library.INSTRUMENTS_DIR / "csi16.json").read_text())
    for group in questionnaire["item"]:
        for number, item in enumerate(group["item"], start=1):
            item["text"] = f"Stand-in wording for question {number} (the practice's licensed copy goes here)"
    q, s = tmp_path / "csi16.json", tmp_path / "csi16.scoring.json"
    q.write_text(json.dumps(questionnaire))
    s.write_text((library.INSTRUMENTS_DIR / "csi16.scoring.json").read_text())
    with override_settings(ATTUNE_INSTRUMENTS_DIR=tmp_path / "instruments"):
        call_command("instruments", "import", str(q), "--scoring", str(s), stdout=io.StringIO())
        yield library.load("csi16")
    library.use_local_dir(settings.ATTUNE_INSTRUMENTS_DIR)
