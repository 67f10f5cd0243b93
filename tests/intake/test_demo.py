"""The demo gives Eli an intake from Bob, waiting and not started, so that the issue's story can be walked."""

from __future__ import annotations

import pytest

from attune.intake import demo
from attune.intake.models import Intake

pytestmark = pytest.mark.django_db


def test_eli_has_one_intake_from_bob_however_often_the_demo_is_seeded(cast) -> None:
    demo.seed(cast.clients, cast.users)
    demo.seed(cast.clients, cast.users)
    intakes = list(Intake.objects.filter(client=cast.client("eli")))
    assert len(intakes) == 1
    assert intakes[0].sent_by == cast.bob and intakes[0].status == Intake.Status.SENT and intakes[0].episode_id
    assert not Intake.objects.filter(client=cast.client("dana")).exists()
