"""Pages and API operations that list diary rows make the same number of queries for 5 entries as for 30
(STYLE.md 6, SECURITY.md 30)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.diary import through_policy as services
from tests.diary.conftest import World
from tests.skills import through_policy as skill_services

pytestmark = pytest.mark.django_db

MEASURED: dict[str, int] = {}


def add_rows(world: World, count: int) -> None:
    cast, dana = world.cast, world.dana
    for i in range(count):
        services.log_entry(
            cast.dana,
            dana.pk,
            uuid.uuid4(),
            services.EntryInput(
                trigger_kind=["tone", "place", "memory"][i % 3],
                distress_before=60,
                distress_after=30 + i % 20,
                occurred_at=timezone.now() - datetime.timedelta(hours=7 * i),
                trigger_words=f"words {i}",
                script_id=world.shield.pk,
                new_response_id=world.response.pk if i % 2 else None,
                skill=["paced-breathing", "grounding-54321"][i % 2],
                shared=i % 3 != 0,
            ),
        )
        skill_services.record_practice(
            cast.dana,
            dana.pk,
            "body-scan",
            uuid.uuid4(),
            skill_services.PracticeInput(distress_before=50, distress_after=35, shared=bool(i % 2)),
        )


def count_queries(browser: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(url)
    assert response.status_code == 200, url
    return len(queries)


def staff_urls(world: World) -> dict[str, str]:
    dana = world.dana.pk
    return {
        "clinician's diary": reverse("diary:client_diary", args=[dana]),
        "clinician's insights": reverse("diary:client_insights", args=[dana]),
        "clinician's map": reverse("diary:client_map", args=[dana]),
        "clinician's skills page": reverse("skills:client_skills", args=[dana]),
        "API entries": reverse("api:list_diary_entries", args=[dana]),
        "API insights": reverse("api:get_insights", args=[dana]),
        "API scripts": reverse("api:list_scripts", args=[dana]),
        "API skill practices": reverse("api:list_skill_practices", args=[dana]),
    }


def portal_urls(world: World) -> dict[str, str]:
    return {
        "client's diary": reverse("diary:entries"),
        "client's insights": reverse("diary:insights"),
        "client's map": reverse("diary:map"),
        "client's practice log": reverse("diary:response_practice", args=[world.response.pk]),
        "client's skills": reverse("skills:library"),
    }


@pytest.mark.parametrize("who", ["alice", "dana"])
def test_queries_do_not_grow_with_the_diary(world: World, client_for, who: str) -> None:
    browser = client_for(getattr(world.cast, who))
    urls = staff_urls(world) if who == "alice" else portal_urls(world)
    add_rows(world, 5)
    few = {name: count_queries(browser, url) for name, url in urls.items()}
    add_rows(world, 25)
    many = {name: count_queries(browser, url) for name, url in urls.items()}
    assert few == many
    MEASURED.update(many)
    # A ceiling, so that a page cannot quietly become expensive even at a constant count.
    assert max(many.values()) <= 30, many
