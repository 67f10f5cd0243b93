"""The demo tells the issue's story: alice's DAP note of Dana's session, signed, with an addendum she signed a
day later, shown together; and a draft of today's session."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from attune.clinical import demo
from attune.clinical.models import NoteAddendum, SessionNote

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(cast: Any) -> Any:
    demo.seed(cast.clients, cast.users)
    return cast


def test_the_demo_is_idempotent(seeded: Any) -> None:
    before = SessionNote.objects.count(), NoteAddendum.objects.count()
    demo.seed(seeded.clients, seeded.users)
    assert (SessionNote.objects.count(), NoteAddendum.objects.count()) == before


def test_alices_signed_dap_note_with_an_addendum_a_day_later(seeded: Any, client_for: Any) -> None:
    note = SessionNote.objects.get(pk=demo.demo_id("note-signed"))
    assert note.template == "dap" and note.is_signed and note.author == seeded.alice
    addendum = note.addenda.get()
    assert addendum.signed_at - note.signed_at == datetime.timedelta(days=1)
    page = client_for(seeded.alice).get(reverse("clinical:note", args=[note.client_id, note.pk])).content.decode()
    assert "the Shield" in page and "Correction: the breathing practice" in page


def test_three_weighted_goals_give_58_by_the_real_computation(seeded: Any) -> None:
    from attune.clinical import perms, queries
    from attune.core import policy

    access = policy.client(seeded.alice, seeded.client("dana").pk, perms.VIEW_PLAN)
    plan = queries.current_plan(access)
    assert plan is not None
    cards = queries.goal_cards(access, plan)
    assert sorted(c.goal.weight for c in cards) == [1, 2, 2]
    score = queries.attainment(cards, queries.gas_rho(seeded.client("dana").practice_id))
    assert score.complete and score.t_score is not None and round(score.t_score) == 58


def test_danas_ladder_comes_down_over_her_completed_practices(seeded: Any) -> None:
    from attune.clinical import perms, queries
    from attune.core import policy

    access = policy.client(seeded.alice, seeded.client("dana").pk, perms.VIEW_EXPOSURE)
    steps = queries.ladder(access)
    assert [s.situation.expected_distress for s in steps] == [35, 55, 70]
    cafe = steps[0]
    assert len(cafe.practices) == 5 and len(cafe.completed) == 4 and cafe.trend == 25
