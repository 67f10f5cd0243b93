"""SECURITY.md 14: no client text in logs, emails, URLs or page titles."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.cast import CANARIES

pytestmark = pytest.mark.django_db


def test_no_canary_in_logs_titles_or_links_while_the_record_is_used(cast, client_for, captured_logs) -> None:
    dana = cast.client("dana")
    pages = [
        (cast.alice, reverse("workspace:client", args=[dana.pk])),
        (cast.alice, reverse("care:client_edit", args=[dana.pk])),
        (cast.alice, f"/api/v1/clients/{dana.pk}"),
        (cast.dana, reverse("workspace:portal")),
        (cast.sam, reverse("workspace:client", args=[dana.pk])),
        (cast.carol, reverse("workspace:client", args=[dana.pk])),
        (cast.eli, f"/api/v1/clients/{dana.pk}"),
    ]
    shown = 0
    for user, url in pages:
        body = client_for(user).get(url).content.decode()
        shown += any(c in body for c in CANARIES)
        for title in re.findall(r"<title>(.*?)</title>", body, re.S):
            assert not any(c in title for c in CANARIES)
        for link in re.findall(r'href="([^"]+)"', body):
            assert not any(c in link for c in CANARIES)
    assert shown >= 2, "the canary should be on the pages that may show it, or this test proves nothing"
    logged = "\n".join(captured_logs)
    assert not any(c in logged for c in CANARIES)
    assert not any(c in (m.subject + m.body) for m in mail.outbox for c in CANARIES)


def test_invitation_email_says_nothing_about_the_client(cast, client_for) -> None:
    from attune.accounts import services
    from attune.care import perms
    from attune.care.models import Client
    from attune.core import policy

    Client.objects.filter(pk=cast.client("dana").pk).update(user=None)
    access = policy.client(cast.ada, cast.client("dana").pk, perms.INVITE_CLIENT)
    services.invite_to_portal(access, "someone@example.org", perm=perms.INVITE_CLIENT)
    # Sent on commit; in a test transaction, send it now.
    from attune.accounts.models import Invitation

    invitation = Invitation.objects.latest("created")
    services._send_invitation(invitation, "raw-token")
    message = mail.outbox[-1]
    text = (message.subject + message.body).lower()
    for word in ["therapy", "therapist", "dana", "counselling", "trauma", "northside"]:
        assert word not in text
    assert not any(c.lower() in text for c in CANARIES)
