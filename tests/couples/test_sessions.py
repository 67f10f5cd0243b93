"""Couples sessions in couples work: appointments of kind couples, kept by the clinical record and listed through
core/sessions.py, appear in the clinician's couples view (coming up and earlier, cancelled and missed marked) and
as upcoming sessions on each partner's couples page. frank (the partner) never sees dana's individual sessions,
nor a couples session from before his link began."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from attune.care.models import PartnerLink
from attune.clinical.models import Appointment
from attune.core import policy, sessions
from attune.core.models import AuditEvent
from attune.couples import perms
from tests.cast import Cast, canary

pytestmark = pytest.mark.django_db


def appointment(cast: Cast, *, hours: float, kind: str = "couples", status: str = "scheduled", **extra: Any) -> Any:
    row = Appointment(
        client=cast.client("dana"),
        clinician=cast.alice,
        starts_at=timezone.now() + datetime.timedelta(hours=hours),
        minutes=extra.pop("minutes", 50),
        kind=kind,
        status=status,
    )
    row.place = extra.pop("place", canary("appointment", "place"))
    row.video_link = ""
    row.save()
    return row


@pytest.fixture
def booked(cast: Cast, link: PartnerLink) -> dict[str, Any]:
    PartnerLink.objects.filter(pk=link.pk).update(created=timezone.now() - datetime.timedelta(days=60))
    return {
        "next": appointment(cast, hours=30, minutes=75),
        "cancelled": appointment(cast, hours=-24 * 7, status="cancelled"),
        "missed": appointment(cast, hours=-24 * 14, status="missed"),
        "attended": appointment(cast, hours=-24 * 21, status="attended"),
        "individual": appointment(cast, hours=50, kind="individual"),
        "before_link": appointment(cast, hours=-24 * 90, status="attended"),
    }


def test_the_clinician_sees_upcoming_and_past_couples_sessions_marked(
    cast: Cast, link: PartnerLink, booked: dict[str, Any], client_for: Any
) -> None:
    page = client_for(cast.alice).get(reverse("couples:space", args=[link.pk])).content.decode()
    section = page.split('id="couples-sessions"', 1)[1].split("</section>", 1)[0]
    upcoming, earlier = section.split("Earlier", 1)
    assert booked["next"].place in upcoming and "75 minutes" in upcoming
    assert "Cancelled" in earlier and "Missed" in earlier and "Attended" in earlier
    assert earlier.index("Cancelled") < earlier.index("Missed") < earlier.index("Attended")  # newest first
    assert booked["individual"].place not in page
    listed = AuditEvent.objects.filter(entity_type="Appointment", agent_id=cast.alice.pk, action="R")
    shown = set(listed.values_list("entity_id", flat=True))
    assert str(booked["next"].pk) in shown and str(booked["individual"].pk) not in shown


def test_each_partner_sees_the_upcoming_couples_session_and_nothing_else(
    cast: Cast, link: PartnerLink, booked: dict[str, Any], client_for: Any
) -> None:
    for who in ("dana", "frank"):
        page = client_for(getattr(cast, who)).get(reverse("couples:space", args=[link.pk])).content.decode()
        section = page.split('id="couples-sessions"', 1)[1].split("</section>", 1)[0]
        assert booked["next"].place in section, who
        assert "Cancelled" not in section and "Missed" not in section, who
        assert booked["individual"].place not in page, who


def test_frank_never_sees_danas_individual_sessions(
    cast: Cast, link: PartnerLink, booked: dict[str, Any], client_for: Any, api_for: Any
) -> None:
    access = policy.client(cast.frank, link.client_id, perms.VIEW)
    link.refresh_from_db()
    listed = sessions.of_kind(access, "couples", since=link.created)
    assert {s.id for s in listed} == {booked[k].pk for k in ("next", "cancelled", "missed", "attended")}
    with pytest.raises(PermissionDenied):
        sessions.of_kind(access, "individual")
    refused = AuditEvent.objects.filter(agent_id=cast.frank.pk, outcome=AuditEvent.Outcome.DENIED)
    assert refused.filter(reason="not-permitted:appointments.view").exists()
    for path in (reverse("couples:space", args=[link.pk]), reverse("couples:home")):
        body = client_for(cast.frank).get(path).content.decode()
        for key in ("individual", "before_link"):
            assert booked[key].place not in body
    # His own pages and the client's appointment pages alike: the individual session is not there for him.
    assert client_for(cast.frank).get(reverse("clinical:my_appointments")).status_code == 404


def test_after_the_link_ends_frank_sees_no_session(
    cast: Cast, link: PartnerLink, booked: dict[str, Any], client_for: Any
) -> None:
    PartnerLink.objects.filter(pk=link.pk).update(ended=timezone.now())
    assert client_for(cast.frank).get(reverse("couples:space", args=[link.pk])).status_code == 404


def test_without_a_lister_there_are_no_sessions(cast: Cast, link: PartnerLink, monkeypatch: Any) -> None:
    monkeypatch.setattr(sessions, "_lister", None)
    access = policy.client(cast.alice, link.client_id, perms.VIEW)
    assert sessions.of_kind(access, "couples") == []
