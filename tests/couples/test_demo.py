"""The couples demo: the relationship questionnaire loaded with stand-in wording (as a practice loads its licensed
copy), and two turns each for Dana and Frank, Frank's latest total shown to Dana."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from attune.care.models import PartnerLink
from attune.couples import demo
from attune.couples.models import RelationshipQuestions
from attune.measures import library
from attune.questionnaires import engine
from tests.cast import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(cast: Cast, tmp_path: Path) -> Any:
    with override_settings(ATTUNE_INSTRUMENTS_DIR=tmp_path / "instruments"):
        demo.seed(cast.clients, cast.users)
        demo.seed(cast.clients, cast.users)  # idempotent
        yield cast
    library.use_local_dir(settings.ATTUNE_INSTRUMENTS_DIR)


def test_the_demo_loads_stand_in_wording_and_two_turns_each(seeded: Cast, client_for: Any) -> None:
    instrument = library.load("csi16")
    assert engine.administrable(instrument) and "stand-in" in instrument.items[0]["text"]
    assert RelationshipQuestions.objects.count() == 4
    link = PartnerLink.objects.get(client=seeded.client("dana"), partner=seeded.frank, ended__isnull=True)
    alice = client_for(seeded.alice).get(reverse("couples:space", args=[link.pk])).content.decode()
    section = alice.split('id="between-them"', 1)[1].split("</section>", 1)[0]
    assert ">47<" in section and ">63<" in section and "+16 points since the first" in section
    dana = client_for(seeded.dana).get(reverse("couples:between_you", args=[link.pk])).content.decode()
    assert "a total of 63 out of 81" in dana and "a total of 47" not in dana
