"""The demo tells the story of the issue: Dana's plan, built with Alice, opens on her phone with one tap and a number
to call in step 4; Alice sees the suicide-safety part; Frank can find no trace of it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from attune.diary import demo as diary_demo
from attune.safetyplan import demo
from attune.safetyplan.models import PlanVersion, SafetyPlan, SupportPerson

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(cast):
    diary_demo.seed(cast.clients, cast.users)
    demo.seed(cast.clients, cast.users)
    return cast


def test_the_demo_is_idempotent(seeded) -> None:
    before = SafetyPlan.objects.count(), PlanVersion.objects.count(), SupportPerson.objects.count()
    demo.seed(seeded.clients, seeded.users)
    assert (SafetyPlan.objects.count(), PlanVersion.objects.count(), SupportPerson.objects.count()) == before
    assert before == (1, 8, 2)


def test_dana_alice_and_frank(seeded, client_for) -> None:
    dana = seeded.client("dana")
    portal = client_for(seeded.dana).get(reverse("workspace:portal")).content.decode()
    assert 'href="/portal/plan/"' in portal  # the one-tap link, and the card
    own = client_for(seeded.dana).get(reverse("safetyplan:plan")).content.decode()
    assert 'href="tel:07700900461"' in own and "Maya" in own and "Lighthouse" in own
    team = client_for(seeded.alice).get(reverse("safetyplan:client_plan", args=[dana.pk])).content.decode()
    assert "Maya" in team and "Lighthouse" not in team and "Last reviewed together" in team
    frank = client_for(seeded.frank)
    for url in (reverse("workspace:portal"), reverse("safetyplan:client_plan", args=[dana.pk])):
        body = frank.get(url).content.decode()
        assert "Maya" not in body and "Lighthouse" not in body and "/plan/" not in body


def test_the_diary_offers_warning_signs_and_skills_that_helped(seeded, client_for) -> None:
    page = client_for(seeded.dana).get(reverse("safetyplan:step", args=["warning_signs"])).content.decode()
    assert "From what you logged in your diary" in page
    coping = client_for(seeded.dana).get(reverse("safetyplan:step", args=["coping"])).content.decode()
    assert "helped you before" in coping
    assert coping.index("Paced breathing") < coping.index("A gentle body scan")
