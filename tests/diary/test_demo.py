"""The demo tells the story of the issue: Dana's map shows the Shield four times this week and her new response
used twice; Alice sees only what Dana shared; insights name the skill that helped most, with honest uncertainty."""

from __future__ import annotations

import pytest
from django.urls import reverse

from attune.diary import demo
from attune.diary.models import DiaryEntry, RelationshipScript

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(cast):
    demo.seed(cast.clients, cast.users)
    return cast


def test_the_demo_is_idempotent(seeded) -> None:
    before = DiaryEntry.objects.count(), RelationshipScript.objects.count()
    demo.seed(seeded.clients, seeded.users)
    assert (DiaryEntry.objects.count(), RelationshipScript.objects.count()) == before


def test_danas_map_and_alices_view_of_it(seeded, client_for) -> None:
    own = client_for(seeded.dana).get(reverse("diary:map")).content.decode()
    assert "the Shield" in own
    assert "Showed up 4 times in the past 7 days" in own and "New response used 2 times" in own
    team = client_for(seeded.alice).get(reverse("diary:client_map", args=[seeded.client("dana").pk])).content.decode()
    assert "Showed up 3 times in the past 7 days" in team  # one of the four is private
    assert "the Peacekeeper" in team  # alice's suggestion, waiting for Dana


def test_danas_insights_name_what_helped_most(seeded, client_for) -> None:
    data = client_for(seeded.dana).get(reverse("api:get_insights", args=[seeded.client("dana").pk])).json()
    best = data["skills"][0]
    assert best["skill"] == "paced-breathing" and best["enough"] and best["low"] < best["mean_drop"] < best["high"]
    assert {s["skill"]: s["enough"] for s in data["skills"]}["body-scan"] is False
    page = client_for(seeded.dana).get(reverse("diary:insights")).content.decode()
    assert "has gone with the biggest drop in distress" in page
