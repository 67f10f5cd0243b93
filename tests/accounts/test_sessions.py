import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from attune.accounts.models import ApiToken, UserSession
from attune.accounts.services import create_api_token

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("who", "idle_minutes"), [("alice", 15), ("dana", 30)])
def test_idle_timeout(cast, client_for, who: str, idle_minutes: int) -> None:
    url = reverse("workspace:caseload") if who == "alice" else reverse("workspace:portal")
    with time_machine.travel("2026-11-21 08:00", tick=False) as clock:
        browser = client_for(getattr(cast, who))
        clock.shift((idle_minutes - 1) * 60)
        assert browser.get(url).status_code == 200
        clock.shift((idle_minutes - 1) * 60)
        assert browser.get(url).status_code == 200  # activity keeps it alive
        clock.shift(idle_minutes * 60 + 1)
        ended = browser.get(url)
        assert ended.status_code == 302 and "ended=1" in ended["Location"]
        assert browser.get(url).status_code == 302


def test_absolute_lifetime_is_12_hours(cast, client_for) -> None:
    with time_machine.travel("2026-11-21 08:00", tick=False) as clock:
        browser = client_for(cast.dana)
        for _ in range(12 * 60 // 20 - 1):
            clock.shift(20 * 60)
            assert browser.get(reverse("workspace:portal")).status_code == 200
        clock.shift(21 * 60)
        assert browser.get(reverse("workspace:portal")).status_code == 302


def test_keepalive_extends_the_session(cast, client_for) -> None:
    with time_machine.travel("2026-11-21 08:00", tick=False) as clock:
        browser = client_for(cast.alice)
        browser.get(reverse("workspace:caseload"))
        clock.shift(14 * 60)
        csrf = browser.cookies["csrftoken"].value
        assert browser.post(reverse("accounts:keepalive"), HTTP_X_CSRFTOKEN=csrf).status_code == 204
        clock.shift(14 * 60)
        assert browser.get(reverse("workspace:caseload")).status_code == 200


def test_sessions_are_listed_and_can_be_ended_elsewhere(cast, client_for) -> None:
    here, there = client_for(cast.dana), client_for(cast.dana)
    _, raw = create_api_token(cast.dana, "phone")
    page = here.get(reverse("accounts:settings")).content.decode()
    assert page.count("last active") == 2 and "this device" in page
    here.get(reverse("accounts:settings"))
    csrf = here.cookies["csrftoken"].value
    here.post(reverse("accounts:sign_out_elsewhere"), {"csrfmiddlewaretoken": csrf})
    assert there.get(reverse("workspace:portal")).status_code == 302
    assert here.get(reverse("workspace:portal")).status_code == 200
    assert UserSession.objects.filter(user=cast.dana).count() == 1
    assert not ApiToken.objects.filter(user=cast.dana, revoked__isnull=True).exists()
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_creating_a_token_needs_step_up(cast, client_for) -> None:
    with time_machine.travel("2026-11-21 08:00", tick=False) as clock:
        browser = client_for(cast.dana)
        browser.get(reverse("accounts:settings"))
        clock.shift(4 * 60)
        csrf = browser.cookies["csrftoken"].value
        assert browser.post(reverse("accounts:create_token"), {"name": "a", "csrfmiddlewaretoken": csrf})[
            "Location"
        ] == reverse("accounts:settings")
        clock.shift(2 * 60)
        late = browser.post(reverse("accounts:create_token"), {"name": "b", "csrfmiddlewaretoken": csrf})
        assert reverse("accounts:confirm") in late["Location"]
    assert ApiToken.objects.filter(user=cast.dana).count() == 1
