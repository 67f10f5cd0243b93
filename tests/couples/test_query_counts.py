"""The couple's pages and lists make the same number of queries for 2 agreements as for 8 (STYLE.md 6)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attune.care.models import PartnerLink
from tests.cast import Cast
from tests.couples import support

pytestmark = pytest.mark.django_db


def add(cast: Cast, link: PartnerLink, count: int) -> None:
    for _ in range(count):
        agreement = support.draft(cast.alice, link)
        support.consent(cast.dana, agreement)
        support.new_version(cast.frank, agreement)
        support.check_in(cast.frank, link, show_partner=True, show_clinician=True)


def queries(browser: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert browser.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["dana", "alice"])
def test_the_space_does_not_grow_with_the_couples_work(
    cast: Cast, link: PartnerLink, client_for: Any, api_for: Any, who: str
) -> None:
    browser, api = client_for(getattr(cast, who)), api_for(getattr(cast, who))
    paths = [
        reverse("couples:space", args=[link.pk]),
        f"/api/v1/couples/{link.pk}/agreements",
        f"/api/v1/couples/{link.pk}/check-ins",
    ]
    add(cast, link, 2)
    for path in paths[1:]:
        api.get(path)  # the token's first use of the minute records "last used"; measure the reads after it
    few = [queries(browser, paths[0]), *(queries(api, p) for p in paths[1:])]
    add(cast, link, 6)
    many = [queries(browser, paths[0]), *(queries(api, p) for p in paths[1:])]
    assert many == few
