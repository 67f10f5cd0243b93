import json

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from attune.accounts import mfa
from attune.accounts.models import Membership, User
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db


def _code(user: User, at: float | None = None) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if at is not None:
        totp.time = at
    return f"{totp.token():06d}"


def _password_only(user: User) -> Client:
    browser = Client()
    assert browser.post(reverse("accounts:login"), {"email": user.email, "password": PASSWORD}).status_code == 302
    return browser


def test_password_only_staff_session_reaches_no_client_data(cast) -> None:
    browser = _password_only(cast.alice)
    dana = cast.client("dana")
    for url in [
        reverse("workspace:caseload"),
        reverse("workspace:client", args=[dana.pk]),
        reverse("accounts:settings"),
    ]:
        response = browser.get(url)
        assert response.status_code == 302 and reverse("accounts:mfa_verify") in response["Location"]
    api = browser.get(f"/api/v1/clients/{dana.pk}")
    assert api.status_code == 401 and "CANARY" not in api.content.decode()


def test_new_staff_member_must_enrol_before_the_caseload(cast) -> None:
    newcomer = User.objects.create_user("new@demo.attune.test", PASSWORD, display_name="New Clinician")
    Membership.objects.create(user=newcomer, practice=cast.practices["northside"], role="clinician")
    browser = _password_only(newcomer)
    response = browser.get(reverse("workspace:caseload"))
    assert response.status_code == 302 and reverse("accounts:mfa_setup") in response["Location"]
    page = browser.get(reverse("accounts:mfa_setup"))
    assert page.status_code == 200 and b"data:image/svg+xml" in page.content
    device = TOTPDevice.objects.get(user=newcomer, confirmed=False)
    code = f"{TOTP(device.bin_key).token():06d}"
    done = browser.post(reverse("accounts:mfa_setup"), {"code": code})
    assert done.status_code == 200 and b"recovery" in done.content.lower()
    assert mfa.recovery_codes_left(newcomer) == 10
    assert browser.get(reverse("workspace:caseload")).status_code == 200


def test_code_verifies_once_and_a_replay_is_refused(cast) -> None:
    with time_machine.travel("2026-11-21 09:00:05", tick=False):
        code = _code(cast.alice)
        first = _password_only(cast.alice)
        ok = first.post(reverse("accounts:mfa_verify"), {"code": code})
        assert ok.status_code == 302
        assert first.get(reverse("workspace:caseload")).status_code == 200
        second = _password_only(cast.alice)
        replay = second.post(reverse("accounts:mfa_verify"), {"code": code})
        assert replay.status_code == 200 and b"did not work" in replay.content
        assert second.get(reverse("workspace:caseload")).status_code == 302


def test_each_recovery_code_works_once(cast) -> None:
    codes = mfa.regenerate_recovery_codes(cast.alice)
    first = _password_only(cast.alice)
    assert first.post(reverse("accounts:mfa_verify"), {"code": codes[0]}).status_code == 302
    second = _password_only(cast.alice)
    again = second.post(reverse("accounts:mfa_verify"), {"code": codes[0]})
    assert again.status_code == 200
    assert mfa.recovery_codes_left(cast.alice) == len(codes) - 1


def test_mfa_verification_rotates_the_session_key(cast) -> None:
    browser = _password_only(cast.bob)
    before = browser.cookies["attune_session"].value
    with time_machine.travel("2026-11-21 09:10:05", tick=False):
        browser.post(reverse("accounts:mfa_verify"), {"code": _code(cast.bob)})
    assert browser.cookies["attune_session"].value != before


def test_regenerating_recovery_codes_needs_step_up(cast, client_for) -> None:
    with time_machine.travel("2026-11-21 09:00", tick=False) as clock:
        browser = client_for(cast.alice)
        clock.shift(6 * 60)
        browser.get(reverse("accounts:settings"))  # stay within the idle timeout
        csrf = browser.cookies["csrftoken"].value
        response = browser.post(reverse("accounts:mfa_recovery_codes"), {"csrfmiddlewaretoken": csrf})
        assert response.status_code == 302 and reverse("accounts:confirm") in response["Location"]
        confirmed = browser.post(reverse("accounts:confirm"), {"password": PASSWORD, "csrfmiddlewaretoken": csrf})
        assert confirmed.status_code == 302
        csrf = browser.cookies["csrftoken"].value
        again = browser.post(reverse("accounts:mfa_recovery_codes"), {"csrfmiddlewaretoken": csrf})
        assert again.status_code == 200 and b"new recovery codes" in again.content.lower()


def test_api_token_needs_otp_for_staff_but_not_for_clients(cast) -> None:
    url = "/api/v1/auth/token"

    def post(payload: dict) -> object:
        return Client().post(url, json.dumps(payload), content_type="application/json")

    assert post({"email": cast.alice.email, "password": PASSWORD}).status_code == 401
    with time_machine.travel("2026-11-21 09:20:05", tick=False):
        code = _code(cast.alice)
        good = post({"email": cast.alice.email, "password": PASSWORD, "otp": code})
        assert good.status_code == 200 and good.json()["token"].startswith("att_")
        assert post({"email": cast.alice.email, "password": PASSWORD, "otp": code}).status_code == 401
    assert post({"email": cast.dana.email, "password": PASSWORD}).status_code == 200


def test_clients_are_offered_mfa_but_not_forced(cast, client_for) -> None:
    browser = client_for(cast.dana)
    assert browser.get(reverse("workspace:portal")).status_code == 200
    settings_page = browser.get(reverse("accounts:settings")).content.decode()
    assert "It is up to you" in settings_page
