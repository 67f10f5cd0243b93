"""The preferences page and API, and the demo's mail page (staff only, development only)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from attune.notify import channels, services
from attune.notify.models import Notification, NotificationPreference

pytestmark = pytest.mark.django_db


def _post(browser, data: dict) -> object:
    browser.get("/account/notifications/")  # sets the CSRF cookie, as a browser would
    return browser.post("/account/notifications/", {**data, "csrfmiddlewaretoken": browser.cookies["csrftoken"].value})


def test_the_page_saves_choices_and_one_tap_turns_everything_off(cast, client_for):
    browser = client_for(cast.dana)
    page = browser.get("/account/notifications/")
    assert "Messages never say what it is about" in page.content.decode()
    form = {"email": "on", "quiet_start": "22:00", "quiet_end": "07:00", "label": "Notes"}
    assert _post(browser, form).status_code == 302
    prefs = NotificationPreference.objects.get(user=cast.dana)
    assert prefs.email and prefs.push and str(prefs.quiet_start) == "22:00:00"
    cast.dana.refresh_from_db()
    assert cast.dana.discreet_name == "Notes"
    _post(browser, {"action": "pause"})
    assert NotificationPreference.objects.get(user=cast.dana).paused
    assert "Turn notifications back on" in browser.get("/account/notifications/").content.decode()
    _post(browser, {"action": "resume"})
    prefs = NotificationPreference.objects.get(user=cast.dana)
    assert not prefs.paused and prefs.email and str(prefs.quiet_end) == "07:00:00"


def test_quiet_hours_need_both_ends(cast, client_for, api_for):
    page = _post(client_for(cast.dana), {"email": "on", "quiet_start": "22:00"})
    assert page.status_code == 200 and "both a start and an end" in page.content.decode()
    answer = api_for(cast.dana).put("/api/v1/me/notifications", {"quiet_start": "22:00"}, "application/json")
    assert answer.status_code == 422
    too_long = api_for(cast.dana).put("/api/v1/me/notifications", {"label": "x" * 41}, "application/json")
    assert too_long.status_code == 422
    assert not NotificationPreference.objects.filter(user=cast.dana).exists()


def test_the_api_reads_and_replaces_the_callers_own_choices(cast, api_for):
    app = api_for(cast.alice)
    assert app.get("/api/v1/me/notifications").json() == {
        "email": True,
        "push": True,
        "paused": False,
        "quiet_start": None,
        "quiet_end": None,
        "label": "",
    }
    body = {"email": False, "push": True, "paused": True, "quiet_start": "21:30:00", "quiet_end": "06:00:00"}
    cast.alice.discreet_name = "Notes"
    cast.alice.save()
    answer = app.put("/api/v1/me/notifications", body, "application/json").json()
    assert answer == {**body, "label": "Notes"}  # a body without a label keeps it
    assert services.enqueue(recipient_id=cast.alice.pk, purpose="alert", target="/", dedupe_key="k") == []


def _write_mail(mail_dir, cast) -> Notification:
    row = Notification.objects.create(
        recipient=cast.dana, channel="email", purpose="message", target="/", dedupe_key="page"
    )
    channels.send_email(row)
    return row


def test_staff_read_the_demo_mail_as_text(cast, client_for, mail_dir):
    row = _write_mail(mail_dir, cast)
    page = client_for(cast.alice).get("/demo/mail/").content.decode()
    assert "Mail sent by the demo" in page and "You have a new message" in page and f"/n/{row.pk}/" in page
    assert client_for(cast.dana).get("/demo/mail/").status_code == 404


def test_the_mail_page_does_not_exist_in_production(cast, client_for, mail_dir, settings):
    _write_mail(mail_dir, cast)
    settings.PRODUCTION = True
    assert client_for(cast.alice).get("/demo/mail/").status_code == 404
    settings.PRODUCTION, settings.ATTUNE_MAIL_DIR = False, None
    assert client_for(cast.alice).get("/demo/mail/").status_code == 404


def test_links_follow_the_port_the_demo_serves_on(tmp_path):
    script = "import django; django.setup(); from django.conf import settings; print(settings.ATTUNE_SITE_URL)"
    env = {"PORT": "8123", "ATTUNE_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "attune.settings"}
    out = subprocess.run(
        [sys.executable, "-c", script], env={**os.environ, **env}, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "http://127.0.0.1:8123"
