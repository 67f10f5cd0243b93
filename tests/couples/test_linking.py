"""Linking partners: the link exists only once both said yes (the client invited, or confirmed their clinician's
proposal; the partner accepted), and the check-in reminders follow the rhythm the couple set."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from attune.accounts import services as accounts
from attune.accounts.models import Invitation
from attune.care.models import PartnerLink
from attune.core import policy
from attune.couples import demo, perms, services
from attune.couples.models import Agreement, PartnerInvite, Rhythm
from attune.notify.models import Notification
from tests.cast import Cast
from tests.couples import support

pytestmark = pytest.mark.django_db

PASSWORD = "copper kettle winter orchard lamp"


def test_the_client_invites_and_the_link_starts_when_the_partner_accepts(
    cast: Cast, client_for: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    eli = cast.client("eli")
    with django_capture_on_commit_callbacks(execute=True):
        response = support.post(client_for(cast.eli), reverse("couples:invite"), {"email": "sam.partner@example.org"})
    assert response.status_code == 302
    invite = PartnerInvite.objects.get(client=eli)
    assert invite.confirmed is not None and invite.invitation_id is not None
    sent = Invitation.objects.get(pk=invite.invitation_id)
    assert sent.kind == "partner" and sent.client_id == eli.pk
    assert not PartnerLink.objects.filter(client=eli).exists()  # not until the partner says yes
    assert len(mailoutbox) == 1
    token = mailoutbox[0].body.split("/account/invitation/")[1].split("/")[0]
    partner = accounts.accept_invitation(token, display_name="Robin", password=PASSWORD)
    assert PartnerLink.objects.filter(client=eli, partner=partner, ended__isnull=True).exists()


def test_a_clinicians_proposal_waits_for_the_clients_yes(cast: Cast, client_for: Any) -> None:
    dana = cast.client("dana")
    response = support.post(
        client_for(cast.alice), reverse("couples:client_couples", args=[dana.pk]), {"email": "kit@example.org"}
    )
    assert response.status_code == 302
    invite = PartnerInvite.objects.get(client=dana)
    assert invite.waiting and invite.invitation_id is None
    assert not Invitation.objects.filter(client=dana, email="kit@example.org").exists()
    assert Notification.objects.filter(recipient=cast.dana, target="/couples/").exists()
    # Only dana answers it.
    for user in (cast.alice, cast.frank):
        located = None
        with pytest.raises((PermissionDenied, policy.Http404)):
            located = policy.locate(user, PartnerInvite, invite.pk, perms.CONFIRM_INVITE, entity="PartnerInvite")
        assert located is None
    page = client_for(cast.dana).get(reverse("couples:home")).content.decode()
    assert "kit@example.org" in page and "Nothing has been sent" in page
    support.post(client_for(cast.dana), reverse("couples:decide_invite", args=[invite.pk]), {"send": "yes"})
    invite.refresh_from_db()
    assert invite.confirmed is not None
    assert Invitation.objects.filter(client=dana, email="kit@example.org", kind="partner").exists()


def test_the_client_can_say_no(cast: Cast, client_for: Any) -> None:
    dana = cast.client("dana")
    located = policy.client(cast.alice, dana.pk, perms.INVITE)
    invite = services.invite_partner(located, "lee@example.org")
    support.post(client_for(cast.dana), reverse("couples:decide_invite", args=[invite.pk]), {"send": "no"})
    invite.refresh_from_db()
    assert invite.declined is not None and invite.invitation_id is None
    assert not Invitation.objects.filter(email="lee@example.org").exists()


def test_a_partner_cannot_invite_or_see_invitations(cast: Cast, client_for: Any, api_for: Any) -> None:
    dana = cast.client("dana")
    response = api_for(cast.frank).post(
        f"/api/v1/clients/{dana.pk}/couples/invitations", {"email": "x@example.org"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "x@example.org" not in client_for(cast.frank).get(reverse("couples:home")).content.decode()


def test_reminders_follow_the_rhythm_once_per_period(cast: Cast, link: PartnerLink) -> None:
    located = support.link_as(cast.frank, link, perms.TAKE_PART)
    services.set_rhythm(located.access, located.row, 7)
    now = timezone.now()
    assert services.remind_check_ins(now) == 0  # just set: nothing due yet
    later = now + datetime.timedelta(days=8)
    assert services.remind_check_ins(later) == 2  # dana and frank
    services.remind_check_ins(later)  # safe to run again
    reminders = Notification.objects.filter(purpose="reminder", target=f"/couples/{link.pk}/check-in/")
    assert set(reminders.values_list("recipient_id", flat=True)) == {cast.dana.pk, cast.frank.pk}
    per_person = reminders.filter(recipient=cast.frank)
    assert per_person.values("dedupe_key").distinct().count() == 1
    # Someone who checked in recently is not reminded.
    support.check_in(cast.frank, link)
    Rhythm.objects.filter(link=link).update(updated=now - datetime.timedelta(days=30))
    assert services.remind_check_ins(now + datetime.timedelta(days=1)) == 1


def test_an_ended_link_is_never_reminded(cast: Cast, link: PartnerLink) -> None:
    located = support.link_as(cast.frank, link, perms.TAKE_PART)
    services.set_rhythm(located.access, located.row, 7)
    services.end_link(located.access, located.row)
    assert services.remind_check_ins(timezone.now() + datetime.timedelta(days=30)) == 0


def test_the_demo_seeds_two_agreements_in_force_once(cast: Cast) -> None:
    demo.seed(cast.clients, cast.users)
    demo.seed(cast.clients, cast.users)
    agreements = Agreement.objects.filter(client=cast.client("dana"))
    assert agreements.count() == 2
    for agreement in agreements:
        assert support.state_for(cast.frank, agreement) == "in_force"
