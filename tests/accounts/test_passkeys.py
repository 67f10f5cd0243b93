"""Passkeys (accounts.passkeys): registering, passwordless sign-in, the second step and step-up, naming and
removing, and the tie-in with the per-account limit. Every response is made by a software authenticator
(tests/accounts/authenticator.py) and verified by the `webauthn` library itself."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from webauthn import verify_authentication_response, verify_registration_response
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import InvalidAuthenticationResponse

from attune.accounts import mfa, passkeys, sessions, throttle
from attune.accounts.models import Membership, Passkey, SignInStreak, User
from attune.core.models import AuditEvent
from tests.accounts.authenticator import Authenticator
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db
SITE = "https://care.example.org"
LOGIN = reverse("accounts:login")


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.ATTUNE_SITE_URL = SITE


def _signed_in(user: User, *, verified: bool = True) -> Client:
    browser = Client()
    browser.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or Passkey.objects.filter(user=user).first()
    if verified and device is not None:
        session = browser.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return browser


def _post(browser: Client, name: str, body: Any = None) -> Any:
    return browser.post(reverse(name), json.dumps(body or {}), content_type="application/json")


def _add(browser: Client, device: Authenticator, name: str = "My phone", **spoil: Any) -> Any:
    options = _post(browser, "accounts:passkey_register_options").json()
    return _post(browser, "accounts:passkey_register", {"credential": device.create(options, **spoil), "name": name})


def _with_passkey(user: User, name: str = "My phone") -> Authenticator:
    device = Authenticator(origin=SITE)
    assert _add(_signed_in(user), device, name).status_code == 200
    return device


def _sign_in(browser: Client, device: Authenticator, **spoil: Any) -> Any:
    options = _post(browser, "accounts:passkey_sign_in_options").json()
    return _post(browser, "accounts:passkey_sign_in", {"credential": device.get(options, **spoil), "next": ""})


def _reasons(user: User | None = None) -> list[str]:
    rows = AuditEvent.objects.filter(entity_type="Session").order_by("id")
    if user is not None:
        rows = rows.filter(agent_id=user.pk)
    return list(rows.values_list("reason", flat=True))


# --- Registering ----------------------------------------------------------------------------------------------


def test_a_client_adds_a_passkey_and_gets_recovery_codes_once(cast) -> None:
    dana = cast.dana
    browser = _signed_in(dana)
    page = browser.get(reverse("accounts:passkey_add"))
    assert page.status_code == 200 and b"instead of typing your password" in page.content
    options = _post(browser, "accounts:passkey_register_options").json()
    # The relying party is ATTUNE_SITE_URL's host; a discoverable credential verified by the device is asked for.
    assert options["rp"] == {"id": "care.example.org", "name": "Attune"}
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["user"]["name"] == dana.email and str(dana.pk) != options["user"]["id"]
    device = Authenticator(origin=SITE)
    done = _post(
        browser, "accounts:passkey_register", {"credential": device.create(options), "name": " Kitchen  laptop "}
    )
    assert done.status_code == 200
    passkey = Passkey.objects.get(user=dana)
    assert passkey.name == "Kitchen laptop" and passkey.confirmed and passkey.sign_count == 0
    assert passkey.transports == ["internal", "hybrid"] and passkey.backed_up
    assert AuditEvent.objects.filter(entity_type="Passkey", entity_id=str(passkey.pk), action="C").exists()
    # She had no second step: recovery codes are shown once, on the next page, and not again.
    codes_page = browser.get(done.json()["next"])
    assert codes_page.status_code == 200 and mfa.recovery_codes_left(dana) == 10
    assert StaticToken.objects.filter(device__user=dana).first().token in codes_page.content.decode()
    assert browser.get(done.json()["next"]).status_code == 302
    settings_page = browser.get(reverse("accounts:settings")).content.decode()
    assert "Kitchen laptop" in settings_page and "not used yet" in settings_page


def test_a_second_passkey_reuses_the_user_handle_and_excludes_the_first(cast) -> None:
    dana = cast.dana
    first = _with_passkey(dana)
    browser = _signed_in(dana)
    options = _post(browser, "accounts:passkey_register_options").json()
    assert [c["id"] for c in options["excludeCredentials"]] == [Passkey.objects.get(user=dana).credential_id]
    assert _post(browser, "accounts:passkey_register", {"credential": first.create(options)}).status_code == 200
    handles = set(Passkey.objects.filter(user=dana).values_list("user_handle", flat=True))
    assert len(handles) == 1
    # A passkey with no name is named after the device it was made on.
    assert Passkey.objects.filter(user=dana).order_by("created").last().name.startswith("Passkey on")


@pytest.mark.parametrize(
    "spoil",
    [{"origin": "https://attune.evil.example"}, {"rp_id": "evil.example"}, {"uv": False}],
    ids=["another-origin", "another-rp-id", "no-user-verification"],
)
def test_a_registration_made_for_another_site_or_without_verification_is_refused(cast, spoil) -> None:
    answer = _add(_signed_in(cast.dana), Authenticator(origin=SITE), **spoil)
    assert answer.status_code == 400 and not Passkey.objects.exists()
    assert "passkey-register-failed" in _reasons(cast.dana)


def test_a_registration_challenge_works_once_and_expires(cast, settings) -> None:
    settings.ATTUNE_PASSKEY_SECONDS = 60
    browser, device = _signed_in(cast.dana), Authenticator(origin=SITE)
    options = _post(browser, "accounts:passkey_register_options").json()
    credential = device.create(options)
    assert _post(browser, "accounts:passkey_register", {"credential": credential}).status_code == 200
    again = _post(browser, "accounts:passkey_register", {"credential": credential})
    assert again.status_code == 400 and Passkey.objects.count() == 1
    options = _post(browser, "accounts:passkey_register_options").json()
    with time_machine.travel(time.time() + 61, tick=False):
        late = _post(browser, "accounts:passkey_register", {"credential": device.create(options)})
    assert late.status_code == 400 and Passkey.objects.count() == 1


def test_adding_a_passkey_needs_a_fresh_step_up_once_there_is_a_second_step(cast) -> None:
    browser = _signed_in(cast.alice)  # staff: an authenticator app already
    session = browser.session
    session[sessions.STEP_UP] = 0
    session.save()
    page = browser.get(reverse("accounts:passkey_add"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("accounts:confirm"))
    answer = _post(browser, "accounts:passkey_register_options")
    assert answer.status_code == 403 and answer.json()["next"].startswith(reverse("accounts:confirm"))


def test_a_password_alone_cannot_add_a_passkey_to_an_account_with_a_second_step(cast) -> None:
    browser = Client()
    assert browser.post(LOGIN, {"email": cast.alice.email, "password": PASSWORD}).status_code == 302
    assert _post(browser, "accounts:passkey_register_options").status_code == 403
    page = browser.get(reverse("accounts:passkey_add"))
    assert page.status_code == 302 and reverse("accounts:mfa_verify") in page["Location"]
    assert not Passkey.objects.exists()


def test_new_staff_can_choose_a_passkey_as_their_second_step(cast) -> None:
    newcomer = User.objects.create_user("new@demo.attune.test", PASSWORD, display_name="New Clinician")
    Membership.objects.create(user=newcomer, practice=cast.practices["northside"], role="clinician")
    browser = Client()
    browser.post(LOGIN, {"email": newcomer.email, "password": PASSWORD})
    setup = browser.get(reverse("accounts:mfa_setup"))
    assert b"Add a passkey instead" in setup.content and b"Recommended for your role" in setup.content
    assert browser.get(reverse("accounts:passkey_add")).status_code == 200
    assert _add(browser, Authenticator(origin=SITE)).status_code == 200
    # The session is verified by the new passkey: client data is open to her now.
    assert browser.get(reverse("workspace:caseload")).status_code == 200
    assert mfa.has_mfa(newcomer) and not mfa.has_app(newcomer)


# --- Signing in with a passkey alone ----------------------------------------------------------------------------


def test_passwordless_sign_in_for_staff_counts_as_two_steps(cast) -> None:
    device = _with_passkey(cast.alice)
    browser = Client()
    options = _post(browser, "accounts:passkey_sign_in_options").json()
    assert options["userVerification"] == "required" and options["allowCredentials"] == []
    assert options["rpId"] == "care.example.org"
    answer = _post(browser, "accounts:passkey_sign_in", {"credential": device.get(options), "next": "/clients/"})
    assert answer.status_code == 200 and answer.json()["next"] == "/clients/"
    assert browser.get(reverse("workspace:caseload")).status_code == 200
    assert browser.session[DEVICE_ID_SESSION_KEY] == Passkey.objects.get(user=cast.alice).persistent_id
    passkey = Passkey.objects.get(user=cast.alice)
    assert passkey.sign_count == 1 and passkey.last_used is not None
    assert "passkey-passed" in _reasons(cast.alice) and "signed-in" in _reasons(cast.alice)


def test_an_offsite_next_is_not_followed(cast) -> None:
    device = _with_passkey(cast.dana)
    browser = Client()
    options = _post(browser, "accounts:passkey_sign_in_options").json()
    body = {"credential": device.get(options), "next": "https://evil.example/"}
    assert _post(browser, "accounts:passkey_sign_in", body).json()["next"] == reverse("home")


def _failure(browser: Client, device: Authenticator, **spoil: Any) -> Any:
    answer = _sign_in(browser, device, **spoil)
    assert answer.status_code == 400
    assert "_auth_user_id" not in browser.session
    return answer.json()


def test_every_failed_passkey_sign_in_answers_the_same(cast) -> None:
    device = _with_passkey(cast.dana)
    stranger = Authenticator(origin=SITE)
    stranger.create({"rp": {"id": "care.example.org"}, "user": {"id": "AAAA"}, "challenge": "AAAA"})
    answers = [
        _failure(Client(), stranger),  # a credential this service never saw
        _failure(Client(), device, uv=False),  # the device did not verify the person
        _failure(Client(), device, origin="https://attune.evil.example"),
        _failure(Client(), device, spoil_signature=True),
        _failure(Client(), device, user_handle=b"someone else"),
        _failure(Client(), device, omit_user_handle=True),
    ]
    assert all(answer == answers[0] for answer in answers), answers
    assert answers[0] == {"detail": "That passkey could not be used. Please try again, or sign in another way."}
    # The trail tells them apart, with ids only: the unknown one has no person.
    failed = AuditEvent.objects.filter(reason="passkey-failed", outcome=AuditEvent.Outcome.DENIED)
    assert failed.filter(agent_id__isnull=True).count() == 1 and failed.filter(agent_id=cast.dana.pk).count() == 5


def test_a_sign_in_challenge_works_once_and_expires(cast) -> None:
    device = _with_passkey(cast.dana)
    browser = Client()
    options = _post(browser, "accounts:passkey_sign_in_options").json()
    credential = device.get(options)
    assert _post(browser, "accounts:passkey_sign_in", {"credential": credential}).status_code == 200
    replay = Client()
    _post(replay, "accounts:passkey_sign_in_options")  # a challenge of its own, not the one answered
    assert _post(replay, "accounts:passkey_sign_in", {"credential": credential}).status_code == 400
    late = Client()
    options = _post(late, "accounts:passkey_sign_in_options").json()
    with time_machine.travel(time.time() + 301, tick=False):
        assert _post(late, "accounts:passkey_sign_in", {"credential": device.get(options)}).status_code == 400


def test_a_counter_that_goes_back_is_refused_as_a_possible_clone(cast) -> None:
    device = _with_passkey(cast.dana)
    assert _sign_in(Client(), device).status_code == 200
    assert _sign_in(Client(), device).status_code == 200
    assert Passkey.objects.get(user=cast.dana).sign_count == 2
    _failure(Client(), device, sign_count=2)  # a copy of the key that has not kept up
    assert "passkey-sign-count" in _reasons(cast.dana)
    assert Passkey.objects.get(user=cast.dana).sign_count == 2


def test_passkeys_without_a_counter_are_not_counter_checked(cast) -> None:
    device = Authenticator(origin=SITE, counter=False)
    assert _add(_signed_in(cast.dana), device).status_code == 200
    assert _sign_in(Client(), device).status_code == 200
    assert _sign_in(Client(), device).status_code == 200


def test_the_library_still_names_a_stale_counter_as_we_expect() -> None:
    # accounts.passkeys tells a possible clone from other failures by these words of the library.
    device = Authenticator(origin=SITE)
    made = device.create({"rp": {"id": "care.example.org"}, "user": {"id": "AAAA"}, "challenge": "AAAA"})
    key = verify_registration_response(
        credential=made, expected_challenge=b"\x00\x00\x00", expected_rp_id="care.example.org", expected_origin=SITE
    ).credential_public_key
    answer = device.get({"rpId": "care.example.org", "challenge": bytes_to_base64url(b"fixed")}, sign_count=3)
    with pytest.raises(InvalidAuthenticationResponse) as raised:
        verify_authentication_response(
            credential=answer,
            expected_challenge=b"fixed",
            expected_rp_id="care.example.org",
            expected_origin=SITE,
            credential_public_key=key,
            credential_current_sign_count=5,
        )
    assert passkeys._SIGN_COUNT_WORDS in str(raised.value).lower()


def test_a_deactivated_person_cannot_sign_in_with_a_passkey(cast) -> None:
    device = _with_passkey(cast.dana)
    User.objects.filter(pk=cast.dana.pk).update(is_active=False)
    _failure(Client(), device)


# --- The per-account limit: a passkey gets the owner in and the guesser nothing -----------------------------------


def _guess(email: str, n: int) -> None:
    for i in range(n):
        Client().post(LOGIN, {"email": email, "password": "wrong guess"}, REMOTE_ADDR=f"10.8.{i // 3}.1")


def _page_text(response: Any) -> str:
    text = response.content.decode()
    return re.sub(r'(name="csrfmiddlewaretoken" value|name="csrf-token" content)="[^"]+"', "", text)


def test_past_the_limit_a_passkey_signs_the_owner_in_and_ends_the_limit(cast, settings) -> None:
    device = _with_passkey(cast.dana)
    rules = settings.ATTUNE_LOGIN_THROTTLE
    _guess(cast.dana.email, rules["account_failures_before_link"])
    assert throttle.account_level(cast.dana.email) == throttle.LINK
    # The page after a password is the same for a right and a wrong one, with or without passkeys on the
    # account, and offers a passkey either way: the guesser learns nothing from it.
    known = Client().post(LOGIN, {"email": cast.dana.email, "password": PASSWORD}, REMOTE_ADDR="10.7.0.1")
    _guess("nobody@example.org", rules["account_failures_before_link"])
    unknown = Client().post(LOGIN, {"email": "nobody@example.org", "password": PASSWORD}, REMOTE_ADDR="10.7.0.2")
    assert _page_text(known) == _page_text(unknown) and "Sign in with a passkey" in _page_text(known)
    browser = Client()
    assert _sign_in(browser, device).status_code == 200
    assert browser.get(reverse("home")).status_code in (200, 302) and "_auth_user_id" in browser.session
    assert not SignInStreak.objects.filter(key=throttle._account_key(cast.dana.email)).exists()


def test_at_the_outer_bound_a_passkey_still_works(cast, settings) -> None:
    device = _with_passkey(cast.dana)
    settings.ATTUNE_LOGIN_THROTTLE = {**settings.ATTUNE_LOGIN_THROTTLE, "account_failures_max": 12}
    _guess(cast.dana.email, 12)
    paused = Client().post(LOGIN, {"email": cast.dana.email, "password": PASSWORD}, REMOTE_ADDR="10.7.0.1")
    assert "Sign in with a passkey" in paused.content.decode()
    assert _sign_in(Client(), device).status_code == 200
    assert throttle.account_level(cast.dana.email) == throttle.OPEN


def test_failed_passkeys_do_not_count_against_the_account(cast) -> None:
    # Guessing a passkey is hopeless, so failures do not feed the per-account limit either: nobody can push
    # an account towards the emailed link by sending bad passkey answers.
    device = _with_passkey(cast.dana)
    for _ in range(20):
        _failure(Client(), device, spoil_signature=True)
    assert throttle.account_level(cast.dana.email) == throttle.OPEN


# --- The second step and step-up ---------------------------------------------------------------------------------


def test_a_passkey_is_the_second_step_after_a_password(cast) -> None:
    device = _with_passkey(cast.alice)
    browser = Client()
    browser.post(LOGIN, {"email": cast.alice.email, "password": PASSWORD})
    verify = browser.get(reverse("accounts:mfa_verify"))
    assert b"Use a passkey" in verify.content
    assert browser.get(reverse("workspace:caseload")).status_code == 302
    options = _post(browser, "accounts:passkey_confirm_options").json()
    assert [c["id"] for c in options["allowCredentials"]] == [Passkey.objects.get(user=cast.alice).credential_id]
    answer = _post(browser, "accounts:passkey_confirm", {"credential": device.get(options), "next": "/clients/"})
    assert answer.status_code == 200 and answer.json()["next"] == "/clients/"
    assert browser.get(reverse("workspace:caseload")).status_code == 200


def test_someone_elses_passkey_is_no_second_step(cast) -> None:
    _with_passkey(cast.alice)
    bobs = _with_passkey(cast.bob)
    browser = Client()
    browser.post(LOGIN, {"email": cast.alice.email, "password": PASSWORD})
    options = _post(browser, "accounts:passkey_confirm_options").json()
    answer = _post(browser, "accounts:passkey_confirm", {"credential": bobs.get({**options, "rpId": options["rpId"]})})
    assert answer.status_code == 400
    assert answer.json() == {"detail": "That passkey could not be used. Please try again, or sign in another way."}
    assert browser.get(reverse("workspace:caseload")).status_code == 302


def test_step_up_accepts_a_passkey(cast) -> None:
    device = _with_passkey(cast.dana)
    browser = _signed_in(cast.dana)
    session = browser.session
    session[sessions.STEP_UP] = 0
    session.save()
    assert browser.get(reverse("accounts:change_password")).status_code == 302
    confirm = browser.get(reverse("accounts:confirm"))
    assert b"Or confirm with a passkey" in confirm.content
    options = _post(browser, "accounts:passkey_confirm_options").json()
    answer = _post(browser, "accounts:passkey_confirm", {"credential": device.get(options), "next": "/account/"})
    assert answer.status_code == 200
    assert browser.get(reverse("accounts:change_password")).status_code == 200


# --- Naming, listing and removing -------------------------------------------------------------------------------


def test_renaming_is_audited_and_only_for_ones_own(cast) -> None:
    _with_passkey(cast.dana, "Phone")
    passkey = Passkey.objects.get(user=cast.dana)
    url = reverse("accounts:passkey_rename", args=[passkey.pk])
    assert _signed_in(cast.eli).post(url, {"name": "Mine now"}).status_code == 404
    assert _signed_in(cast.dana).post(url, {"name": ""}).status_code == 200  # the form says a name is needed
    assert _signed_in(cast.dana).post(url, {"name": "Work phone"}).status_code == 302
    passkey.refresh_from_db()
    assert passkey.name == "Work phone"
    assert AuditEvent.objects.filter(entity_type="Passkey", entity_id=str(passkey.pk), action="U").count() == 1


def test_removing_asks_first_is_audited_and_ends_a_clients_two_step(cast) -> None:
    device = _with_passkey(cast.dana, "Phone")
    passkey = Passkey.objects.get(user=cast.dana)
    url = reverse("accounts:passkey_remove", args=[passkey.pk])
    browser = _signed_in(cast.dana)
    page = browser.get(url).content.decode()
    assert "Remove “Phone”?" in page and "two-step verification will be off" in page
    assert Passkey.objects.filter(pk=passkey.pk).exists()
    assert _signed_in(cast.eli).post(url).status_code == 404
    assert browser.post(url).status_code == 302
    assert not Passkey.objects.exists() and not mfa.has_mfa(cast.dana)
    assert AuditEvent.objects.filter(entity_type="Passkey", entity_id=str(passkey.pk), action="D").exists()
    _failure(Client(), device)  # it no longer signs anyone in


def test_staff_cannot_remove_their_only_second_step(cast) -> None:
    _with_passkey(cast.alice)
    TOTPDevice.objects.filter(user=cast.alice).delete()
    passkey = Passkey.objects.get(user=cast.alice)
    browser = Client()
    browser.force_login(cast.alice)
    session = browser.session
    session[DEVICE_ID_SESSION_KEY] = passkey.persistent_id
    session.save()
    url = reverse("accounts:passkey_remove", args=[passkey.pk])
    assert b"this is your only one" in browser.get(url).content
    browser.post(url)
    assert Passkey.objects.filter(pk=passkey.pk).exists()
    assert "passkey-remove-refused" in _reasons(cast.alice)


def test_removing_needs_a_fresh_step_up(cast) -> None:
    _with_passkey(cast.dana)
    passkey = Passkey.objects.get(user=cast.dana)
    browser = _signed_in(cast.dana)
    session = browser.session
    session[sessions.STEP_UP] = 0
    session.save()
    answer = browser.post(reverse("accounts:passkey_remove", args=[passkey.pk]))
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("accounts:confirm"))
    assert Passkey.objects.filter(pk=passkey.pk).exists()


def test_staff_are_told_passkeys_are_recommended_and_clients_are_offered_them(cast) -> None:
    staff = _signed_in(cast.alice).get(reverse("accounts:settings")).content.decode()
    client = _signed_in(cast.dana).get(reverse("accounts:settings")).content.decode()
    assert "Recommended for your role" in staff and "Add a passkey" in staff
    assert "Recommended" not in client and "It is up to you" in client and "Add a passkey" in client


def test_a_typed_code_never_matches_a_passkey(cast) -> None:
    _with_passkey(cast.dana)
    passkey = Passkey.objects.get(user=cast.dana)
    assert not passkey.verify_token("123456") and not passkey.verify_token(passkey.credential_id)


def test_removing_the_passkey_this_session_was_verified_with_keeps_the_session_verified(cast) -> None:
    device = _with_passkey(cast.alice)
    browser = Client()
    browser.post(LOGIN, {"email": cast.alice.email, "password": PASSWORD})
    options = _post(browser, "accounts:passkey_confirm_options").json()
    assert _post(browser, "accounts:passkey_confirm", {"credential": device.get(options)}).status_code == 200
    passkey = Passkey.objects.get(user=cast.alice)
    assert browser.post(reverse("accounts:passkey_remove", args=[passkey.pk])).status_code == 302
    assert not Passkey.objects.exists()
    # Her app is still her second step; this session, which passed one, is not sent back to enter a code.
    assert browser.get(reverse("workspace:caseload")).status_code == 200
    assert browser.session[DEVICE_ID_SESSION_KEY] == TOTPDevice.objects.get(user=cast.alice).persistent_id
