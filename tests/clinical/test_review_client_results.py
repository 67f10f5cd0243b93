"""The client's version of a progress review shows her questionnaire results in words, by their plain names, and
only those her care team chose to show her (the same choice as her results page); the care team's version shows
every questionnaire of the episode."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from attune.clinical import demo, exports, perms
from attune.clinical.models import ProgressReview
from attune.core import policy
from attune.monitoring import demo as monitoring_demo
from attune.monitoring.models import MeasureVisibility
from attune.questionnaires.models import Response
from tests.cast import Cast

pytestmark = pytest.mark.django_db

HEADING = "How your answers have changed"


@pytest.fixture
def seeded(cast: Cast) -> Cast:
    """The demo (dana's three PCL-5 results, which alice shows her) and two GAD-7 results alice does not show her."""
    monitoring_demo.seed(cast.clients, cast.users)
    demo.seed(cast.clients, cast.users)
    dana = cast.client("dana")
    now = timezone.now()
    for days_ago, total in ((20, 17), (3, 15)):
        Response.objects.create(client=dana, instrument="gad7", status="completed", scored=True, total=total,
                                submitted=now - datetime.timedelta(days=days_ago))  # fmt: skip
    return cast


def review() -> ProgressReview:
    return ProgressReview.objects.get(pk=demo.demo_id("review"))


def client_page(cast: Cast, client_for: Any) -> str:
    page = client_for(cast.dana).get(reverse("clinical:my_review", args=[review().pk])).content.decode()
    return page[page.index("<main") : page.index("</main>")]


def test_she_sees_the_results_she_is_shown_in_words(seeded: Cast, client_for: Any) -> None:
    main = client_page(seeded, client_for)
    assert HEADING in main and "Reactions to a stressful experience" in main
    assert "Your latest result, 31, is lower than your first one (48), by more than everyday ups and downs" in main
    assert "A lower result means reactions to a stressful experience" in main
    assert "<svg" in main and "The numbers" in main  # the chart, with its numbers beside it
    # GAD-7 is not shown to her: neither its plain name nor its results.
    assert "Worry and tension" not in main and "worry and tension have been bothering you" not in main
    assert main.count("<svg") == 1  # one chart: the PCL-5's


def test_the_care_team_sees_every_questionnaire(seeded: Cast, client_for: Any) -> None:
    page = client_for(seeded.alice).get(reverse("clinical:review", args=[seeded.client("dana").pk, review().pk]))
    text = page.content.decode()
    assert "Generalized Anxiety Disorder" in text and "PTSD Checklist" in text and HEADING not in text


def test_what_alice_shows_her_next_appears_and_what_she_stops_showing_goes(seeded: Cast, client_for: Any) -> None:
    dana = seeded.client("dana")
    MeasureVisibility.objects.create(client=dana, instrument="gad7", visible=True, changed_by=seeded.alice)
    main = client_page(seeded, client_for)
    assert "Worry and tension" in main and "Your latest result, 15, is a little lower than your first one (17)" in main
    MeasureVisibility.objects.filter(client=dana).update(visible=False)
    main = client_page(seeded, client_for)
    assert HEADING not in main and "Reactions to a stressful experience" not in main


def test_the_print_version_for_her_follows_the_same_choice(seeded: Cast) -> None:
    dana = seeded.client("dana")
    access = policy.own(seeded.dana, perms.VIEW_REVIEWS)
    html = exports.page_html(access, review(), clinical=False)
    assert HEADING in html and "Reactions to a stressful experience" in html and "Worry and tension" not in html
    assert "pcl5" not in html.lower() and "gad7" not in html.lower()  # no code, not even in an id
    MeasureVisibility.objects.filter(client=dana).update(visible=False)
    assert HEADING not in exports.page_html(access, review(), clinical=False)
