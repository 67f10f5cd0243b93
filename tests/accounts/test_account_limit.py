"""The per-account limit (SECURITY.md 8, 33): many networks guessing one account gain nothing, and the owner
is never locked out: past the threshold a one-time link emailed through the outbox finishes her sign-in, past
NIST's 100 consecutive failures passwords are not checked and a password reset lets her straight in."""

from __future__ import annotations

import email
import email.policy
import re

import pytest
import time_machine
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from attune.accounts import throttle
from attune.accounts.models import ApiToken, SignInStreak, UserSession
from attune.notify import delivery
from attune.notify.models import Notification, NotificationPreference
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
NEW_PASSWORD = "a brand new passphrase for dana"


def _guess(email_address: str, password: str, n: int, *, first_ip: int = 1) -> None:
    """n wrong passwords, three from each of many addresses (under the per-network cool-off of five)."""
    for i in range(n):
        Client().post(LOGIN, {"email": email_address, "password": password}, REMOTE_ADDR=f"10.9.{first_ip + i // 3}.1")


def _body(response) -> str:
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    return re.sub(r'name="csrf-token" content="[^"]+"', "", text)


def test_thirty_networks_guessing_one_account_do_not_get_their_guesses_checked_for_ever(cast, settings) -> None:
    _guess(cast.dana.email, "not her password", 9)
    assert throttle.account_level(cast.dana.email) == throttle.OPEN
    _guess(cast.dana.email, "not her password", 1, first_ip=50)
    assert throttle.account_level(cast.dana.email) == throttle.LINK
    # The right password, from a new network, no longer signs in by itself ...
    guesser = Client()
    right = guesser.post(LOGIN, {"email": cast.dana.email, "password": PASSWORD}, REMOTE_ADDR="10.9.90.1")
    wrong = Client().post(LOGIN, {"email": cast.dana.email, "password": "still wrong"}, REMOTE_ADDR="10.9.91.1")
    assert right.status_code == wrong.status_code == 200
    assert "_auth_user_id" not in guesser.session
    # ... and the answer is the same whether the guess was right or wrong, cookies included: the guesser
    # learns nothing.
    assert _body(right) == _body(wrong)
    assert set(right.cookies) == set(wrong.cookies)
    assert "Check your email" in right.content.decode()
    # Unknown emails reach the same level the same way, so the answer reveals no account either.
    _guess("nobody@demo.attune.test", "x" * 12, 10)
    unknown = Client().post(LOGIN, {"email": "nobody@demo.attune.test", "password": "y" * 12}, REMOTE_ADDR="10.9.92.1")
    assert _body(unknown) == _body(wrong)


def test_the_owner_signs_in_with_the_emailed_link_in_her_own_browser(cast, settings, tmp_path) -> None:
    settings.ATTUNE_MAIL_DIR = tmp_path
    # She turned every notification off: the sign-in link still reaches her, because it is her way in.
    NotificationPreference.objects.create(user=cast.dana, paused=True)
    _guess(cast.dana.email, "not her password", 12)
    dana = Client()
    dana.post(LOGIN, {"email": cast.dana.email, "password": PASSWORD}, REMOTE_ADDR="192.0.2.7")
    row = Notification.objects.get(recipient=cast.dana, purpose=Notification.Purpose.SIGN_IN)
    assert row.channel == Notification.Channel.EMAIL and row.urgent
    assert delivery.deliver(row.pk) == "sent"
    message = email.message_from_bytes((tmp_path / f"{row.pk}.eml").read_bytes(), policy=email.policy.default)
    text = message.get_body().get_content()
    assert message["To"] == cast.dana.email and "Dana" not in text
    link = re.search(r"https?://\S+", text).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    path = "/" + path
    # A wrong guess's "link" page is useless elsewhere: another browser (the guesser's) cannot use her link.
    other = Client()
    assert other.get(path).status_code == 200
    assert other.post(path).status_code == 400 and "_auth_user_id" not in other.session
    # Opening it shows a button (mail scanners follow links; GET changes nothing); pressing it signs her in.
    assert dana.get(path).status_code == 200
    assert "_auth_user_id" not in dana.session
    done = dana.post(path)
    assert done.status_code == 302 and dana.session["_auth_user_id"] == str(cast.dana.pk)
    # The streak ends with her sign-in, and the link works once.
    assert throttle.account_level(cast.dana.email) == throttle.OPEN
    dana.post(reverse("accounts:logout"))
    assert dana.post(path).status_code == 400


