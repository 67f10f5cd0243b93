"""The clinical record lists a client's sessions by kind for other capabilities (core/sessions.py): registered in
its AppConfig.ready(), deciding and auditing what each caller may see."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from attune.clinical import perms, queries
from attune.clinical.models import Appointment
from attune.core import policy, sessions
from attune.couples import perms as couples_perms
from tests.cast import Cast

pytestmark = pytest.mark.django_db


def _book(cast: Cast, kind: str, hours: int, status: str = "scheduled") -> Appointment:
    row = Appointment(
        client=cast.client("dana"),
        starts_at=timezone.now() + datetime.timedelta(hours=hours),
        minutes=50,
        kind=kind,
        status=status,
    )
    row.place, row.video_link = "Room 2", ""
    row.save()
    return row


def test_the_clinical_record_registers_its_lister() -> None:
    assert sessions._lister is queries.sessions_of_kind


def test_sessions_by_kind_soonest_first_with_their_status(cast: Cast) -> None:
    later, sooner = _book(cast, "couples", 48), _book(cast, "couples", 2)
    missed = _book(cast, "couples", -30, status="missed")
    _book(cast, "individual", 5)
    access = policy.client(cast.alice, cast.client("dana").pk, perms.VIEW_APPOINTMENTS)
    listed = sessions.of_kind(access, "couples")
    assert [s.id for s in listed] == [missed.pk, sooner.pk, later.pk]
    assert listed[0].status_label == "Missed" and not listed[0].upcoming and listed[1].upcoming
    assert {s.kind for s in sessions.of_kind(access, "individual")} == {"individual"}
    since = sessions.of_kind(access, "couples", since=timezone.now())
    assert [s.id for s in since] == [sooner.pk, later.pk]


def test_a_partner_is_refused_individual_sessions_and_sees_couples_ones(cast: Cast) -> None:
    couples = _book(cast, "couples", 24)
    _book(cast, "individual", 24)
    access = policy.client(cast.frank, cast.client("dana").pk, couples_perms.VIEW)
    assert [s.id for s in sessions.of_kind(access, "couples")] == [couples.pk]
    with pytest.raises(PermissionDenied):
        sessions.of_kind(access, "individual")
