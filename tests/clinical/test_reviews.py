"""Progress reviews: the clinical version (goal attainment, measures with reliable change, practice, sessions,
narrative) and the client's (plain words, no acronyms, nothing of the clinical narrative), who may read which, and
queries that do not grow with the number of results."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attune.clinical import demo
from attune.clinical.models import ProgressReview
from attune.monitoring import demo as monitoring_demo
from tests.cast import Cast
from tests.diary.support import canaries_in, post, send

pytestmark = pytest.mark.django_db

ACRONYMS = ("GAS", "T-score", "PCL", "PHQ", "GAD", "\u03c1", "rho", "weight", "reliable", "clinically")


@pytest.fixture
def seeded(cast: Cast) -> Cast:
    monitoring_demo.seed(cast.clients, cast.users)
    demo.seed(cast.clients, cast.users)
    return cast


def review_of(cast: Cast) -> ProgressReview:
    return ProgressReview.objects.get(pk=demo.demo_id("review"))


def test_the_clinical_version(seeded: Cast, client_for: Any) -> None:
    found, dana = review_of(seeded), seeded.client("dana").pk
    page = client_for(seeded.alice).get(reverse("clinical:review", args=[dana, found.pk])).content.decode()
    assert "GAS T-score: 58.1" in page
    pcl = re.search(r"PCL-5.*?<strong>([^<]+)</strong>", page, re.S)
    assert pcl is not None and "improvement" in pcl.group(1)
    assert "<svg" in page and "<table" in page  # every chart has its numbers
    assert found.narrative in page
    assert re.search(r"Attended \d+ · missed 1 · cancelled 1", page)


def test_the_client_version_is_in_plain_words(seeded: Cast, client_for: Any) -> None:
    found = review_of(seeded)
    browser = client_for(seeded.dana)
    assert found.pk.hex[:8] in browser.get(reverse("clinical:my_reviews")).content.decode().replace("-", "")
    page = browser.get(reverse("clinical:my_review", args=[found.pk])).content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    assert found.client_summary in main and found.narrative not in page
    for word in ACRONYMS:
        assert word.lower() not in main.lower(), word
    assert "Where we hoped to be" in main and re.search(r"We met \d+ times", main)
    # The care team's review page sends her to her own version.
    staff = browser.get(reverse("clinical:review", args=[found.client_id, found.pk]))
    assert staff.status_code == 302 and staff.headers["Location"] == reverse("clinical:my_review", args=[found.pk])


def test_writing_a_review(seeded: Cast, client_for: Any, api_for: Any) -> None:
    dana = seeded.client("dana").pk
    form = {"review_date": timezone.localdate().isoformat(), "narrative": "N", "client_summary": "S"}
    assert post(client_for(seeded.alice), reverse("clinical:reviews", args=[dana]), form).status_code == 302
    ahead = {**form, "review_date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat()}
    assert post(client_for(seeded.alice), reverse("clinical:reviews", args=[dana]), ahead).status_code == 422
    made = send(api_for(seeded.alice), "POST", reverse("api:create_review", args=[dana]), form)
    assert made.status_code == 201 and round(made.json()["gas_t_score"]) == 58
    pcl = next(m for m in made.json()["measures"] if m["instrument"] == "pcl5")
    assert "improvement" in pcl["change"]
    own = api_for(seeded.dana).get(reverse("api:get_review", args=[dana, made.json()["id"]])).json()
    assert own["narrative"] is None and own["gas_t_score"] is None and own["measures"] is None


@pytest.mark.parametrize(("who", "status"), [("frank", 403), ("sam", 403), ("ada", 403), ("bob", 404), ("carol", 404)])
def test_no_one_else_reads_a_review(seeded: Cast, client_for: Any, api_for: Any, who: str, status: int) -> None:
    found, dana = review_of(seeded), seeded.client("dana").pk
    for response in (
        client_for(getattr(seeded, who)).get(reverse("clinical:review", args=[dana, found.pk])),
        api_for(getattr(seeded, who)).get(reverse("api:get_review", args=[dana, found.pk])),
    ):
        assert response.status_code == status
        assert not canaries_in(response) and found.narrative not in response.content.decode()


def test_the_review_page_queries_do_not_grow_with_results(seeded: Cast, client_for: Any) -> None:
    from attune.questionnaires.models import Response

    found, dana = review_of(seeded), seeded.client("dana")
    browser, url = client_for(seeded.alice), reverse("clinical:review", args=[dana.pk, found.pk])
    browser.get(url)
    with CaptureQueriesContext(connection) as few:
        browser.get(url)
    base = Response.objects.filter(client=dana, instrument="pcl5", status="completed").first()
    assert base is not None
    for days in range(10):
        Response.objects.create(client=dana, instrument="pcl5", status="completed", scored=True, total=30 - days,
                                submitted=timezone.now() - datetime.timedelta(days=days, hours=1))  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        browser.get(url)
    assert len(many) == len(few)
