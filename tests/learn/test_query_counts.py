"""Lists and the progress page make a fixed number of queries, however much the client has written."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attune.learn import services
from tests.learn.conftest import World, own, piece, run, thought

pytestmark = pytest.mark.django_db

PAGES = ["learn:home", "learn:thought_records", "learn:pieces", "learn:saved"]


def counts(browser: Any) -> dict[str, int]:
    out = {}
    for name in PAGES:
        with CaptureQueriesContext(connection) as captured:
            assert browser.get(reverse(name)).status_code == 200
        out[name] = len(captured)
    return out


def test_portal_lists_do_not_grow_with_the_work(world: World, client_for: Any) -> None:
    browser = client_for(world.cast.dana)
    counts(browser)  # warm the session and caches
    before = counts(browser)
    access = own(world.cast, "dana")
    for _ in range(5):
        services.create_thought_record(access, thought(False))
        services.create_piece(access, piece("letter", False))
        run(access, False)
        services.add_reflection(access, "attachment", "More", False)
    assert counts(browser) == before


def test_the_care_teams_page_does_not_grow(world: World, client_for: Any) -> None:
    browser = client_for(world.cast.alice)
    url = reverse("learn:client_learn", args=[world.dana.pk])
    browser.get(url)
    with CaptureQueriesContext(connection) as first:
        browser.get(url)
    access = own(world.cast, "dana")
    for _ in range(5):
        services.create_thought_record(access, thought(True))
        run(access, True)
    with CaptureQueriesContext(connection) as second:
        browser.get(url)
    assert len(second) == len(first)
