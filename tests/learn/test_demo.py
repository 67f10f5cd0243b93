"""The demo tells the issue's story: after a session on pacing, Dana practised saying "not now" and staying close
three ways, kept the phrase she liked, read the module on freeze and fawn responses, and wrote a thought record linked
to the Shield that she shares with Alice; her letter stays private."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from attune.diary import demo as diary_demo
from attune.learn import demo
from attune.learn.models import NarrativePiece, Rehearsal, ThoughtRecord
from attune.skills.models import GroundingPhrase

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(cast: Any) -> Any:
    diary_demo.seed(cast.clients, cast.users)
    demo.seed(cast.clients, cast.users)
    return cast


def test_the_demo_is_idempotent(seeded: Any) -> None:
    before = Rehearsal.objects.count(), ThoughtRecord.objects.count(), NarrativePiece.objects.count()
    demo.seed(seeded.clients, seeded.users)
    assert (Rehearsal.objects.count(), ThoughtRecord.objects.count(), NarrativePiece.objects.count()) == before


def test_danas_story(seeded: Any, client_for: Any) -> None:
    dana = seeded.client("dana")
    run = Rehearsal.objects.get(client=dana, rehearsal="saying-not-now")
    assert len({s["choice"] for s in run.steps if s["node"] == "offer"}) == 3
    assert demo.PHRASE in [p.text for p in GroundingPhrase.objects.filter(client=dana)]
    own = client_for(seeded.dana)
    home = own.get(reverse("learn:home")).content.decode()
    assert "Suggested by your care team" in home and "practised 1 time" in home
    module = own.get(reverse("learn:module", args=["threat-responses"])).content.decode()
    assert "you have read this" in module
    record = ThoughtRecord.objects.get(client=dana)
    assert record.shared and record.script_id is not None
    team = client_for(seeded.alice)
    page = team.get(reverse("learn:client_learn", args=[dana.pk])).content.decode()
    assert "Shared thought records" in page and "To the Shield" not in page
    shared = team.get(reverse("learn:client_thought_record", args=[dana.pk, record.pk])).content.decode()
    assert "the Shield" in shared and "I always spoil things" in shared
    letter = NarrativePiece.objects.get(client=dana, kind="letter")
    assert not letter.shared
    assert team.get(reverse("learn:client_piece", args=[dana.pk, letter.pk])).status_code == 404
