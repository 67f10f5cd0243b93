"""Break-glass: a reason, step-up, read-only access for an hour, a high-severity audit event, the care team told
with the neutral sentence, the client shown it with the reason; it expires; supervisors never see answers or
clinical text without it."""

from __future__ import annotations

import secrets
import uuid

import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from attune.core.models import AuditEvent
from attune.notify.models import Notification
from attune.privacy import services
from attune.privacy.models import BreakGlass
from attune.questionnaires.models import Answer, Response


def post(browser, path, data=None):
    """A POST as a browser that loaded the form (the CSRF cookie and its header)."""
    secret = secrets.token_hex(16)
    browser.cookies[settings.CSRF_COOKIE_NAME] = secret
    return browser.post(path, data or {}, HTTP_X_CSRFTOKEN=secret)


REASON = "The care team cannot be reached and there is a safeguarding concern"


def _answered(client) -> Response:
    response = Response.objects.create(
        client=client,
        instrument="gad7",
        status=Response.Status.COMPLETED,
        scored=True,
        total=2,
        submission_key=uuid.uuid4(),
        notice_seen=True,
    )
    Answer.objects.create(response=response, client=client, link_id="gad7-1", value=2)
    return response


def test_a_supervisor_reads_no_clinical_text_or_answers_without_break_glass(cast, client_for, api_for) -> None:
    dana = cast.client("dana")
    _answered(dana)
    sam = client_for(cast.sam)
    assert dana.referral_reason not in sam.get(reverse("workspace:client", args=[dana.pk])).content.decode()
    assert sam.get(reverse("diary:client_diary", args=[dana.pk])).status_code == 403
    assert api_for(cast.sam).get(reverse("api:list_scores", args=[dana.pk])).json()[0]["answers"] == []


def test_break_glass_opens_reading_for_an_hour_and_everyone_is_told(
    cast, client_for, api_for, django_capture_on_commit_callbacks
) -> None:
    dana = cast.client("dana")
    _answered(dana)
    with time_machine.travel("2026-11-21 10:00", tick=False) as clock:
        sam = client_for(cast.sam)
        with django_capture_on_commit_callbacks(execute=True):
            answer = post(sam, reverse("privacy:break_glass", args=[dana.pk]), {"reason": REASON})
        assert answer.status_code == 302
        glass = BreakGlass.objects.get(client=dana, user=cast.sam)
        assert glass.reason == REASON

        # A high-severity event, and the care team told with the neutral sentence only.
        event = AuditEvent.objects.get(entity_type="BreakGlass", action="C")
        assert event.reason == services.HIGH_SEVERITY and event.purpose == "BTG" and event.client_id == dana.pk
        told = Notification.objects.filter(recipient=cast.alice)
        assert told.exists() and not Notification.objects.filter(recipient=cast.sam).exists()
        for message in mail.outbox:
            text = message.subject + message.body
            assert REASON not in text and "Dana" not in text and "emergency" not in text.lower()

        # Read-only clinical access, audited as break-the-glass.
        overview = sam.get(reverse("workspace:client", args=[dana.pk])).content.decode()
        assert dana.referral_reason in overview
        assert sam.get(reverse("diary:client_diary", args=[dana.pk])).status_code == 200
        assert api_for(cast.sam).get(reverse("api:list_scores", args=[dana.pk])).json()[0]["answers"]
        assert sam.get(reverse("care:client_edit", args=[dana.pk])).status_code == 403  # never a write
        assert AuditEvent.objects.filter(agent_id=cast.sam.pk, purpose="BTG", action="R").exists()

        # Dana sees it, with the reason.
        log = client_for(cast.dana).get(reverse("privacy:access_log") + "?kind=emergency").content.decode()
        assert "Emergency access" in log and REASON in log and cast.sam.display_name in log

        # An hour later it has ended on its own.
        clock.shift(61 * 60)
        sam = client_for(cast.sam)
        assert sam.get(reverse("diary:client_diary", args=[dana.pk])).status_code == 403
        assert dana.referral_reason not in sam.get(reverse("workspace:client", args=[dana.pk])).content.decode()


def test_break_glass_needs_a_reason_and_step_up(cast, client_for) -> None:
    dana = cast.client("dana")
    with time_machine.travel("2026-11-21 10:00", tick=False) as clock:
        sam = client_for(cast.sam)
        short = post(sam, reverse("privacy:break_glass", args=[dana.pk]), {"reason": "because"})
        assert short.status_code == 200 and not BreakGlass.objects.exists()
        for _ in range(2):
            clock.shift(4 * 60)
            sam.get(reverse("home"))
        stale = post(sam, reverse("privacy:break_glass", args=[dana.pk]), {"reason": REASON})
        assert stale["Location"].startswith(reverse("accounts:confirm")) and not BreakGlass.objects.exists()


def test_ending_break_glass_early(cast, client_for) -> None:
    dana = cast.client("dana")
    sam = client_for(cast.sam)
    post(sam, reverse("privacy:break_glass", args=[dana.pk]), {"reason": REASON})
    assert sam.get(reverse("diary:client_diary", args=[dana.pk])).status_code == 200
    post(sam, reverse("privacy:end_break_glass", args=[dana.pk]))
    assert sam.get(reverse("diary:client_diary", args=[dana.pk])).status_code == 403
    assert AuditEvent.objects.filter(entity_type="BreakGlass", action="U", reason=services.HIGH_SEVERITY).exists()


def test_the_reason_is_sealed(cast, client_for) -> None:
    from django.db import connection

    sam = client_for(cast.sam)
    post(sam, reverse("privacy:break_glass", args=[cast.client("dana").pk]), {"reason": REASON})
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM privacy_breakglass")
        (raw,) = cursor.fetchone()
    assert REASON not in raw