def test_a_link_expires_after_fifteen_minutes(cast) -> None:
    _guess(cast.dana.email, "not her password", 10)
    with time_machine.travel("2026-11-21 10:00", tick=False) as clock:
        dana = Client()
        dana.post(LOGIN, {"email": cast.dana.email, "password": PASSWORD}, REMOTE_ADDR="192.0.2.7")
        row = Notification.objects.get(recipient=cast.dana, purpose=Notification.Purpose.SIGN_IN)
        clock.shift(16 * 60)
        assert dana.post(row.target).status_code == 400


def test_past_nist_hundred_passwords_are_not_checked_and_a_reset_lets_the_owner_in(cast, settings) -> None:
    SignInStreak.objects.create(key=throttle._account_key(cast.dana.email), failures=99)
    _guess(cast.dana.email, "not her password", 1)
    assert throttle.account_level(cast.dana.email) == throttle.PAUSED
    dana = Client()
    paused = dana.post(LOGIN, {"email": cast.dana.email, "password": PASSWORD}, REMOTE_ADDR="192.0.2.7")
    assert "choose a new password" in paused.content.decode().lower()
    assert not Notification.objects.filter(recipient=cast.dana).exists()
    assert SignInStreak.objects.get().failures == 100  # not checked, not counted
    # The API token endpoint does not check the password either.
    api = Client().post(
        "/api/v1/auth/token",
        {"email": cast.dana.email, "password": PASSWORD},
        content_type="application/json",
        REMOTE_ADDR="192.0.2.7",
    )
    assert api.status_code == 401
    # A password reset (her inbox) ends the pause: she signs in straight away with the new password.
    _reset(cast.dana)
    assert throttle.account_level(cast.dana.email) == throttle.OPEN
    signed = Client().post(LOGIN, {"email": cast.dana.email, "password": NEW_PASSWORD}, REMOTE_ADDR="192.0.2.7")
    assert signed.status_code == 302


def _reset(user) -> None:
    user.refresh_from_db()
    browser = Client()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    url = reverse("accounts:password_reset_confirm", args=[uid, default_token_generator.make_token(user)])
    form_url = browser.get(url)["Location"]
    done = browser.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302, done.content.decode()[:2000]


def test_a_password_reset_ends_every_session_and_revokes_every_token(cast) -> None:
    laptop, phone = Client(), Client()
    for browser in (laptop, phone):
        assert browser.post(LOGIN, {"email": cast.dana.email, "password": PASSWORD}).status_code == 302
    token = Client().post(
        "/api/v1/auth/token", {"email": cast.dana.email, "password": PASSWORD}, content_type="application/json"
    )
    raw = token.json()["token"]
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    _reset(cast.dana)
    assert not UserSession.objects.filter(user=cast.dana).exists()
    assert not ApiToken.objects.filter(user=cast.dana, revoked__isnull=True).exists()
    for browser in (laptop, phone):
        assert browser.get(reverse("accounts:settings")).status_code == 302
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_a_right_password_below_the_threshold_ends_the_streak(cast) -> None:
    _guess(cast.dana.email, "not her password", 4)
    assert Client().post(LOGIN, {"email": cast.dana.email, "password": PASSWORD}).status_code == 302
    assert not SignInStreak.objects.exists()


def test_the_sign_in_email_says_nothing_but_the_link(cast, settings, tmp_path) -> None:
    settings.ATTUNE_MAIL_DIR = tmp_path
    _guess(cast.dana.email, "not her password", 10)
    Client().post(LOGIN, {"email": cast.dana.email, "password": PASSWORD}, REMOTE_ADDR="192.0.2.7")
    row = Notification.objects.get(recipient=cast.dana)
    delivery.deliver(row.pk)
    text = (tmp_path / f"{row.pk}.eml").read_text().lower()
    for word in ("safety", "alert", "therapy", "dana", "attempt", "client"):
        assert word not in text.replace(cast.dana.email.lower(), ""), word
    with pytest.raises(ValueError):
        from attune.notify import services

        services.enqueue(recipient_id=cast.dana.pk, purpose="sign_in", target="/x/", dedupe_key="x")
