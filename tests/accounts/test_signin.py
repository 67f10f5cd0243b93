import threading
import time

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")


def _post_login(browser: Client, email: str, password: str, ip: str = "10.0.0.1"):
    return browser.post(LOGIN, {"email": email, "password": password}, REMOTE_ADDR=ip)


def _body(response) -> str:
    text = response.content.decode()
    # The CSRF token and the CSP nonce differ per response; everything else must be identical.
    import re

    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    return re.sub(r'name="csrf-token" content="[^"]+"', "", text)


def test_unknown_and_known_emails_get_identical_answers(cast) -> None:
    known = _post_login(Client(), cast.dana.email, "wrong password entirely")
    unknown = _post_login(Client(), "nobody@demo.attune.test", "wrong password entirely")
    assert known.status_code == unknown.status_code == 200
    assert _body(known).replace(cast.dana.email, "X") == _body(unknown).replace("nobody@demo.attune.test", "X")
    assert "did not match" in known.content.decode()


def test_sign_in_rotates_the_session_key(cast) -> None:
    browser = Client()
    browser.get(LOGIN)
    before = browser.cookies.get("attune_session")
    response = _post_login(browser, cast.dana.email, PASSWORD)
    assert response.status_code == 302
    assert browser.cookies["attune_session"].value != (before.value if before else None)


def test_failures_cool_off_per_account_and_network_and_never_lock_for_good(cast) -> None:
    with time_machine.travel("2026-11-21 10:00", tick=False) as clock:
        for _ in range(5):
            _post_login(Client(), cast.dana.email, "not the password at all")
        blocked = _post_login(Client(), cast.dana.email, PASSWORD)
        assert "wait a few minutes" in blocked.content.decode() and blocked.status_code == 200
        # Someone hammering dana's email from elsewhere does not keep dana out from her own network.
        assert _post_login(Client(), cast.dana.email, PASSWORD, ip="10.0.0.2").status_code == 302
        # Unknown emails cool off the same way, so the answer reveals nothing.
        for _ in range(5):
            _post_login(Client(), "nobody@demo.attune.test", "not the password at all")
        assert "wait a few minutes" in _post_login(Client(), "nobody@demo.attune.test", "x").content.decode()
        clock.shift(6 * 60)
        assert _post_login(Client(), cast.dana.email, PASSWORD).status_code == 302


def test_password_reset_answers_the_same_for_unknown_emails(cast) -> None:
    url = reverse("accounts:password_reset")
    known = Client().post(url, {"email": cast.dana.email})
    unknown = Client().post(url, {"email": "nobody@demo.attune.test"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and thread.daemon:
            thread.join(timeout=5)
    deadline = time.monotonic() + 5
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [cast.dana.email]
    message = mail.outbox[0]
    assert "therapy" not in (message.subject + message.body).lower()
    assert "Dana" not in message.body


def test_reset_email_comes_from_the_discreet_name(cast) -> None:
    cast.dana.discreet_name = "Garden notes"
    cast.dana.save()
    Client().post(reverse("accounts:password_reset"), {"email": cast.dana.email})
    deadline = time.monotonic() + 5
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.05)
    assert mail.outbox[0].from_email.startswith('"Garden notes"')


def test_sign_out_invalidates_the_session_on_the_server(cast, client_for) -> None:
    browser = client_for(cast.dana)
    cookie = browser.cookies["attune_session"].value
    assert browser.get(reverse("workspace:portal")).status_code == 200
    browser.post(
        reverse("accounts:logout"),
        {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value} if "csrftoken" in browser.cookies else {},
    )
    replay = Client()
    replay.cookies["attune_session"] = cookie
    assert replay.get(reverse("workspace:portal")).status_code == 302


def test_quick_exit_beacon_signs_out(cast) -> None:
    browser = Client()
    browser.force_login(cast.dana)
    cookie = browser.cookies["attune_session"].value
    assert browser.post(reverse("accounts:quick_exit")).status_code == 204
    replay = Client()
    replay.cookies["attune_session"] = cookie
    assert replay.get(reverse("workspace:portal")).status_code == 302
