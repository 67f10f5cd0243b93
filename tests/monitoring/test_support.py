"""The support page: pending after an autosaved critical answer until the client says they have seen it, shown
on whichever portal page they go to next; and its truthful words about when the care team will see it."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from attune.monitoring.models import Alert
from tests.cast import Cast
from tests.monitoring.helpers import browser_for, post
from tests.questionnaires import acting as questionnaires

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def _autosaved(cast: Cast, client_for: Any) -> tuple[Any, Any]:
    response = questionnaires.assign(cast.alice, cast.client("dana").pk, "phq9")
    questionnaires.acknowledge_notice(cast.dana, response.pk)
    dana = browser_for(client_for, cast.dana)
    item9 = reverse("questionnaires:portal_item", args=[response.pk, "phq9-9"])
    token = dana.cookies["csrftoken"].value
    assert dana.post(item9, {"answer": "1"}, HTTP_X_CSRFTOKEN=token, HTTP_X_ATTUNE_AUTOSAVE="1").status_code == 204
    return dana, response


def test_an_autosaved_critical_answer_shows_support_on_the_next_page_until_seen(cast: Cast, client_for: Any) -> None:
    dana, response = _autosaved(cast, client_for)
    support = reverse("monitoring:support", args=[response.pk])
    for page in (reverse("workspace:portal"), reverse("monitoring:my_results")):
        assert dana.get(page)["Location"] == support
    # Tapping Home lands on the support page.
    assert dana.get(reverse("home"), follow=True).redirect_chain[-1][0] == support
    # A page she may not see is still refused, not replaced.
    assert dana.get(reverse("monitoring:alerts")).status_code == 403
    assert dana.get(support).status_code == 200
    # Account pages (signing out) are never in the way.
    assert dana.get(reverse("accounts:settings")).status_code == 200
    seen = post(dana, reverse("monitoring:support_seen", args=[response.pk]), {"then": "home"})
    assert seen["Location"] == reverse("workspace:portal")
    assert dana.get(reverse("workspace:portal")).status_code == 200
    alert = Alert.objects.get(response=response)
    assert not alert.support_pending and alert.client_saw_support_at is not None


def test_continue_goes_back_to_the_questionnaire(cast: Cast, client_for: Any) -> None:
    dana, response = _autosaved(cast, client_for)
    seen = post(dana, reverse("monitoring:support_seen", args=[response.pk]), {"then": "continue"})
    assert seen["Location"] == reverse("questionnaires:portal_resume", args=[response.pk])


def test_an_answer_given_in_session_does_not_send_the_client_to_support(cast: Cast, client_for: Any) -> None:
    response = questionnaires.start(cast.alice, cast.client("dana").pk, "phq9")
    questionnaires.answer(cast.alice, response.pk, "phq9-9", value=2)
    assert Alert.objects.get(response=response).support_pending is False
    assert client_for(cast.dana).get(reverse("workspace:portal")).status_code == 200


def test_staff_are_never_redirected(cast: Cast, client_for: Any) -> None:
    _autosaved(cast, client_for)
    assert client_for(cast.alice).get(reverse("workspace:caseload")).status_code == 200


@pytest.mark.parametrize(
    ("moment", "words"),
    [
        (datetime.datetime(2026, 3, 4, 11, 0, tzinfo=LONDON), "will see what you said today"),
        (datetime.datetime(2026, 3, 6, 19, 0, tzinfo=LONDON), "will see what you said on Monday morning"),
        (datetime.datetime(2026, 3, 4, 22, 0, tzinfo=LONDON), "will see what you said tomorrow morning"),
    ],
)
def test_the_support_page_says_truthfully_when_the_team_will_see_it(
    cast: Cast, client_for: Any, moment: datetime.datetime, words: str
) -> None:
    dana, response = _autosaved(cast, client_for)
    with time_machine.travel(moment, tick=False):
        page = dana.get(reverse("monitoring:support", args=[response.pk])).content.decode()
    assert words in page
    assert "straight away" not in page
    if "today" not in words:
        assert "not at work just now" in page
