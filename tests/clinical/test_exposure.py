"""Exposure hierarchies: situations ordered by expected distress, homework, the client's practice log (stopping
early is practice, never a failure), the window-of-tolerance check, her curve and the care team's view."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attune.clinical.models import ExposurePractice
from attune.clinical.services import PracticeInput
from tests.cast import CANARIES, Cast, canary
from tests.clinical import through_policy as services
from tests.diary.support import canaries_in, post, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def ladder(cast: Cast) -> dict[str, Any]:
    alice, dana, eli = cast.alice, cast.client("dana"), cast.client("eli")
    hard = services.add_situation(alice, dana.pk, canary("exposuresituation", "description"), 70)
    easy = services.add_situation(alice, dana.pk, canary("exposuresituation", "description"), 30)
    homework = services.set_homework(alice, dana.pk, easy.pk, 15, 3, canary("exposurehomework", "guidance"))
    practices = [
        services.log_practice(cast.dana, dana.pk, homework.pk, uuid.uuid4(),
                              PracticeInput(start, peak, end, note=canary("exposurepractice", "note")))[0]
        for start, peak, end in ((30, 70, 40), (30, 60, 30), (20, 45, 20))
    ]  # fmt: skip
    eli_situation = services.add_situation(cast.bob, eli.pk, canary("exposuresituation", "description"), 40)
    eli_homework = services.set_homework(cast.bob, eli.pk, eli_situation.pk, 10, 2)
    return {"hard": hard, "easy": easy, "homework": homework, "practices": practices, "eli_homework": eli_homework}


def test_the_hierarchy_is_ordered_and_the_trend_is_shown(cast: Cast, ladder: dict[str, Any], client_for: Any) -> None:
    page = client_for(cast.alice).get(reverse("clinical:exposure", args=[cast.client("dana").pk])).content.decode()
    assert page.index(ladder["easy"].description) < page.index(ladder["hard"].description)
    assert "3 of 3" in page  # completion this week against the homework
    assert "70 → 45" in page and "down 25 over 3 completed practices" in page


def test_the_client_sees_her_curve_with_its_numbers(cast: Cast, ladder: dict[str, Any], client_for: Any) -> None:
    page = client_for(cast.dana).get(reverse("clinical:my_exposure")).content.decode()
    assert "<svg" in page and "polyline" in page and 'role="img"' in page
    assert "your highest point came down by 25" in page
    assert ladder["homework"].guidance in page
    assert "<td>45</td>" in page  # the data table beside the chart


def test_a_window_of_tolerance_check_comes_first(cast: Cast, ladder: dict[str, Any], client_for: Any) -> None:
    browser, url = client_for(cast.dana), reverse("clinical:my_practice", args=[ladder["homework"].pk])
    check = browser.get(url).content.decode()
    assert "Is now a good time?" in check and 'name="distress_start"' not in check
    assert 'name="distress_start"' in browser.get(url + "?now=yes").content.decode()


def test_stopping_early_is_practice_and_said_kindly(cast: Cast, ladder: dict[str, Any], client_for: Any) -> None:
    browser, url = client_for(cast.dana), reverse("clinical:my_practice", args=[ladder["homework"].pk])
    form = {"key": str(uuid.uuid4()), "distress_start": "40", "distress_peak": "80", "distress_end": "60",
            "stopped_early": "on"}  # fmt: skip
    response = post(browser, url, form)
    assert response.status_code == 302
    page = browser.get(response.headers["Location"]).content.decode()
    assert "You stopped when you needed to — that is information too." in page
    assert ExposurePractice.objects.filter(homework=ladder["homework"], stopped_early=True).count() == 1
    assert post(browser, url, form).status_code == 302  # the same key again: saved once
    assert ExposurePractice.objects.filter(homework=ladder["homework"]).count() == 4


def test_a_peak_below_the_start_is_refused(cast: Cast, ladder: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        services.log_practice(cast.dana, cast.client("dana").pk, ladder["homework"].pk, uuid.uuid4(),
                              PracticeInput(50, 40, 30))  # fmt: skip


@pytest.mark.parametrize("who", ["alice", "frank", "sam"])
def test_only_the_client_logs_her_practice(cast: Cast, ladder: dict[str, Any], who: str) -> None:
    with pytest.raises(PermissionDenied):
        services.log_practice(getattr(cast, who), cast.client("dana").pk, ladder["homework"].pk, uuid.uuid4(),
                              PracticeInput(20, 40, 20))  # fmt: skip


@pytest.mark.parametrize(("who", "status"), [("frank", 403), ("sam", 403), ("ada", 403), ("bob", 404), ("carol", 404)])
def test_no_one_else_sees_the_ladder(cast: Cast, ladder: dict[str, Any], client_for: Any, api_for: Any, who: str,
                                     status: int) -> None:  # fmt: skip
    dana = cast.client("dana").pk
    for response in (
        client_for(getattr(cast, who)).get(reverse("clinical:exposure", args=[dana])),
        client_for(getattr(cast, who)).get(reverse("clinical:exposure_situation", args=[dana, ladder["easy"].pk])),
        api_for(getattr(cast, who)).get(reverse("api:list_exposure_situations", args=[dana])),
    ):
        assert response.status_code == status
        assert not canaries_in(response)


def test_the_api(cast: Cast, ladder: dict[str, Any], api_for: Any) -> None:
    dana = cast.client("dana").pk
    steps = api_for(cast.alice).get(reverse("api:list_exposure_situations", args=[dana])).json()
    assert [s["expected_distress"] for s in steps] == [30, 70]
    assert [p["distress_peak"] for p in steps[0]["practices"]] == [70, 60, 45]
    api = api_for(cast.dana)
    url = reverse("api:log_exposure_practice", args=[dana, ladder["homework"].pk])
    body = {"key": str(uuid.uuid4()), "distress_start": 20, "distress_peak": 50, "stopped_early": True}
    first, again = send(api, "POST", url, body), send(api, "POST", url, body)
    assert (first.status_code, again.status_code) == (201, 200) and first.json()["id"] == again.json()["id"]
    assert first.json()["distress_end"] is None
    made = send(api_for(cast.alice), "POST", reverse("api:create_exposure_situation", args=[dana]),
                {"description": "A queue", "expected_distress": 50})  # fmt: skip
    assert made.status_code == 201
    hw = send(api_for(cast.alice), "POST", reverse("api:set_exposure_homework", args=[dana, made.json()["id"]]),
              {"minutes": 10, "times_per_week": 2})  # fmt: skip
    assert hw.status_code == 201


def test_the_pages_queries_do_not_grow_with_practices(cast: Cast, ladder: dict[str, Any], client_for: Any) -> None:
    dana = cast.client("dana").pk
    urls = [(cast.alice, reverse("clinical:exposure", args=[dana])), (cast.dana, reverse("clinical:my_exposure"))]
    for user, url in urls:
        browser = client_for(user)
        browser.get(url)
        with CaptureQueriesContext(connection) as few:
            browser.get(url)
        for _ in range(5):
            services.log_practice(cast.dana, dana, ladder["homework"].pk, uuid.uuid4(), PracticeInput(20, 30, 10))
        with CaptureQueriesContext(connection) as many:
            browser.get(url)
        assert len(many) == len(few), url


def test_no_exposure_canary_reaches_the_database_unencrypted(ladder: dict[str, Any]) -> None:
    planted = [c for c in CANARIES if c.split("-")[1] in {"exposuresituation", "exposurehomework", "exposurepractice"}]
    assert len(planted) >= 6
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            text = " ".join(str(value) for row in cursor.fetchall() for value in row)
            assert not [c for c in planted if c in text], table
